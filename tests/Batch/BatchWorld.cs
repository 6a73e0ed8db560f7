using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// A small hand-made province for batch tests: one 640 x 480 scene pair at 1 m (EPSG:4546, so a pixel is 1 m²) with
/// eight rectangles of change, cut into six overlapping 256 x 256 scenes the way neighbouring satellite scenes
/// overlap (windows read and written again as GeoTIFFs with offset geotransforms), plus the surveys.
/// </summary>
/// <remarks>
/// <para>The test model (tests/Fixtures/models/stacked-change.onnx, one 3x3 convolution with formula weights) reports
/// change (TBLX 20) where the after image is much brighter than the before: the rectangles have 900 after and 300
/// before, the rest 300 at both dates, so each rectangle comes out as one polygon of about its size.</para>
/// <para>Scenes (x, y of the window in the big scene): S00 (0,0), S01 (192,0), S02 (384,0), S10 (0,224), S11 (192,224),
/// S12 (384,224): columns overlap on x 192-256 and 384-448, rows on y 224-256.</para>
/// <para>Counties: 430102 (city 430100) west of x = 320, 430321 (city 430300) east of it; province 430000. No change
/// crosses the border (one that did would be split into a record per county, see LandSurvey.SplitByCounty).
/// The detection survey is farmland (0101) throughout, with permanent basic farmland on x, y 0-60. The current survey
/// records the land under D as rural homestead (0702: already construction) and under G as pond (1104).</para>
/// </remarks>
public sealed class BatchWorld : IDisposable
{
    public const double Left = 500_000, Top = 3_001_000;
    public const int Width = 640, Height = 480, SceneSize = 256;

    /// <summary>The planted changes, pixel rectangles in the big scene.</summary>
    public static readonly IReadOnlyDictionary<string, (int X, int Y, int W, int H)> Changes = new Dictionary<string, (int, int, int, int)>
    {
        ["A"] = (40, 40, 30, 30),     // S00 only; partly on permanent basic farmland
        ["B"] = (205, 60, 40, 30),    // inside the S00/S01 overlap: seen whole by both
        ["C"] = (230, 120, 60, 30),   // crosses S00's east edge: S00 sees 26 columns, S01 all 60
        ["D"] = (285, 160, 30, 30),   // S01 only, just west of the county border; the current survey already records construction there
        ["E"] = (400, 230, 30, 20),   // in the overlap of S01, S02, S11 and S12
        ["F"] = (100, 350, 40, 40),   // S10 only
        ["G"] = (500, 400, 30, 30),   // S12 only; the current survey records a pond there
        ["H"] = (560, 60, 25, 25),    // S02 only
    };

    public static readonly IReadOnlyList<(string Key, int X, int Y)> Windows =
        [("S00", 0, 0), ("S01", 192, 0), ("S02", 384, 0), ("S10", 0, 224), ("S11", 192, 224), ("S12", 384, 224)];

    private readonly TempDir _dir = new();

    public BatchWorld()
    {
        var crs = SpatialReference.FromEpsg(4546);
        var big = GeoTransform.NorthUp(Left, Top, 1);
        var bigBefore = File("big-before.tif");
        var bigAfter = File("big-after.tif");
        WriteImage(bigBefore, Width, Height, big, crs, (_, _) => 300);
        WriteImage(bigAfter, Width, Height, big, crs, (x, y) => Changes.Values.Any(c => x >= c.X && x < c.X + c.W && y >= c.Y && y < c.Y + c.H) ? (ushort)900 : (ushort)300);
        Directory.CreateDirectory(File("scenes"));
        foreach (var (key, x, y) in Windows)
        {
            CutWindow(bigBefore, File($"scenes/{key}-before.tif"), x, y);
            CutWindow(bigAfter, File($"scenes/{key}-after.tif"), x, y);
        }
        WriteSurvey(SurveyPath, crs, current: false);
        WriteSurvey(CurrentSurveyPath, crs, current: true);
    }

    public string Root => _dir.Path;

    public string File(string name) => _dir.File(name);

    public string SurveyPath => File("survey.gpkg");

    public string CurrentSurveyPath => File("survey-current.gpkg");

    public static string ModelPath => TestModels.StackedChange;

    /// <summary>The rectangle of a change in the batch CRS.</summary>
    public static Polygon Rectangle(string change)
    {
        var (x, y, w, h) = Changes[change];
        return Box(x, y, w, h);
    }

    /// <summary>A pixel rectangle of the big scene as a polygon in EPSG:4546.</summary>
    public static Polygon Box(double x, double y, double w, double h)
    {
        var f = new GeometryFactory();
        double x0 = Left + x, x1 = Left + x + w, y0 = Top - y - h, y1 = Top - y;
        return f.CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
    }

