using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using NetTopologySuite.Simplify;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// <c>--simplify</c> keeps the polygons a coverage: touching polygons of different classes, streamed strip by strip as
/// the detection does, share each simplified boundary, so no gap and no overlap opens between them.
/// </summary>
public class CoverageSimplificationTests
{
    private const int Size = 64;
    private const double Tolerance = 2.5;   // pixels (the transform below has 1 m pixels)

    // Eight classes in a 4 x 2 layout whose borders zigzag by up to +-2 pixels, covering every pixel, plus (optionally)
    // a one-pixel column of class 9 down the whole left edge: a region open over every strip.
    private static byte[] ClassRaster(bool tallRegion)
    {
        var pixels = new byte[Size * Size];
        for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
            {
                var jx = (y * 7919 + 13) % 5 - 2;
                var jy = (x * 104729 + 7) % 5 - 2;
                var col = Math.Clamp((x + jx) / 16, 0, 3);
                var row = y + jy >= Size / 2 ? 1 : 0;
                pixels[y * Size + x] = (byte)(1 + col + 4 * row);
            }
        if (tallRegion)
            for (var y = 0; y < Size; y++) pixels[y * Size] = 9;
        return pixels;
    }

    // Polygonises in strips and simplifies through the coverage exactly as the detection's attribute stage does.
    private static (List<ClassPolygon> Closed, List<(ClassPolygon Polygon, Geometry Simplified)> Simplified) Stream(byte[] pixels, int stripRows)
    {
        var collector = new PolygonCollector();
        var polygonizer = new Polygonizer(Size, collector, PixelConnectivity.Four, new GeoTransform(500000, 1, 0, 3000000, 0, -1));
        var coverage = new CoverageSimplification(Tolerance);
        var closed = new List<ClassPolygon>();
        var simplified = new List<(ClassPolygon, Geometry)>();
        void Take()
        {
            foreach (var p in collector.Polygons)
            {
                closed.Add(p);
                coverage.Add(p, polygonizer.RowCount);
            }
            collector.Polygons.Clear();
            simplified.AddRange(coverage.TakeFinal(polygonizer.OpenTopRow));
        }
        for (var y = 0; y < Size; y += stripRows)
        {
            polygonizer.Push(pixels.AsSpan(y * Size, Math.Min(stripRows, Size - y) * Size));
            Take();
        }
        polygonizer.Finish();
        Take();
        return (closed, simplified);
    }

    private static void AssertCoverage(IReadOnlyList<Geometry> geometries, string what)
    {
        var union = CascadedPolygonUnion.Union(geometries.ToArray());
        var sum = geometries.Sum(g => g.Area);
        Assert.True(Math.Abs(union.Area - sum) < 1e-6, $"{what}: union {union.Area} m² against a sum of {sum} m² (overlaps)");
        Assert.True(union is Polygon { NumInteriorRings: 0 }, $"{what}: the union has gaps: {union.GeometryType}, " +
            $"{(union as Polygon)?.NumInteriorRings} holes");
        for (var i = 0; i < geometries.Count; i++)
            for (var j = i + 1; j < geometries.Count; j++)
            {
                var overlap = geometries[i].Intersection(geometries[j]).Area;
                Assert.True(overlap < 1e-9, $"{what}: polygons {i} and {j} overlap by {overlap} m²");
            }
    }

    [Theory]
    [InlineData(false, 8)]
    [InlineData(true, 8)]
    [InlineData(false, 3)]
    [InlineData(true, Size)]
    public void TouchingPolygonsOfDifferentClassesKeepNoGapAndNoOverlap(bool tallRegion, int stripRows)
    {
        var (closed, simplified) = Stream(ClassRaster(tallRegion), stripRows);

        Assert.True(closed.Count >= (tallRegion ? 9 : 8), $"{closed.Count} polygons");
        Assert.Equal(closed, simplified.Select(s => s.Polygon));  // every polygon, in closing order
        Assert.All(simplified, s => Assert.True(s.Simplified.IsValid, $"class {s.Polygon.Value}: invalid"));
        var before = closed.Sum(p => p.ToPolygon().NumPoints);
        var after = simplified.Sum(s => s.Simplified.NumPoints);
        Assert.True(after < 0.6 * before, $"{before} vertices before, {after} after");
        AssertCoverage([.. simplified.Select(s => s.Simplified)], "coverage");
        Assert.Equal((double)Size * Size, simplified.Sum(s => s.Simplified.Area), 6);
    }

    [Fact]
    public void PolygonByPolygonTheSameRasterOpensGapsOrOverlaps()
    {
        // The raster exercises the problem: the per-polygon simplifier the detection used before breaks the coverage.
        var polygons = Polygonizer.Run(ClassRaster(false), Size, PixelConnectivity.Four, new GeoTransform(500000, 1, 0, 3000000, 0, -1));
        var each = polygons.Select(p => TopologyPreservingSimplifier.Simplify(p.ToPolygon(), Tolerance)).ToList();
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertCoverage(each, "per polygon"));
    }

    [Fact]
    public void OpenTopRowIsTheTopOfTheTallestOpenRegion()
    {
        var collector = new PolygonCollector();
        var polygonizer = new Polygonizer(4, collector);
        Assert.Equal(0, polygonizer.OpenTopRow);
        polygonizer.Push([1, 1, 2, 2, 1, 1, 3, 3, 1, 1, 4, 4]);
        Assert.Equal(0, polygonizer.OpenTopRow);        // class 1 is open from row 0
        polygonizer.Push([5, 5, 4, 4]);
        Assert.Equal(2, polygonizer.OpenTopRow);        // class 1 closed; class 4 open from row 2
        polygonizer.Finish();
        Assert.Equal(int.MaxValue, polygonizer.OpenTopRow);
    }
}
