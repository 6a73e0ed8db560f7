using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The bundled synthesised sample with its county layer (XZQ) redrawn so that changes straddle two counties: the
/// synthesiser's border follows roads and its changes sit inside blocks, so here a straight border runs through the two
/// largest planted changes on farmland instead, slanted across the pixel grid. Detected twice: once to one GeoPackage
/// (with the class raster) and once split by county.
/// </summary>
public sealed class CountyBorderScene : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    /// <summary>The two counties, left of the border and right of it, as written to the survey.</summary>
    public static readonly (string Code, string Name)[] CountyNames = [("420506", "夷陵区"), ("420582", "当阳市")];

    public string SurveyPath => _dir.File("survey.gpkg");

    public string OutputPath => _dir.File("tuban.gpkg");

    public string ClassRasterPath => _dir.File("class.tif");

    /// <summary>Where the split run was pointed; its files are <see cref="SplitFiles"/>.</summary>
    public string SplitPath => Path.Combine(_dir.Path, "split", "tuban.gpkg");

    public IReadOnlyList<string> SplitFiles { get; private set; } = [];

    /// <summary>The counties as written, with their outlines.</summary>
    public IReadOnlyList<(string Code, string Name, Geometry Outline)> Counties { get; private set; } = [];

    public async Task InitializeAsync()
    {
        File.Copy(SampleDetection.SamplePath("survey.gpkg"), SurveyPath);
        Counties = RedrawCounties();
        using var detector = new ChangeDetector(SampleDetection.Model);
        await detector.DetectToFileAsync(SampleDetection.Pair, SurveyPath, OutputPath, new DetectionOptions { ClassRasterPath = ClassRasterPath });
        Directory.CreateDirectory(Path.GetDirectoryName(SplitPath)!);
        var split = await detector.DetectToFileAsync(SampleDetection.Pair, SurveyPath, SplitPath, new DetectionOptions { SplitBy = OutputSplit.County });
        SplitFiles = split.Files;
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private List<(string, string, Geometry)> RedrawCounties()
    {
        var reader = new WKBReader();
        Point[] centres;
        using (var truth = VectorDataset.Open(SampleDetection.SamplePath("truth.gpkg")))
        {
            var layer = truth.Layer("truth");
            layer.SetAttributeFilter("on_farmland = 1");
            centres = layer.Features().OrderByDescending(f => f.GetDouble("area_m2")).Take(2).Select(f => reader.Read(f.Wkb).Centroid).ToArray();
        }
        using var scene = RasterDataset.Open(SampleDetection.SamplePath("before.tif"));
        var t = scene.GeoTransform;
        var f = new GeometryFactory();
        var box = f.ToGeometry(new Envelope(t.OriginX - 100, t.OriginX + scene.Width * t.PixelWidth + 100,
            t.OriginY + scene.Height * t.PixelHeight - 100, t.OriginY + 100));
        // Left of the line through both centres (extended far beyond the scene) is the first county, the rest the second.
        var (a, b) = (centres[0].Coordinate, centres[1].Coordinate);
        var k = 1e5 / a.Distance(b);
        var (dx, dy) = ((b.X - a.X) * k, (b.Y - a.Y) * k);
        var (p, q) = (new Coordinate(a.X - dx, a.Y - dy), new Coordinate(a.X + dx, a.Y + dy));
        var left = f.CreatePolygon([p, q, new(q.X - dy, q.Y + dx), new(p.X - dy, p.Y + dx), p.Copy()]);
        var first = box.Intersection(left);
        var second = box.Difference(first);

        using var ds = VectorDataset.Open(SurveyPath, update: true);
        ds.ExecuteSql("DELETE FROM XZQ");
        var xzq = ds.Layer("XZQ");
        var wkb = new WKBWriter();
        var outlines = new[] { first, second };
        var result = new List<(string, string, Geometry)>();
        for (var i = 0; i < 2; i++)
        {
            xzq.Add(wkb.Write(outlines[i]), [i + 1, "1000600100", CountyNames[i].Code, CountyNames[i].Name, Math.Round(outlines[i].Area, 2)]);
            result.Add((CountyNames[i].Code, CountyNames[i].Name, outlines[i]));
        }
        return result;
    }
}
