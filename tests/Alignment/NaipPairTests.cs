using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// The real NAIP pair 2009 → 2020 (../shared/data/real/naip-4dates: 8-bit R,G,B,NIR at 5 m, EPSG:26914, grids 1-2 m and
/// a row apart) through <c>weipian detect</c> as a user would run it, with no hand preparation (issue 15, Done when):
/// refused without <c>--align</c>; with <c>--align --radiometry percentile --bands R,G,B,NIR --all-land --chips</c> it
/// exits 0 with polygons in the before date's CRS inside the overlap, and its chips and index.html are kept under
/// tests/TestResults/naip-2009-2020 (the path is printed in the test output) for a developer to look at.
/// </summary>
public sealed class NaipPairTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string Before = TestPaths.Real("naip-4dates", "m_4709963_se_14_1_20090818.tif");
    private static readonly string After = TestPaths.Real("naip-4dates", "m_4709963_se_14_1_20200831.tif");

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [RealDataFact]
    public async Task RealNaipPairRunsWithAlignAndKeepsItsChips()
    {
        // The bundled card may state input.gsd 0.8 (the synthesiser's GSD), which would rightly refuse 5 m imagery; this
        // test is about the grids, so it names a copy of the card that leaves the GSD open.
        var card = SynthCase.SpectralCardWithGsd(_dir.Path, null);
        var chips = Path.Combine(TestPaths.RepoRoot, "tests", "TestResults", "naip-2009-2020");
        // The previous run's chips (the test's own output) make way: chips are written only into a new or empty folder.
        if (Directory.Exists(chips)) Directory.Delete(chips, recursive: true);
        string[] common = ["detect", "--before", Before, "--after", After, "--radiometry", "percentile", "--bands", "R,G,B,NIR", "--all-land", "--card", card];

        var (refusedCode, stderr) = await CliProcess.RunForErrorAsync([.. common, "--out", _dir.File("refused.gpkg")]);
        Assert.Equal(2, refusedCode);
        Assert.EndsWith("(--align)", Assert.Single(stderr.Split('\n')), StringComparison.Ordinal);

        var output = _dir.File("naip.gpkg");
        var (code, text) = await CliProcess.RunAsync([.. common, "--align", "--chips", chips, "--out", output, "--threads", "2"]);
        log.WriteLine(text);
        log.WriteLine($"chips of the NAIP pair: {Path.Combine(chips, "index.html")}");
        Assert.True(code == 0, text);
        Assert.Contains("co-registration: after date shifted", text, StringComparison.Ordinal);
        Assert.Contains("scaling percentile:", text, StringComparison.Ordinal);

        using var beforeRaster = RasterDataset.Open(Before);
        using var afterRaster = RasterDataset.Open(After);
        var overlap = Bounds(beforeRaster).Intersection(Bounds(afterRaster));
        using var ds = VectorDataset.Open(output);
        var layer = ds.Layer("tuban");
        Assert.True(layer.SpatialReference!.IsSame(beforeRaster.SpatialReference!), "polygons in the before date's CRS");
        var reader = new WKBReader();
        var jcbh = new List<string>();
        foreach (var f in layer.Features())
        {
            var e = reader.Read(f.Wkb).EnvelopeInternal;
            Assert.True(e.MinX >= overlap.MinX - 1e-6 && e.MaxX <= overlap.MaxX + 1e-6 && e.MinY >= overlap.MinY - 1e-6 && e.MaxY <= overlap.MaxY + 1e-6,
                $"{f.GetString("JCBH")} at {e} beyond the overlap {overlap}");
            jcbh.Add(f.GetString("JCBH")!);
        }
        log.WriteLine($"{jcbh.Count} polygons");
        Assert.NotEmpty(jcbh);
        Assert.True(File.Exists(Path.Combine(chips, "index.html")));
        foreach (var id in jcbh)
            foreach (var date in new[] { "before", "after" })
                Assert.True(File.Exists(Path.Combine(chips, $"{id}_{date}.png")), $"no {date} chip of {id}");
    }

    private static Envelope Bounds(RasterDataset raster)
    {
        var t = raster.GeoTransform;
        return new Envelope(t.OriginX, t.OriginX + raster.Width * t.PixelWidth, t.OriginY + raster.Height * t.PixelHeight, t.OriginY);
    }
}
