using Microsoft.Extensions.Logging;

namespace WeiPian.Engine.Files;

/// <summary>
/// What the engine did or saw beside an output that the user should hear about without the run failing: leftovers of
/// killed runs removed or restored, county files of an earlier run kept beside this run's. Each notice is one line
/// naming the output. A detection given a logger (<see cref="Pipeline.DetectionOptions.Logger"/>) tells it, at
/// <see cref="LogLevel.Information"/>; outputs written without one (synth, batch and recheck outputs, polygonize) raise
/// <see cref="Raised"/> instead.
/// </summary>
/// <remarks>Raised on the thread that writes the output; handlers must be quick and thread-safe (one process may write
/// several outputs at once).</remarks>
public static class OutputNotices
{
    /// <summary>Raised with one line of text per notice of an output written without a logger.</summary>
    public static event Action<string>? Raised;

    internal static void Raise(ILogger? logger, string message)
    {
        if (logger is null) Raised?.Invoke(message);
        else logger.LogInformation("{Notice}", message);
    }
}
