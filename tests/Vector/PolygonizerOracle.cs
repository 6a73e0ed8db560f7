using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Vector;

/// <summary>A polygon reduced to a form that two polygonisers' outputs can be compared in: value, and each ring as
/// text starting at its smallest vertex in its smaller direction (so ring start and orientation do not matter), holes sorted.</summary>
public sealed record CanonicalPolygon(long Value, string Exterior, string Holes, double Area) : IComparable<CanonicalPolygon>
{
    public int CompareTo(CanonicalPolygon? other) =>
        other is null ? 1 : (Value, Exterior, Holes).CompareTo((other.Value, other.Exterior, other.Holes));

    /// <summary>Equal geometry; the area is compared separately, with a tolerance.</summary>
    public bool Equals(CanonicalPolygon? other) =>
        other is not null && Value == other.Value && Exterior == other.Exterior && Holes == other.Holes;

    public override int GetHashCode() => HashCode.Combine(Value, Exterior, Holes);

    public override string ToString()
    {
        var text = $"{Value}: {Exterior} | {Holes}";
        return text.Length <= 400 ? text : text[..400] + "...";
    }
}

/// <summary>Runs GDALPolygonize and the engine's polygonisers on the same raster and puts their outputs in canonical form.</summary>
public static class PolygonizerOracle
{
    /// <summary>GDALPolygonize into an in-memory layer; nodata pixels are skipped through the band's mask, as gdal_polygonize does.</summary>
    public static List<CanonicalPolygon> RunGdal(byte[] pixels, int width, int height, PixelConnectivity connectivity,
        GeoTransform? transform = null, byte? noData = null)
    {
        using var raster = RasterDataset.CreateInMemory(width, height, 1, RasterDataType.Byte);
        raster.Write<byte>(1, raster.Extent, pixels);
        if (transform is { } t) raster.GeoTransform = t;
        if (noData is { } nd) raster.SetNoData(1, nd);
        using var mem = VectorDataset.CreateInMemory();
        var layer = mem.CreateLayer("polygons", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GdalReference.Polygonize(raster, 1, layer, 0, connectivity == PixelConnectivity.Eight, skipNoData: true);
        return FromLayer(layer);
    }

    /// <summary>GDALPolygonize of a band of a raster file, through the band's own mask, into an in-memory layer.</summary>
    public static List<CanonicalPolygon> RunGdal(string rasterPath, int band, PixelConnectivity connectivity)
    {
        using var raster = RasterDataset.Open(rasterPath);
        using var mem = VectorDataset.CreateInMemory();
        var layer = mem.CreateLayer("polygons", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GdalReference.Polygonize(raster, band, layer, 0, connectivity == PixelConnectivity.Eight, skipNoData: true);
        return FromLayer(layer);
    }

    /// <summary>The polygons of a layer (value in <paramref name="field"/>) in canonical form, sorted.</summary>
    public static List<CanonicalPolygon> FromLayer(VectorLayer layer, string field = "value")
    {
        var reader = new WKBReader();
        var list = new List<CanonicalPolygon>();
        foreach (var f in layer.Features())
        {
            var g = (Polygon)reader.Read(f.Wkb);
            var rings = new List<double[]> { Unclosed(g.ExteriorRing) };
            for (var i = 0; i < g.NumInteriorRings; i++) rings.Add(Unclosed(g.GetInteriorRingN(i)));
            list.Add(Canonical(f.GetInt64(field)!.Value, rings, g.Area));
        }
        list.Sort();
        return list;
    }

    /// <summary>The streaming polygoniser, fed <paramref name="strip"/> rows at a time (0: the whole raster at once).</summary>
    public static List<ClassPolygon> Ours(byte[] pixels, int width, int height, PixelConnectivity connectivity,
        GeoTransform? transform = null, byte? noData = null, byte[]? mask = null, int strip = 0)
    {
        var collector = new PolygonCollector();
        var p = new Polygonizer(width, collector, connectivity, transform, noData);
        var rows = strip <= 0 ? Math.Max(height, 1) : strip;
        for (var y = 0; y < height; y += rows)
        {
            var n = Math.Min(rows, height - y);
            var span = pixels.AsSpan(y * width, n * width);
            if (mask is null) p.Push(span);
            else p.Push(span, mask.AsSpan(y * width, n * width));
        }
        p.Finish();
        Assert.Equal(height, p.RowCount);
        return collector.Polygons;
    }

    public static List<CanonicalPolygon> Canonical(IEnumerable<ClassPolygon> polygons)
    {
        var list = polygons.Select(p => Canonical(p.Value,
            Enumerable.Range(0, p.RingCount).Select(r => p.Ring(r).ToArray()).ToList(), p.ToPolygon().Area)).ToList();
        list.Sort();
        return list;
    }

    public static CanonicalPolygon Canonical(long value, List<double[]> rings, double area) =>
        new(value, CanonicalRing(rings[0]),
            string.Join(" ; ", rings.Skip(1).Select(CanonicalRing).Order(StringComparer.Ordinal)), area);

    /// <summary>Asserts equal polygon sets, with a readable first difference.</summary>
    public static void AssertSame(List<CanonicalPolygon> expected, List<CanonicalPolygon> actual, string what)
    {
        var missing = expected.Except(actual).Take(3).ToList();
        var extra = actual.Except(expected).Take(3).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && expected.Count == actual.Count,
            $"{what}: {expected.Count} expected, {actual.Count} got.\n  missing: {string.Join("\n           ", missing)}\n  extra:   {string.Join("\n           ", extra)}");
        for (var i = 0; i < expected.Count; i++)
        {
            var (a, b) = (expected[i].Area, actual[i].Area);
            Assert.True(Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), 1e-300), $"{what}: area {a} vs {b} for {expected[i]}");
        }
    }

    private static double[] Unclosed(LineString ring)
    {
        var c = ring.Coordinates;
        var xy = new double[2 * (c.Length - 1)];
        for (var i = 0; i < c.Length - 1; i++)
        {
            xy[2 * i] = c[i].X;
            xy[2 * i + 1] = c[i].Y;
        }
        return xy;
    }

    private static string CanonicalRing(double[] xy)
    {
        var n = xy.Length / 2;
        var best = (string?)null;
        for (var dir = -1; dir <= 1; dir += 2)
            for (var s = 0; s < n; s++)
            {
                var sb = new StringBuilder();
                for (var k = 0; k < n; k++)
                {
                    var i = ((s + dir * k) % n + n) % n;
                    sb.Append(xy[2 * i].ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                      .Append(xy[2 * i + 1].ToString("R", CultureInfo.InvariantCulture)).Append(',');
                }
                var text = sb.ToString();
                if (best is null || string.CompareOrdinal(text, best) < 0) best = text;
            }
        return best ?? "";
    }
}