    /// <summary>Jobs for the six scenes in manifest order, with a corrupt scene (a text file named .tif) inserted at <paramref name="corruptAt"/> when given.</summary>
    public IReadOnlyList<SceneJob> Jobs(int? corruptAt = null)
    {
        var jobs = Windows.Select(w => new SceneJob(w.Key, File($"scenes/{w.Key}-before.tif"), File($"scenes/{w.Key}-after.tif"))
        {
            BeforeId = $"GF2_{w.Key}_20240315", AfterId = $"GF2_{w.Key}_20241120",
            BeforeDate = new DateOnly(2024, 3, 15), AfterDate = new DateOnly(2024, 11, 20),
        }).ToList();
        if (corruptAt is { } at)
        {
            var bad = File("scenes/BAD-after.tif");
            System.IO.File.WriteAllText(bad, "this is not a GeoTIFF\n");
            jobs.Insert(at, new SceneJob("BAD", File("scenes/S00-before.tif"), bad));
        }
        return jobs;
    }

    /// <summary>Writes the jobs as a manifest CSV (relative paths) and returns its path.</summary>
    public string Manifest(string name, IReadOnlyList<SceneJob> jobs)
    {
        var path = File(name);
        var lines = new List<string> { "# scene pairs of the batch test", "key,before,after,before_id,after_id,before_date,after_date,region" };
        lines.AddRange(jobs.Select(j => string.Join(",", j.Key, Path.GetRelativePath(Root, j.Before), Path.GetRelativePath(Root, j.After),
            j.BeforeId, j.AfterId, j.BeforeDate?.ToString("yyyyMMdd"), j.AfterDate?.ToString("yyyyMMdd"), "")));
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    private static void WriteImage(string path, int width, int height, GeoTransform transform, SpatialReference crs, Func<int, int, ushort> value)
    {
        using var ds = RasterDataset.CreateGeoTiff(path, width, height, 4, RasterDataType.UInt16, new GeoTiffOptions { PixelInterleaved = false });
        ds.GeoTransform = transform;
        ds.SpatialReference = crs;
        string[] names = ["B", "G", "R", "NIR"];
        var data = new ushort[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                data[y * width + x] = (ushort)(value(x, y) + ((x + y) & 1)); // a one-DN checkerboard: a constant band is refused as no data
        for (var b = 1; b <= 4; b++)
        {
            ds.SetNoData(b, 0);
            ds.SetBandDescription(b, names[b - 1]);
            ds.Write<ushort>(b, ds.Extent, data);
        }
    }

    // As gdal_translate -srcwin: the window's pixels, and a geotransform moved to the window's corner.
    private static void CutWindow(string source, string target, int x, int y)
    {
        using var src = RasterDataset.Open(source);
        var window = new PixelWindow(x, y, SceneSize, SceneSize);
        using var ds = RasterDataset.CreateGeoTiff(target, SceneSize, SceneSize, src.BandCount, RasterDataType.UInt16, new GeoTiffOptions { PixelInterleaved = false });
        ds.GeoTransform = src.GeoTransform.Offset(x, y);
        ds.SpatialReference = src.SpatialReference!;
        var data = new ushort[SceneSize * SceneSize];
        for (var b = 1; b <= src.BandCount; b++)
        {
            src.Read<ushort>(b, window, data);
            ds.SetNoData(b, 0);
            ds.SetBandDescription(b, src.BandDescription(b));
            ds.Write<ushort>(b, ds.Extent, data);
        }
    }

    private static void WriteSurvey(string path, SpatialReference crs, bool current)
    {
        var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
        var all = Box(0, 0, Width, Height);
        var parcels = new List<(string Dlbm, string Dlmc, Geometry G)>();
        if (current)
        {
            Geometry homestead = Box(275, 155, 50, 45), pond = Box(490, 390, 50, 50);
            parcels.Add(("0702", "农村宅基地", homestead));
            parcels.Add(("1104", "坑塘水面", pond));
            parcels.Add(("0101", "水田", all.Difference(homestead).Difference(pond)));
        }
        else
        {
            parcels.Add(("0101", "水田", all));
        }
        using var ds = VectorDataset.Create(path, "GPKG");
        var dltb = ds.CreateLayer("DLTB", GeometryKind.Polygon, crs, [new("DLBM", FieldKind.String, 8), new("DLMC", FieldKind.String, 40)]);
        foreach (var (dlbm, dlmc, g) in parcels) dltb.Add(wkb.Write(g), [dlbm, dlmc]);
        var basic = ds.CreateLayer("YJJBNTTB", GeometryKind.Polygon, crs, [new("YJJBNTTBBH", FieldKind.String, 20)]);
        basic.Add(wkb.Write(Box(0, 0, 60, 60)), ["JB001"]);
        var xzq = ds.CreateLayer("XZQ", GeometryKind.Polygon, crs, [new("XZQDM", FieldKind.String, 12), new("XZQMC", FieldKind.String, 40)]);
        xzq.Add(wkb.Write(Box(0, 0, 320, Height)), ["430102", "芙蓉区"]);
        xzq.Add(wkb.Write(Box(320, 0, Width - 320, Height)), ["430321", "湘潭县"]);
    }

    public void Dispose() => _dir.Dispose();
}
