using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Survey;

namespace WeiPian.Engine.Pipeline;

/// <summary>What to report and how to number it.</summary>
public sealed record DetectionOptions
{
    /// <summary>Report change on all land, not only on farmland (JCGDMJ still says how much lies on farmland).</summary>
    public bool AllLand { get; init; }

    /// <summary>
    /// Minimum mapping area per TBLX code in m² (DOMAIN: 200 for construction and facility land, 400 for other
    /// agricultural change such as dug ponds, 600 for the rest); codes not listed use <see cref="DefaultMinimumArea"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double> MinimumArea { get; init; } = new Dictionary<string, double>
    {
        ["20"] = 200, ["YH"] = 200, ["GF"] = 200, ["SN"] = 200, ["KT"] = 400, ["CK"] = 600,
    };

    /// <summary>Minimum area of classes not in <see cref="MinimumArea"/>, m².</summary>
    public double DefaultMinimumArea { get; init; } = 600;

    /// <summary>
    /// The user's minimum mapping areas in m², which win over the model card's and the DOMAIN ones: keys are TBLX codes
    /// ("20", "KT") or class names of the card ("building"), matched without regard to case, and
    /// <see cref="AllClasses"/> for every class not named; 0 keeps every polygon. Null, the default, leaves each class to
    /// its card's <c>minArea</c>, else to <see cref="MinimumArea"/> by TBLX code, else to <see cref="DefaultMinimumArea"/>.
    /// A key the card does not know, or an area that is negative or not a number, is refused before any work: a typo
    /// would otherwise keep the default without a word.
    /// </summary>
    public IReadOnlyDictionary<string, double>? MinimumAreaOverride { get; init; }

    /// <summary>The key of <see cref="MinimumAreaOverride"/> that stands for every class not named by its own key.</summary>
    public const string AllClasses = "*";

    /// <summary>
    /// Pixels that are never change, as if the before date had no data there (cloud, shadow, a construction site already
    /// known): a raster on the before or the after date's grid, where nonzero excludes the pixel and 0 or the raster's
    /// nodata does not, or a vector layer (any source GDAL opens, any CRS), whose polygons exclude the pixels whose centres
    /// they hold. See <c>ExclusionMask</c>. Null for none.
    /// </summary>
    public string? BeforeMask { get; init; }

    /// <summary>The same as <see cref="BeforeMask"/> for the after date.</summary>
    public string? AfterMask { get; init; }

    /// <summary>
    /// Screen both dates for cloud and cloud shadow and leave them out like nodata (the engine's cloud screen, docs in the README; needs
    /// B, G, R and NIR bands): true on, false off, null as the model card says (<c>"clouds": true</c>).
    /// </summary>
    public bool? CloudScreen { get; init; }

    /// <summary>Source tag in JCBH between the county code and the year.</summary>
    public string SourceTag { get; init; } = "WP";

    /// <summary>Also write the masked class raster here (a COG: band 1 class, band 2 confidence in percent).</summary>
    public string? ClassRasterPath { get; init; }

    /// <summary>Text encoding of Shapefile outputs: "GBK" (what Chinese desktop GIS expects, the default) or "UTF-8".</summary>
    public string ShapefileEncoding { get; init; } = "GBK";

    /// <summary>Also write before/after chips of every polygon and an index.html here ("表格+影像").</summary>
    public string? ChipsDirectory { get; init; }

    /// <summary>How chips look.</summary>
    public ChipOptions Chips { get; init; } = new();

    /// <summary>County code when the survey has no county layer or a polygon lies in none.</summary>
    public string DefaultCounty { get; init; } = "000000";

    /// <summary>Join diagonal neighbours into one polygon (8-connectivity); 4-connectivity by default, as gdal_polygonize.</summary>
    public bool EightConnected { get; init; }

    /// <summary>
    /// Simplify the polygons with this tolerance, in metres, as one coverage (NTS CoverageSimplifier): a boundary shared
    /// by two polygons, of any classes, is simplified once for both, so no gap or overlap opens between neighbours, and
    /// no ring crosses itself or another; 0, the default, keeps the exact pixel edges that GDAL's polygoniser gives.
    /// Polygons wait, as they stream out, until every neighbour has closed (see <see cref="CoverageSimplification"/>). The minimum mapping area is judged before simplification; the areas (JCMJ, JCGDMJ,
    /// YJJBNTMJ) and the point inside are those of the simplified polygon, which moves no vertex by more than the tolerance.
    /// </summary>
    public double SimplifyTolerance { get; init; }

    /// <summary>Write one file per county (XZQDM) instead of one file: see <see cref="OutputSplit"/>.</summary>
    public OutputSplit SplitBy { get; init; }

    /// <summary>
    /// How the dates' raw values are brought onto the model's scaling: as the card says (default: its fixed scaling, with
    /// the scenes checked against its bit depth before any tile runs), a per-scene percentile stretch, or the after date
    /// matched onto the before date on unchanged pixels (<see cref="Radiometry.RadiometrySetting"/>; docs/MODEL_CARD.md).
    /// </summary>
    public Radiometry.RadiometrySetting Radiometry { get; init; }