/// <summary>Class rasters for the property tests.</summary>
public static class TestRasters
{
    /// <summary>Uniform random values 0..classes-1.</summary>
    public static byte[] Noise(int width, int height, int classes, int seed)
    {
        var rng = new Random(seed);
        var a = new byte[width * height];
        for (var i = 0; i < a.Length; i++) a[i] = (byte)rng.Next(classes);
        return a;
    }

    /// <summary>Smoothed noise cut into three classes: blobs with holes and islands.</summary>
    public static byte[] Blobs(int width, int height, int seed, int radius = 3)
    {
        var rng = new Random(seed);
        var f = new double[width * height];
        for (var i = 0; i < f.Length; i++) f[i] = rng.NextDouble();
        for (var pass = 0; pass < 2; pass++)
        {
            var g = new double[f.Length];
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                {
                    double s = 0;
                    var n = 0;
                    for (var dy = -radius; dy <= radius; dy++)
                        for (var dx = -radius; dx <= radius; dx++)
                        {
                            int xx = x + dx, yy = y + dy;
                            if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
                            s += f[yy * width + xx];
                            n++;
                        }
                    g[y * width + x] = s / n;
                }
            f = g;
        }
        var sorted = f.Order().ToArray();
        double t1 = sorted[f.Length / 3], t2 = sorted[2 * f.Length / 3];
        return f.Select(v => (byte)(v < t1 ? 0 : v < t2 ? 1 : 2)).ToArray();
    }

    /// <summary>A checkerboard of <paramref name="cell"/>-pixel squares of two values.</summary>
    public static byte[] Checkerboard(int width, int height, int cell = 1, byte a = 0, byte b = 1)
    {
        var r = new byte[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                r[y * width + x] = ((x / cell + y / cell) & 1) == 0 ? a : b;
        return r;
    }

    /// <summary>Concentric square rings of width 1..2 cycling through three values: a ring in a hole in a ring ...</summary>
    public static byte[] Nested(int size)
    {
        var r = new byte[size * size];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var d = Math.Min(Math.Min(x, y), Math.Min(size - 1 - x, size - 1 - y));
                r[y * size + x] = (byte)(d / 2 % 3);
            }
        return r;
    }

    /// <summary>Concentric diamonds (rings that meet themselves at corners with 8-connectivity).</summary>
    public static byte[] Diamonds(int size)
    {
        var r = new byte[size * size];
        var c = size / 2;
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                r[y * size + x] = (byte)((Math.Abs(x - c) + Math.Abs(y - c)) / 2 % 2);
        return r;
    }

    /// <summary>Each border row and column its own value (corners shared), noise inside, a 1-pixel frame of 0 one pixel in.</summary>
    public static byte[] Edges(int width, int height)
    {
        var r = Noise(width, height, 3, width * height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                if (y == 0) r[y * width + x] = 4;
                else if (y == height - 1) r[y * width + x] = 5;
                else if (x == 0) r[y * width + x] = 6;
                else if (x == width - 1) r[y * width + x] = 7;
                else if (y == 1 || y == height - 2 || x == 1 || x == width - 2) r[y * width + x] = 0;
            }
        return r;
    }

    /// <summary>A mask (0 = masked) with about <paramref name="fraction"/> of pixels masked, in small clumps.</summary>
    public static byte[] Mask(int width, int height, double fraction, int seed)
    {
        var rng = new Random(seed);
        var m = new byte[width * height];
        Array.Fill(m, (byte)1);
        for (var i = 0; i < m.Length; i++)
            if (rng.NextDouble() < fraction / 2)
            {
                m[i] = 0;
                if (i + 1 < m.Length && rng.Next(2) == 0) m[i + 1] = 0;
            }
        return m;
    }
}
