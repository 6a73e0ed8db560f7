using System.Globalization;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// How a rectification recheck decides and what it writes. The verdict thresholds are shares of a polygon's area
/// (0..1, counted over the pixel centres inside it); docs/RECHECK.md says how they were chosen.
/// </summary>
public sealed record RecheckOptions
{
    /// <summary>
    /// Ground around each polygon, in metres, that is run through the model too (the tiles covering the polygon and this
    /// margin) and reported as <see cref="RecheckResult.MarginChangedShare"/>: change just beside a "restored" polygon
    /// may be the same structure moved next door.
    /// </summary>
    public double MarginMetres { get; init; } = 20;

    /// <summary>Cannot tell when more than this share of the polygon has no data on either date (cloud, shadow, outside the image).</summary>
    public double MaxObscuredShare { get; init; } = 0.3;

    /// <summary>Restored when at most this share of the visible area still shows change.</summary>
    public double RestoredMaxChangedShare { get; init; } = 0.2;

    /// <summary>Not restored when at least this share of the visible area still shows change; between the two, partly restored.</summary>
    public double NotRestoredMinChangedShare { get; init; } = 0.75;

    /// <summary>NDVI at or above which a pixel is vegetation.</summary>
    public double VegetationNdvi { get; init; } = 0.3;

    /// <summary>NDVI at or above which a pixel that is not bluish (blue at most red) is tilled soil.</summary>
    public double SoilNdvi { get; init; } = 0.1;

    /// <summary>NDWI = (G - NIR) / (G + NIR) above which a pixel is open water.</summary>
    public double WaterNdwi { get; init; }

    /// <summary>
    /// Run the model over every tile of the scene instead of only those covering the polygons (and their margins). The
    /// results are the same; this exists to measure what running only the covering tiles saves.
    /// </summary>
    public bool WholeScene { get; init; }

    /// <summary>
    /// How the reference and the newest image are brought onto the model's scaling: as the card says (default), a
    /// per-scene percentile stretch, or the newest matched onto the reference (<see cref="Radiometry.RadiometrySetting"/>).
    /// </summary>
    public Radiometry.RadiometrySetting Radiometry { get; init; }

    /// <summary>The layer of the polygon source to read; null for <c>tuban</c> when present, else the first layer.</summary>
    public string? Layer { get; init; }

    /// <summary>
    /// The field holding each polygon's id; null for <c>JCBH</c> when the layer has it. Polygons without an id are
    /// numbered by feature id.
    /// </summary>
    /// <remarks>A field named here must be in the layer: a typo would otherwise number every polygon by feature id.</remarks>
    public string? IdField { get; init; }

    /// <summary>Also write reference/after/newest chips of every polygon and an index.html here.</summary>
    public string? ChipsDirectory { get; init; }

    /// <summary>How chips look.</summary>
    public ChipOptions Chips { get; init; } = new();

    internal void Validate()
    {
        static void Share(double v, string what, string setting)
        {
            if (!(v >= 0 && v <= 1)) throw new InputException($"The {what} {v.ToString(CultureInfo.InvariantCulture)} is a share of the polygon's area: 0 to 1.") { Setting = setting };
        }
        Share(MaxObscuredShare, "largest obscured share", nameof(MaxObscuredShare));
        Share(RestoredMaxChangedShare, "largest still-changed share of a restored polygon", nameof(RestoredMaxChangedShare));
        Share(NotRestoredMinChangedShare, "smallest still-changed share of an unrestored polygon", nameof(NotRestoredMinChangedShare));
        var inv = CultureInfo.InvariantCulture;
        if (RestoredMaxChangedShare >= NotRestoredMinChangedShare)
            throw new InputException(
                $"The still-changed share of restored polygons ({RestoredMaxChangedShare.ToString(inv)}) must be below that of unrestored ones ({NotRestoredMinChangedShare.ToString(inv)}); between them lies 'partly restored'.")
            {
                Setting = nameof(RestoredMaxChangedShare),
            };
        if (!(MarginMetres >= 0 && MarginMetres <= 1000))
            throw new InputException($"The margin {MarginMetres.ToString(inv)} m is outside 0 to 1000 m.") { Setting = nameof(MarginMetres) };
        if (!(SoilNdvi < VegetationNdvi))
            throw new InputException($"The NDVI of tilled soil ({SoilNdvi.ToString(inv)}) must be below that of vegetation ({VegetationNdvi.ToString(inv)}).") { Setting = nameof(SoilNdvi) };
    }
}
