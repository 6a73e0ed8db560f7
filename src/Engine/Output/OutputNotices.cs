namespace WeiPian.Engine.Output;

/// <summary>
/// What the engine did or saw beside an output that the user should hear about without the run failing: leftovers of
/// killed runs removed or restored, county files of an earlier run kept beside this run's. Each notice is one line
/// naming the output; the command line prints them on stderr.
/// </summary>
/// <remarks>Raised on the thread that writes the output; handlers must be quick and thread-safe (one process may write
/// several outputs at once).</remarks>
public static class OutputNotices
{
    /// <summary>Raised with one line of text per notice.</summary>
    public static event Action<string>? Raised;

    internal static void Raise(string message) => Raised?.Invoke(message);
}
