using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// Simplification is off by default, leaving the exact pixel edges GDAL's polygoniser gives; on, it removes vertices,
/// keeps every polygon valid and moves each area by at most perimeter x tolerance (no vertex moves further than it).
/// </summary>
public class SimplifyTests(SampleDetection sample) : IClassFixture<SampleDetection>
{
    private const double Tolerance = 1.6;   // metres: two pixels

    [Fact]
    public void OffByDefaultEveryVertexIsAPixelCorner()
    {
        using var scene = RasterDataset.Open(SampleDetection.SamplePath("before.tif"));
        var t = scene.GeoTransform;
        Assert.NotEmpty(sample.Tubans);
        foreach (var tuban in sample.Tubans)
            foreach (var c in tuban.Geometry.Coordinates)
            {
                var (col, row) = ((c.X - t.OriginX) / t.PixelWidth, (c.Y - t.OriginY) / t.PixelHeight);
                Assert.True(Math.Abs(col - Math.Round(col)) < 1e-6 && Math.Abs(row - Math.Round(row)) < 1e-6,
                    $"{tuban.Jcbh}: vertex {c} is not a pixel corner");
            }
    }

    [Fact]
    public async Task OnItRemovesVerticesKeepsValidityAndBoundsTheAreaChange()
    {
        var simplified = new List<Tuban>();
        using (var detector = new ChangeDetector(SampleDetection.Model))
            await foreach (var t in detector.DetectAsync(SampleDetection.Pair, SampleDetection.SamplePath("survey.gpkg"),
                new DetectionOptions { SimplifyTolerance = Tolerance }))
                simplified.Add(t);

        var exact = sample.Tubans.ToDictionary(t => t.Jcbh);
        Assert.Equal(exact.Keys.Order(), simplified.Select(t => t.Jcbh).Order());
        int before = 0, after = 0;
        foreach (var s in simplified)
        {
            var e = exact[s.Jcbh];
            before += e.Geometry.NumPoints;
            after += s.Geometry.NumPoints;
            Assert.True(s.Geometry.NumPoints <= e.Geometry.NumPoints, $"{s.Jcbh}: {e.Geometry.NumPoints} -> {s.Geometry.NumPoints} vertices");
            if (e.Geometry.IsValid) Assert.True(s.Geometry.IsValid, $"{s.Jcbh}: simplified polygon is invalid");
            var bound = e.Geometry.Length * Tolerance;
            Assert.True(Math.Abs(s.Jcmj - e.Jcmj) <= bound, $"{s.Jcbh}: area {e.Jcmj:0.0} -> {s.Jcmj:0.0} m², bound {bound:0.0}");
            Assert.Equal(s.Geometry.Area, s.Jcmj, 6);
            Assert.True(s.Jcgdmj <= s.Jcmj + 1e-6, $"{s.Jcbh}: JCGDMJ {s.Jcgdmj} > JCMJ {s.Jcmj}");
            Assert.True(s.Geometry.Contains(new NetTopologySuite.Geometries.Point(s.X, s.Y)), $"{s.Jcbh}: its point lies outside");
        }
        Assert.True(after < 0.7 * before, $"{before} vertices before, {after} after");
    }

    [Fact]
    public async Task NegativeToleranceIsRefusedBeforeAnyWork()
    {
        using var detector = new ChangeDetector(SampleDetection.Model);
        await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var _ in detector.DetectAsync(SampleDetection.Pair, SampleDetection.SamplePath("survey.gpkg"),
                new DetectionOptions { SimplifyTolerance = -1 })) { }
        });
    }
}
