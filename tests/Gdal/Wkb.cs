using System.Buffers.Binary;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>Little-endian ISO WKB written and read by hand, so tests do not trust the binding to check itself.</summary>
internal static class Wkb
{
    public const uint Polygon = 3, MultiPolygon = 6;

    /// <summary>An axis-aligned rectangle as a WKB polygon (one ring, counter-clockwise, closed).</summary>
    public static byte[] Rectangle(double minX, double minY, double maxX, double maxY) =>
        PolygonRing([(minX, minY), (maxX, minY), (maxX, maxY), (minX, maxY), (minX, minY)]);

    /// <summary>A one-ring WKB polygon.</summary>
    public static byte[] PolygonRing(IReadOnlyList<(double X, double Y)> ring)
    {
        var wkb = new byte[1 + 4 + 4 + 4 + ring.Count * 16];
        wkb[0] = 1;
        BinaryPrimitives.WriteUInt32LittleEndian(wkb.AsSpan(1), Polygon);
        BinaryPrimitives.WriteUInt32LittleEndian(wkb.AsSpan(5), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(wkb.AsSpan(9), (uint)ring.Count);
        for (var i = 0; i < ring.Count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(13 + i * 16), ring[i].X);
            BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(21 + i * 16), ring[i].Y);
        }
        return wkb;
    }

    /// <summary>The ISO geometry type code of a little-endian WKB (e.g. 3 polygon, 1003 polygon Z).</summary>
    public static uint TypeOf(byte[] wkb)
    {
        if (wkb.Length < 5 || wkb[0] != 1) throw new ArgumentException("Not little-endian WKB.");
        return BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(1));
    }

    /// <summary>The x/y pairs of a single-ring polygon WKB.</summary>
    public static List<(double X, double Y)> RingOf(byte[] wkb)
    {
        if (TypeOf(wkb) != Polygon) throw new ArgumentException($"Not a 2D polygon: type {TypeOf(wkb)}.");
        var rings = BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(5));
        if (rings != 1) throw new ArgumentException($"{rings} rings.");
        var n = (int)BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(9));
        var points = new List<(double, double)>(n);
        for (var i = 0; i < n; i++)
            points.Add((BinaryPrimitives.ReadDoubleLittleEndian(wkb.AsSpan(13 + i * 16)),
                BinaryPrimitives.ReadDoubleLittleEndian(wkb.AsSpan(21 + i * 16))));
        return points;
    }

    /// <summary>Area of every polygon in a (multi)polygon WKB: outer rings minus holes (shoelace formula).</summary>
    public static double Area(byte[] wkb)
    {
        var offset = 0;
        return AreaAt(wkb, ref offset);
    }

    private static double AreaAt(byte[] wkb, ref int offset)
    {
        if (wkb[offset] != 1) throw new ArgumentException("Not little-endian WKB.");
        var type = BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(offset + 1));
        offset += 5;
        if (type == MultiPolygon)
        {
            var parts = BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(offset));
            offset += 4;
            double total = 0;
            for (var p = 0; p < parts; p++) total += AreaAt(wkb, ref offset);
            return total;
        }
        if (type != Polygon) throw new ArgumentException($"Not a 2D polygon: type {type}.");
        var rings = BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(offset));
        offset += 4;
        double area = 0;
        for (var r = 0; r < rings; r++)
        {
            var n = (int)BinaryPrimitives.ReadUInt32LittleEndian(wkb.AsSpan(offset));
            offset += 4;
            double twice = 0;
            for (var i = 0; i < n - 1; i++)
            {
                double x0 = BinaryPrimitives.ReadDoubleLittleEndian(wkb.AsSpan(offset + i * 16));
                double y0 = BinaryPrimitives.ReadDoubleLittleEndian(wkb.AsSpan(offset + i * 16 + 8));
                double x1 = BinaryPrimitives.ReadDoubleLittleEndian(wkb.AsSpan(offset + (i + 1) * 16));
                double y1 = BinaryPrimitives.ReadDoubleLittleEndian(wkb.AsSpan(offset + (i + 1) * 16 + 8));
                twice += x0 * y1 - x1 * y0;
            }
            offset += n * 16;
            // Outer ring first, holes after: holes subtract whatever their winding.
            area += r == 0 ? Math.Abs(twice) / 2 : -Math.Abs(twice) / 2;
        }
        return area;
    }
}
