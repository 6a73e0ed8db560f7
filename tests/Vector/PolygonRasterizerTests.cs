using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Vector;

public class PolygonRasterizerTests
{
    [RealDataTheory]
    [InlineData("nl", "brpgewaspercelen_definitief_2023.gpkg", 3000)]
    [InlineData("nl", "brpgewaspercelen_definitief_2023.gpkg", 1713)]
    [InlineData("fi", "LandUse.ExistingLandUse.GSAAAgriculturalParcel.gpkg", 2500)]
    [InlineData("ai4sf", "1_vietnam_areas.gpkg", 3001)]
    public void RealParcelsBurnLikeGdalRasterize(string folder, string file, int across)
    {
        using var ds = VectorDataset.Open(TestPaths.Real("parcels", folder, file));
        var layer = ds.Layer(0);
        // A 3 km window around the largest parcel, so many pixels are burnt.
        var first = layer.Features().Select(f => new WKBReader().Read(f.Wkb).EnvelopeInternal).MaxBy(e => e.Area)!;
        var extent = new BoundingBox(first.Centre.X - 1500, first.Centre.Y - 1500, first.Centre.X + 1500, first.Centre.Y + 1500);
        var pixel = 3000.0 / across;
        var width = (int)Math.Ceiling(extent.Width / pixel) + 4;
        var height = (int)Math.Ceiling(extent.Height / pixel) + 4;
        var transform = GeoTransform.NorthUp(extent.MinX - 1.3 * pixel, extent.MaxY + 1.7 * pixel, pixel);
        var ours = new byte[width * height];
        var reader = new WKBReader();
        foreach (var f in layer.Features())
            PolygonRasterizer.Burn(reader.Read(f.Wkb), transform, width, height, ours);
        var gdal = GdalBurn(layer, transform, width, height);
        Assert.True(ours.Count(v => v != 0) > 500, $"ours {ours.Count(v => v != 0)} gdal {gdal.Count(v => v != 0)}");
        Assert.Equal(0, ours.Zip(gdal).Count(p => p.First != p.Second));
    }

    [Fact]
    public void RandomPolygonsWithHolesBurnLikeGdalRasterize()
    {
        var rng = new Random(5);
        var factory = new GeometryFactory();
        using var mem = VectorDataset.CreateInMemory();
        var layer = mem.CreateLayer("p", GeometryKind.Polygon, null, []);
        var polygons = new List<Geometry>();
        for (var k = 0; k < 60; k++)
        {
            var cx = rng.NextDouble() * 200;
            var cy = rng.NextDouble() * 200;
            var shell = Star(factory, cx, cy, 5 + rng.NextDouble() * 40, 3 + rng.Next(20), rng);
            var hole = rng.Next(3) == 0 ? Star(factory, cx, cy, 2 + rng.NextDouble() * 3, 5, rng) : null;
            var p = factory.CreatePolygon(shell, hole is null ? [] : [hole]);
            polygons.Add(p);
            layer.Add(new WKBWriter().Write(p), []);
        }
        // Axis-aligned edges exactly on pixel centres and corners too.
        var box = factory.CreatePolygon([new(10.5, 10.5), new(30.5, 10.5), new(30.5, 30), new(10, 30), new(10.5, 10.5)]);
        polygons.Add(box);
        layer.Add(new WKBWriter().Write(box), []);

        var transform = GeoTransform.NorthUp(0, 200, 1);
        var ours = new byte[200 * 200];
        foreach (var p in polygons) PolygonRasterizer.Burn(p, transform, 200, 200, ours);
        var gdal = GdalBurn(layer, transform, 200, 200);
        Assert.Equal(0, ours.Zip(gdal).Count(p => p.First != p.Second));
    }

    private static LinearRing Star(GeometryFactory f, double cx, double cy, double r, int n, Random rng)
    {
        var pts = new Coordinate[n + 1];
        for (var i = 0; i < n; i++)
        {
            var t = 2 * Math.PI * i / n;
            var rr = r * (0.5 + rng.NextDouble() * 0.5);
            pts[i] = new Coordinate(cx + rr * Math.Cos(t), cy + rr * Math.Sin(t));
        }
        pts[n] = pts[0];
        return f.CreateLinearRing(pts);
    }

    private static byte[] GdalBurn(VectorLayer layer, GeoTransform transform, int width, int height)
    {
        using var raster = RasterDataset.CreateInMemory(width, height, 1, RasterDataType.Byte);
        raster.GeoTransform = transform;
        GdalReference.RasterizeLayers(raster, 1, [layer], [1.0]);
        var pixels = new byte[width * height];
        raster.Read<byte>(1, raster.Extent, pixels);
        return pixels;
    }
}
