using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Cli;

/// <summary>
/// The rules a user sets on what counts as change: <c>--min-area</c>, <c>--mask-before</c> / <c>--mask-after</c> and
/// <c>--clouds</c>, the same on every command that detects (masks only where a command has one scene pair).
/// </summary>
internal sealed class MaskOptions
{
    private readonly bool _masks;

    /// <summary>New options for one command (each command owns its options).</summary>
    /// <param name="masks">Whether the command takes mask files (detect does; reprocess has many scene pairs and does not).</param>
    public MaskOptions(bool masks) => _masks = masks;

    private Option<string?> MinArea { get; } = new("--min-area")
    {
        Description = "Minimum mapping area in m² per TBLX code or class name, e.g. 20=200,KT=400,CK=600,SN=200; a bare number for every "
                      + "class not named (0 keeps everything). Default: the card's minArea, else the DOMAIN table (200 m² for 20, YH, GF, SN; 400 for KT; 600 for the rest)",
    };

    private Option<string?> MaskBefore { get; } = new("--mask-before")
    {
        Description = "Pixels never change on the before date: a raster on either date's grid (nonzero = excluded, its nodata not), or a vector layer (inside = excluded; any CRS)",
    };

    private Option<string?> MaskAfter { get; } = new("--mask-after") { Description = "The same for the after date" };

    private Option<bool> Clouds { get; } = new("--clouds")
    {
        Description = "Screen both dates for cloud and cloud shadow (4-band B,G,R,NIR data) and leave them out like nodata; on by default when the model card says \"clouds\": true (--clouds false turns it off)",
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(MinArea);
        if (_masks)
        {
            command.Options.Add(MaskBefore);
            command.Options.Add(MaskAfter);
        }
        command.Options.Add(Clouds);
    }

    /// <summary>Whether any of the options was given.</summary>
    public bool AnyGiven(System.CommandLine.Parsing.CommandResult result) =>
        result.GetResult(MinArea) is not null || result.GetResult(Clouds) is { Implicit: false }
        || (_masks && (result.GetResult(MaskBefore) is not null || result.GetResult(MaskAfter) is not null));

    /// <summary>The options as given, on top of <paramref name="options"/>.</summary>
    public DetectionOptions Apply(ParseResult parse, DetectionOptions options) => options with
    {
        MinimumAreaOverride = ParseMinimumAreas(parse.GetValue(MinArea)),
        BeforeMask = _masks ? parse.GetValue(MaskBefore) : null,
        AfterMask = _masks ? parse.GetValue(MaskAfter) : null,
        // Unset unless given (a bool option always has an implicit result): the card decides, or a cloudy pair is refused.
        CloudScreen = parse.GetResult(Clouds) is { Implicit: false } ? parse.GetValue(Clouds) : null,
    };

    /// <summary>
    /// <c>KEY=M2,...</c> with TBLX codes or class names as keys, and at most one bare number, which stands for every class
    /// not named; null for null. Whether the keys are classes of the model is checked by the engine, against its card.
    /// </summary>
    /// <exception cref="InputException">A part that is not a key and an area, an area that is not a number, a key twice.</exception>
    public static IReadOnlyDictionary<string, double>? ParseMinimumAreas(string? text)
    {
        if (text is null) return null;
        var areas = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? DetectionOptions.AllClasses : part[..eq].Trim();
            var value = eq < 0 ? part : part[(eq + 1)..].Trim();
            if (key.Length == 0 || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var area))
                throw new InputException($"--min-area {text}: '{part}' is not CODE=M2 (e.g. 20=200) or one area in m² for every class.");
            if (!areas.TryAdd(key, area))
                throw new InputException($"--min-area {text}: {(key == DetectionOptions.AllClasses ? "more than one area for every class" : $"'{key}' is given twice")}.");
        }
        return areas;
    }
}
