using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// GDAL's polygoniser and rasteriser, the references the engine's own are checked against, on
/// rasters and polygons small enough to count by hand.
/// </summary>
public class GdalReferenceTests
{
    // 4 x 4 pixels of 2 m (4 m² each). No two diagonals of one value cross diagonals of another,
    // so 8-connectivity is unambiguous.
    //
    //   1 1 0 2      value  pixels  4-connected regions      8-connected regions
    //   1 0 2 2        0      5     4 (three single pixels   1 (the singles meet (2,2)
    //   0 3 0 0                        and (2,2)-(3,2))         and each other at corners)
    //   3 4 1 1        1      5     2                        2
    //                  2      3     1                        1
    //                  3      2     2 (diagonal pair)        1
    //                  4      1     1                        1
    private static readonly byte[] Pixels =
    [
        1, 1, 0, 2,
        1, 0, 2, 2,
        0, 3, 0, 0,
        3, 4, 1, 1,
    ];

    private const double PixelArea = 4.0;

    private static RasterDataset HandMadeRaster(double? noData = null)
    {
        var ds = RasterDataset.CreateInMemory(4, 4, 1, RasterDataType.Byte);
        ds.GeoTransform = GeoTransform.NorthUp(500_000, 3_300_000, 2);
        if (noData is { } v) ds.SetNoData(1, v);
        ds.Write<byte>(1, ds.Extent, Pixels);
        return ds;
    }

