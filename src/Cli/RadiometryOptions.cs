using System.CommandLine;
using WeiPian.Engine;
using WeiPian.Engine.Radiometry;

namespace WeiPian.Cli;

/// <summary>The <c>--radiometry</c> and <c>--card</c> options of the commands that run a model.</summary>
internal static class RadiometryOptions
{
    /// <summary>A new <c>--radiometry card|percentile|match</c> option; read it with <see cref="Parse"/>.</summary>
    public static Option<string> Radiometry()
    {
        var option = new Option<string>("--radiometry")
        {
            Description = "How the dates' values reach the model's scaling: card (default: the card's, scenes checked against its bit depth), " +
                "percentile (map each date's 2-98 % per band onto the training data's, the card's reference), match (fit the after date onto the before date on unchanged pixels)",
            DefaultValueFactory = _ => "card",
        };
        option.AcceptOnlyFromAmong("card", "percentile", "match");
        return option;
    }

    /// <summary>A new <c>--card FILE</c> option.</summary>
    public static Option<string?> Card() =>
        new("--card") { Description = "Model card (JSON) that overrides the model's own, embedded or sidecar (schema in docs/MODEL_CARD.md)" };

    /// <summary>The setting for a <c>--radiometry</c> value.</summary>
    public static RadiometrySetting Parse(string value) => RadiometryPlan.Parse(value, "--radiometry");

    /// <summary>The full path of a <c>--card</c> file, or null; a file that does not exist is refused before any work.</summary>
    public static string? CardPath(string? value) =>
        value is null ? null
        : File.Exists(value) ? Path.GetFullPath(value)
        : throw new InputException($"--card {value}: no such file.");
}