    /// <summary>How to read the survey.</summary>
    public SurveyOptions Survey { get; init; } = new();

    /// <summary>Folder for the run's work folder (<c>weipian-HOST-PID-TOKEN</c>, removed at the end; those of killed runs are removed by the next run); the system temp folder by default.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>
    /// Told what the run saw that does not fail it: a warning when the model gave no number (NaN) for some pixels
    /// (counted as no change), information when temporary files of killed runs were removed or an interrupted swap
    /// finished, and when county files of an earlier run were kept. One message a line, naming the file. Nothing by
    /// default.
    /// </summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// The minimum area for a TBLX code, m², when the class itself is not known: <see cref="MinimumAreaOverride"/> by
    /// code, then its <see cref="AllClasses"/> entry, then <see cref="MinimumArea"/>, then <see cref="DefaultMinimumArea"/>.
    /// </summary>
    public double MinimumAreaFor(string? tblx) =>
        Override(tblx) ?? Override(AllClasses) ?? (tblx is not null && MinimumArea.TryGetValue(tblx, out var a) ? a : DefaultMinimumArea);

    /// <summary>
    /// The minimum area of a class of the model's card, m²: the user's (<see cref="MinimumAreaOverride"/> by class name,
    /// then by TBLX code, then for all classes), else the card's <see cref="CardClass.MinimumArea"/>, else the DOMAIN
    /// table by TBLX code (<see cref="MinimumArea"/>), else <see cref="DefaultMinimumArea"/>.
    /// </summary>
    public double MinimumAreaFor(CardClass cls)
    {
        ArgumentNullException.ThrowIfNull(cls);
        return Override(cls.Name) ?? Override(cls.Tblx) ?? Override(AllClasses) ?? cls.MinimumArea ?? MinimumAreaFor(cls.Tblx);
    }

    /// <summary>Refuses a <see cref="MinimumAreaOverride"/> key that names no class of <paramref name="card"/>, or an area that is not 0 or more.</summary>
    internal void CheckMinimumAreas(ModelCard card)
    {
        foreach (var (key, area) in MinimumAreaOverride ?? new Dictionary<string, double>())
        {
            var named = card.Classes.Skip(1).Any(c => Same(c.Name, key) || Same(c.Tblx, key));
            if (key != AllClasses && !named)
                throw new InputException(
                    $"A minimum area for '{key}': model '{card.Name}' has no class of that TBLX code or name; its classes are {string.Join(", ", card.Classes.Skip(1))}.")
                {
                    Setting = nameof(MinimumAreaOverride),
                };
            if (!(area >= 0) || double.IsPositiveInfinity(area))
                throw new InputException($"A minimum area of {area.ToString(CultureInfo.InvariantCulture)} m² for '{key}': an area is 0 or more.")
                {
                    Setting = nameof(MinimumAreaOverride),
                };
        }
    }

    private double? Override(string? key)
    {
        if (key is null || MinimumAreaOverride is null) return null;
        foreach (var (k, area) in MinimumAreaOverride)
            if (Same(k, key)) return area;
        return null;
    }

    private static bool Same(string? a, string? b) => a is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

/// <summary>How <see cref="ChangeDetector.DetectToFileAsync"/> divides its output.</summary>
public enum OutputSplit
{
    /// <summary>One file at the output path.</summary>
    None,

    /// <summary>
    /// One file per county, <c>OUT_XZQDM.ext</c> beside the output path (see <see cref="CountySplitSink"/>), each written
    /// atomically; a county without polygons gets no file, and the output path itself is not written.
    /// </summary>
    County,
}

/// <summary>Where a detection run is.</summary>
/// <param name="TilesDone">Tiles through the model so far.</param>
/// <param name="TilesTotal">Tiles in the scene.</param>
/// <param name="Polygons">Polygons reported so far.</param>
public sealed record DetectionProgress(long TilesDone, long TilesTotal, long Polygons)
{
    /// <summary>The stage the run is in: every tile may be through the model while the last polygons, the class raster
    /// and the chips still take a while; only <see cref="DetectionStage.Done"/> means the run is over.</summary>
    public DetectionStage Stage { get; init; } = DetectionStage.Tiles;
}

/// <summary>The stages of a detection run, in order, as <see cref="DetectionProgress"/> reports them.</summary>
public enum DetectionStage
{
    /// <summary>Tiles through the model, polygons streaming out.</summary>
    Tiles,

    /// <summary>Every tile classified: the last polygons close, the class raster's overviews are built.</summary>
    Finishing,

    /// <summary>The polygons delivered: the output files committed, the chips rendered (<see cref="ChangeDetector.DetectToFileAsync"/>).</summary>
    Writing,

    /// <summary>The run is over; <see cref="DetectionProgress.Polygons"/> is every polygon delivered.</summary>
    Done,
}