    private static Dictionary<long, (int Polygons, double Area)> Polygonize(bool eightConnected, double? noData = null)
    {
        using var raster = HandMadeRaster(noData);
        using var vectors = VectorDataset.CreateInMemory();
        var layer = vectors.CreateLayer("regions", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GdalReference.Polygonize(raster, 1, layer, valueField: 0, eightConnected: eightConnected);
        return layer.Features()
            .GroupBy(f => f.GetInt64("value")!.Value)
            .ToDictionary(g => g.Key, g => (g.Count(), g.Sum(f => Wkb.Area(f.Wkb!))));
    }

    [Fact]
    public void Polygonize_FourConnected_OnePolygonPerEdgeConnectedRegion()
    {
        var regions = Polygonize(eightConnected: false);
        Assert.Equal(10, regions.Values.Sum(r => r.Polygons));
        Assert.Equal(4, regions[0].Polygons);
        Assert.Equal(2, regions[1].Polygons);
        Assert.Equal(1, regions[2].Polygons);
        Assert.Equal(2, regions[3].Polygons);
        Assert.Equal(1, regions[4].Polygons);
        AssertAreasArePixelCountTimesPixelArea(regions);
    }

    [Fact]
    public void Polygonize_EightConnected_JoinsRegionsThatMeetAtCorners()
    {
        var regions = Polygonize(eightConnected: true);
        Assert.Equal(6, regions.Values.Sum(r => r.Polygons));
        Assert.Equal(1, regions[0].Polygons);
        Assert.Equal(2, regions[1].Polygons);
        Assert.Equal(1, regions[2].Polygons);
        Assert.Equal(1, regions[3].Polygons);
        Assert.Equal(1, regions[4].Polygons);
        AssertAreasArePixelCountTimesPixelArea(regions);
    }

    [Theory]
    [InlineData(false, 6)]
    [InlineData(true, 5)]
    public void Polygonize_SkipsNoDataPixels(bool eightConnected, int polygons)
    {
        var regions = Polygonize(eightConnected, noData: 0);
        Assert.False(regions.ContainsKey(0));
        Assert.Equal(polygons, regions.Values.Sum(r => r.Polygons));
        Assert.Equal(5 * PixelArea, regions[1].Area, 9);
    }

    [Fact]
    public void Polygonize_PolygonsLieOnThePixelEdges()
    {
        using var raster = HandMadeRaster();
        using var vectors = VectorDataset.CreateInMemory();
        var layer = vectors.CreateLayer("regions", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GdalReference.Polygonize(raster, 1, layer, 0);
        // Value 4 is the single pixel at column 1, row 3: x 500002..500004, y 3299992..3299994.
        var four = Assert.Single(layer.Features(), f => f.GetInt64("value") == 4);
        var ring = Wkb.RingOf(four.Wkb!);
        Assert.Equal(5, ring.Count);
        Assert.Equal(500_002, ring.Min(p => p.X));
        Assert.Equal(500_004, ring.Max(p => p.X));
        Assert.Equal(3_299_992, ring.Min(p => p.Y));
        Assert.Equal(3_299_994, ring.Max(p => p.Y));
    }

    private static void AssertAreasArePixelCountTimesPixelArea(Dictionary<long, (int Polygons, double Area)> regions)
    {
        foreach (var value in new long[] { 0, 1, 2, 3, 4 })
        {
            var pixels = Pixels.Count(p => p == value);
            Assert.True(Math.Abs(pixels * PixelArea - regions[value].Area) < 1e-6,
                $"value {value}: {pixels} pixels x {PixelArea} m² != {regions[value].Area} m²");
        }
    }

    // ---------------------------------------------------------------- rasterize

    // A 10 x 10 raster of 1 m pixels with its top-left corner at (0, 10): pixel (c, r) has its centre
    // at (c + 0.5, 9.5 - r).
    private static RasterDataset Canvas()
    {
        var ds = RasterDataset.CreateInMemory(10, 10, 1, RasterDataType.Int32);
        ds.GeoTransform = GeoTransform.NorthUp(0, 10, 1);
        return ds;
    }

    private static int[] ReadAll(RasterDataset ds)
    {
        var values = new int[ds.Width * ds.Height];
        ds.Read<int>(1, ds.Extent, values);
        return values;
    }

    private static int[] Expect(params (int Col0, int Col1, int Row0, int Row1, int Value)[] boxes)
    {
        var values = new int[100];
        foreach (var (c0, c1, r0, r1, v) in boxes)
            for (var r = r0; r <= r1; r++)
                for (var c = c0; c <= c1; c++)
                    values[r * 10 + c] = v;
        return values;
    }

    [Fact]
    public void RasterizeLayers_BurnsThePixelsWhoseCentresAreInside()
    {
        // x 2.2..6.7 holds the centres of columns 2..6; y 3.2..6.4 the centres of rows 4..6 (y 5.5, 4.5, 3.5).
        using var vectors = VectorDataset.CreateInMemory();
        var layer = vectors.CreateLayer("sq", GeometryKind.Polygon, null, []);
        layer.Add(Wkb.Rectangle(2.2, 3.2, 6.7, 6.4), []);
        using var canvas = Canvas();
        GdalReference.RasterizeLayers(canvas, 1, [layer], [7]);
        Assert.Equal(Expect((2, 6, 4, 6, 7)), ReadAll(canvas));
        Assert.Equal(15, ReadAll(canvas).Count(v => v == 7));
    }

    [Fact]
    public void RasterizeLayers_AllTouched_BurnsEveryPixelTheSquareMeets()
    {
        // y 3.2..6.4 touches rows 3..6 (row 3 spans y 6..7).
        using var vectors = VectorDataset.CreateInMemory();
        var layer = vectors.CreateLayer("sq", GeometryKind.Polygon, null, []);
        layer.Add(Wkb.Rectangle(2.2, 3.2, 6.7, 6.4), []);
        using var canvas = Canvas();
        GdalReference.RasterizeLayers(canvas, 1, [layer], [7], allTouched: true);
        Assert.Equal(Expect((2, 6, 3, 6, 7)), ReadAll(canvas));
    }

    [Fact]
    public void RasterizeLayers_TakesTheValueFromAnAttribute()
    {
        using var vectors = VectorDataset.CreateInMemory();
        var layer = vectors.CreateLayer("tb", GeometryKind.Polygon, null, [new FieldDefinition("code", FieldKind.Integer)]);
        layer.Add(Wkb.Rectangle(0, 8, 3, 10), [11]); // columns 0..2, rows 0..1
        layer.Add(Wkb.Rectangle(5, 0, 10, 1), [22]); // columns 5..9, row 9
        using var canvas = Canvas();
        GdalReference.RasterizeLayers(canvas, 1, [layer], [], attribute: "code");
        Assert.Equal(Expect((0, 2, 0, 1, 11), (5, 9, 9, 9, 22)), ReadAll(canvas));
    }

    [Fact]
    public void RasterizeLayers_OneBurnValuePerLayer()
    {
        using var vectors = VectorDataset.CreateInMemory();
        var a = vectors.CreateLayer("a", GeometryKind.Polygon, null, []);
        var b = vectors.CreateLayer("b", GeometryKind.Polygon, null, []);
        a.Add(Wkb.Rectangle(0, 9, 1, 10), []);
        b.Add(Wkb.Rectangle(9, 0, 10, 1), []);
        using var canvas = Canvas();
        GdalReference.RasterizeLayers(canvas, 1, [a, b], [1, 2]);
        Assert.Equal(Expect((0, 0, 0, 0, 1), (9, 9, 9, 9, 2)), ReadAll(canvas));
        Assert.Throws<ArgumentException>(() => GdalReference.RasterizeLayers(canvas, 1, [a, b], [1]));
    }
}
