using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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

    /// <summary>The minimum area for a class's TBLX code.</summary>
    public double MinimumAreaFor(string? tblx) =>
        tblx is not null && MinimumArea.TryGetValue(tblx, out var a) ? a : DefaultMinimumArea;
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
