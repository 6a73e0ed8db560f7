using System.Buffers.Binary;

namespace WeiPian.Engine.Vector;

/// <summary>
/// Builds little-endian ISO WKB for polygons straight from coordinate arrays, the form OGR takes
/// without parsing text. Rings are written closed (the first point repeated at the end).
/// </summary>
public static class WkbWriter
{
    private const byte LittleEndian = 1;
    private const uint WkbPolygon = 3;
    private const uint WkbMultiPolygon = 6;

    /// <summary>Bytes needed for a polygon with rings of the given point counts (unclosed).</summary>
    public static int PolygonSize(ReadOnlySpan<int> ringPointCounts)
    {
        var size = 1 + 4 + 4;
        foreach (var n in ringPointCounts) size += 4 + (n + 1) * 16;
        return size;
    }

    /// <summary>A polygon from one exterior ring and optional holes, each as parallel x and y arrays (unclosed).</summary>
    public static byte[] Polygon(IReadOnlyList<(double[] X, double[] Y)> rings)
    {
        Span<int> counts = rings.Count <= 64 ? stackalloc int[rings.Count] : new int[rings.Count];
        for (var r = 0; r < rings.Count; r++) counts[r] = rings[r].X.Length;
        var buffer = new byte[PolygonSize(counts)];
        var o = WriteHeader(buffer, WkbPolygon, rings.Count);
        foreach (var (x, y) in rings) o = WriteRing(buffer, o, x, y);
        return buffer;
    }

    /// <summary>A polygon with a single ring.</summary>
    public static byte[] Polygon(double[] x, double[] y) => Polygon([(x, y)]);

    /// <summary>A multipolygon wrapping polygons already encoded as WKB.</summary>
    public static byte[] MultiPolygon(IReadOnlyList<byte[]> polygons)
    {
        var buffer = new byte[9 + polygons.Sum(p => p.Length)];
        var o = WriteHeader(buffer, WkbMultiPolygon, polygons.Count);
        foreach (var p in polygons)
        {
            p.CopyTo(buffer, o);
            o += p.Length;
        }
        return buffer;
    }

    private static int WriteHeader(Span<byte> buffer, uint type, int count)
    {
        buffer[0] = LittleEndian;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[1..], type);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[5..], count);
        return 9;
    }

    private static int WriteRing(Span<byte> buffer, int o, double[] x, double[] y)
    {
        if (x.Length != y.Length) throw new ArgumentException("A ring needs as many x as y coordinates.");
        if (x.Length < 3) throw new ArgumentException($"A polygon ring needs at least 3 points, not {x.Length}.");
        BinaryPrimitives.WriteInt32LittleEndian(buffer[o..], x.Length + 1);
        o += 4;
        for (var i = 0; i <= x.Length; i++)
        {
            var k = i == x.Length ? 0 : i;
            BinaryPrimitives.WriteDoubleLittleEndian(buffer[o..], x[k]);
            BinaryPrimitives.WriteDoubleLittleEndian(buffer[(o + 8)..], y[k]);
            o += 16;
        }
        return o;
    }
}
