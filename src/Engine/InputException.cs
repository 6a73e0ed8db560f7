namespace WeiPian.Engine;

/// <summary>
/// Input the engine checked and found unusable: a file, a model, a survey, an option value or an output path that
/// does not fit. The message names the file or value and what is wrong, so a caller can show it as it is.
/// </summary>
/// <remarks>
/// Everything the engine refuses on purpose derives from this type; any other exception escaping the engine is a bug.
/// The command line turns this type into one line and exit code 2, and anything else into "internal error", exit 1.
/// </remarks>
public class InputException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file or value.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public InputException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>
    /// The library setting that fixes the problem, as a property name (e.g. <c>nameof(ScenePair.Bands)</c>), or null.
    /// </summary>
    /// <remarks>
    /// Messages speak of the input, never of one front end's flags; a front end maps this name to its own option
    /// (the command line prints <c>--bands</c> for <c>Bands</c>).
    /// </remarks>
    public string? Setting { get; init; }
}
