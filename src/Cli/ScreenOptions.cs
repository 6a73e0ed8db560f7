using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Inference;
using WeiPian.Models;

namespace WeiPian.Cli;

/// <summary>The <c>--screen</c> and <c>--screen-threshold</c> options of a screening cascade (<see cref="InferenceOptions.ScreenModelPath"/>).</summary>
internal static class ScreenOptions
{
    /// <summary>A new <c>--screen MODEL</c> option; read it with <see cref="ModelPath"/>.</summary>
    public static Option<string?> Screen() => new("--screen")
    {
        Description = "Cheap model (bundled name or .onnx file, e.g. screen-v1) run on every tile first; --model then runs only on the tiles it flags and those within its halo of a flagged pixel",
    };

    /// <summary>A new <c>--screen-threshold P</c> option.</summary>
    public static Option<double> Threshold() => new("--screen-threshold")
    {
        Description = string.Create(CultureInfo.InvariantCulture,
            $"Change probability of the screen at or above which a pixel flags its tile, more than 0 and at most 0.5 (default {InferenceOptions.DefaultScreenThreshold}; tuned for recall)"),
        DefaultValueFactory = _ => InferenceOptions.DefaultScreenThreshold,
    };

    /// <summary>The screen's .onnx path for a <c>--screen</c> value, or null; a name that is neither bundled nor a file is refused before any work.</summary>
    public static string? ModelPath(string? value)
    {
        if (value is null) return null;
        try
        {
            return BundledModels.Resolve(value);
        }
        catch (FileNotFoundException e)
        {
            throw new InputException($"--screen: {e.Message}", e);
        }
    }
}
