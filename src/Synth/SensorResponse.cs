using System.Globalization;
using System.Numerics;
using WeiPian.Engine;

namespace WeiPian.Synth;

/// <summary>
/// How a sensor turns the ground's reflectance into DN, relative to the synthesiser's GF-2-like default: per-band
/// gains and offsets (offsets in 10-bit DN, scaled with the bit depth), and band width as a mixing of spectral
/// neighbours. With width w, B' = (1-w) B + w G, G' = (1-2w) G + w B + w R, R' = (1-2w) R + w G + w NIR,
/// NIR' = (1-w) NIR + w R: wider, overlapping filters, as on an older satellite or an aerial RGBN camera.
/// It exists so the after date can come from another sensor than the before date, as real pairs often do, and the
/// engine's radiometric normalisation can be measured against a known answer.
/// </summary>
public sealed record SensorResponse
{
    /// <summary>Largest band <see cref="Width"/>: beyond it a band would be more its neighbours than itself.</summary>
    public const float MaxWidth = 0.3f;

    /// <summary>Preset name, or "custom".</summary>
    public string Name { get; init; } = "custom";

    /// <summary>Gain per band (B, G, R, NIR), multiplying the default response.</summary>
    public float[] Gains { get; init; } = [1, 1, 1, 1];

    /// <summary>Offset per band (B, G, R, NIR) in 10-bit DN, added to the default's path radiance.</summary>
    public float[] Offsets { get; init; } = [0, 0, 0, 0];

    /// <summary>Share of each spectral neighbour mixed into a band, 0 to <see cref="MaxWidth"/>.</summary>
    public float Width { get; init; }

    /// <summary>The synthesiser's own GF-2-like response: the after date as it always was.</summary>
    public static SensorResponse Native { get; } = new() { Name = "native" };

    /// <summary>GF-1-like (illustrative numbers): blue and green weaker, NIR stronger, a dark offset, bands 4 % wider.</summary>
    public static SensorResponse Gf1 { get; } = new() { Name = "gf1", Gains = [0.94f, 0.97f, 1.03f, 1.09f], Offsets = [8, 5, 3, 0], Width = 0.04f };

    /// <summary>An aerial RGBN camera (illustrative numbers): broad overlapping filters (15 %), a NIR channel that sees red, strong path offsets.</summary>
    public static SensorResponse Aerial { get; } = new() { Name = "aerial", Gains = [1.12f, 1.05f, 0.95f, 0.85f], Offsets = [12, 8, 5, 3], Width = 0.15f };

    /// <summary>The presets by name.</summary>
    public static IReadOnlyList<SensorResponse> Presets { get; } = [Native, Gf1, Aerial];

    /// <summary>True for the default response (nothing to apply).</summary>
    public bool IsNative => Width == 0 && Gains.All(g => g == 1) && Offsets.All(o => o == 0);

    /// <summary>
    /// A preset name (<c>native</c>, <c>gf1</c>, <c>aerial</c>) or explicit numbers:
    /// <c>gains=G1,G2,G3,G4;offsets=O1,O2,O3,O4;width=W</c> (each part optional, bands B, G, R, NIR).
    /// </summary>
    /// <exception cref="InputException">Not a preset and not numbers in that form, or numbers out of range.</exception>
    public static SensorResponse Parse(string text)
    {
        var trimmed = text.Trim();
        if (Presets.FirstOrDefault(p => p.Name.Equals(trimmed, StringComparison.OrdinalIgnoreCase)) is { } preset) return preset;
        var response = new SensorResponse();
        foreach (var part in trimmed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var key = kv[0].ToLowerInvariant();
            if (kv.Length != 2 || key is not ("gains" or "offsets" or "width"))
                throw Bad(text, $"'{part}' is neither a preset ({string.Join(", ", Presets.Select(p => p.Name))}) nor gains=, offsets= or width=");
            var numbers = kv[1].Split(',', StringSplitOptions.TrimEntries).Select(v =>
                float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && float.IsFinite(f) ? f : throw Bad(text, $"'{v}' is not a number")).ToArray();
            if (key == "width")
                response = numbers.Length == 1 ? response with { Width = numbers[0] } : throw Bad(text, "width takes one number");
            else if (numbers.Length != 4) throw Bad(text, $"{key} takes four numbers (B, G, R, NIR)");
            else response = key == "gains" ? response with { Gains = numbers } : response with { Offsets = numbers };
        }
        response.Validate(text);
        return response;
    }

    /// <summary>Refuses gains outside (0, 4], offsets outside ±200 DN and widths outside [0, <see cref="MaxWidth"/>].</summary>
    /// <exception cref="InputException">A number is out of range.</exception>
    internal void Validate(string? text = null)
    {
        text ??= Name;
        if (Gains.Length != 4 || Offsets.Length != 4) throw Bad(text, "give four gains and four offsets (B, G, R, NIR)");
        if (Gains.Any(g => !(g > 0 && g <= 4))) throw Bad(text, "each gain must be above 0 and at most 4");
        if (Offsets.Any(o => !(Math.Abs(o) <= 200))) throw Bad(text, "each offset must be within ±200 DN");
        if (!(Width >= 0 && Width <= MaxWidth)) throw Bad(text, string.Create(CultureInfo.InvariantCulture, $"width must be 0 to {MaxWidth}"));
    }

    /// <summary>The reflectance each band sees through the wider filters.</summary>
    internal Vector4 Mix(Vector4 r)
    {
        var w = Width;
        return new Vector4((1 - w) * r.X + w * r.Y, (1 - 2 * w) * r.Y + w * (r.X + r.Z), (1 - 2 * w) * r.Z + w * (r.Y + r.W), (1 - w) * r.W + w * r.Z);
    }

    private static InputException Bad(string text, string why) =>
        new($"--after-sensor {text}: {why}.");
}
