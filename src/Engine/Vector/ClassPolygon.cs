using System.Buffers.Binary;
using NetTopologySuite.Geometries;

namespace WeiPian.Engine.Vector;

/// <summary>
/// One polygon of a class raster, as <see cref="Polygonizer"/> delivers it: a view over the polygoniser's buffers,
/// valid only during <see cref="IPolygonSink.Add"/>.
/// </summary>
/// <remarks>
/// Rings are stored back to back in <see cref="Coordinates"/> as x, y pairs in map units (the geotransform applied),
/// each ring <em>unclosed</em> (its first vertex is not repeated). Ring 0 is the exterior, counter-clockwise in map
/// coordinates; the others are holes, clockwise. Vertices sit only where the boundary turns. A ring may touch itself
/// or another ring at a vertex where the region meets itself diagonally (see <see cref="Polygonizer"/>).
/// </remarks>
public readonly ref struct ClassPolygonView
{
    private readonly double _pixelArea;

    internal ClassPolygonView(byte value, long pixelCount, long weightSum, double pixelArea, ReadOnlySpan<double> coordinates,
        ReadOnlySpan<int> ringStarts, ReadOnlySpan<int> pixelCorners)
    {
        Value = value;
        PixelCount = pixelCount;
        WeightSum = weightSum;
        _pixelArea = pixelArea;
        Coordinates = coordinates;
        RingStarts = ringStarts;
        PixelCorners = pixelCorners;
    }

    /// <summary>The class value of the region.</summary>
    public byte Value { get; }

    /// <summary>Number of pixels in the region.</summary>
    public long PixelCount { get; }

    /// <summary>Area in map units squared (m² for a metre CRS): pixel count x pixel area, exact.</summary>
    public double Area => PixelCount * _pixelArea;

    /// <summary>Sum over the region's pixels of the weights pushed with the rows; 0 when none were.</summary>
    public long WeightSum { get; }

    /// <summary>Number of rings: 1 + the number of holes.</summary>
    public int RingCount => RingStarts.Length - 1;

    /// <summary>Number of vertices over all rings.</summary>
    public int VertexCount => RingStarts[^1];

    /// <summary>x0, y0, x1, y1, ... for all rings back to back, each unclosed, in map units.</summary>
    public ReadOnlySpan<double> Coordinates { get; }

    /// <summary>The index of each ring's first vertex, then <see cref="VertexCount"/>: ring i is vertices [RingStarts[i], RingStarts[i+1]).</summary>
    public ReadOnlySpan<int> RingStarts { get; }

    /// <summary>The same vertices as (column, row) pixel-corner pairs: (0, 0) is the raster's top-left corner.</summary>
    public ReadOnlySpan<int> PixelCorners { get; }

    /// <summary>Ring <paramref name="index"/> (0 = exterior) as x, y pairs, unclosed.</summary>
    public ReadOnlySpan<double> Ring(int index) => Coordinates[(2 * RingStarts[index])..(2 * RingStarts[index + 1])];

    /// <summary>An NTS polygon (rings closed) built with <paramref name="factory"/>.</summary>
    public Polygon ToPolygon(GeometryFactory? factory = null) => PolygonRings.ToPolygon(Coordinates, RingStarts, factory);

    /// <summary>Little-endian ISO WKB of the polygon, rings closed, as OGR and NTS read it.</summary>
    public byte[] ToWkb() => PolygonRings.ToWkb(Coordinates, RingStarts);

    /// <summary>Bytes of the polygon's WKB (<see cref="ToWkb"/>).</summary>
    public int WkbSize => PolygonRings.WkbSize(RingStarts);

    /// <summary>Writes the WKB of <see cref="ToWkb"/> into <paramref name="destination"/> (at least <see cref="WkbSize"/>
    /// bytes) and returns its length: a writer that reuses one buffer allocates nothing per polygon.</summary>
    public int WriteWkb(Span<byte> destination) => PolygonRings.WriteWkb(Coordinates, RingStarts, destination);

    /// <summary>A copy that outlives the call.</summary>
    public ClassPolygon ToClassPolygon() => new(Value, PixelCount, Area, Coordinates.ToArray(), RingStarts.ToArray()) { WeightSum = WeightSum };
}

/// <summary>A polygon of a class raster kept in memory: see <see cref="ClassPolygonView"/> for the layout.</summary>
public sealed class ClassPolygon
{
    /// <summary>A polygon from its parts (layout as in <see cref="ClassPolygonView"/>).</summary>
    public ClassPolygon(byte value, long pixelCount, double area, double[] coordinates, int[] ringStarts)
    {
        Value = value;
        PixelCount = pixelCount;
        Area = area;
        Coordinates = coordinates;
        RingStarts = ringStarts;
    }

    /// <summary>The class value of the region.</summary>
    public byte Value { get; }

    /// <summary>Number of pixels in the region.</summary>
    public long PixelCount { get; }

    /// <summary>Area in map units squared: pixel count x pixel area.</summary>
    public double Area { get; }

    /// <summary>Sum of the per-pixel weights pushed with the rows (see <see cref="ClassPolygonView.WeightSum"/>).</summary>
    public long WeightSum { get; init; }

    /// <summary>x0, y0, x1, y1, ... for all rings back to back, each unclosed; ring 0 the exterior.</summary>
    public double[] Coordinates { get; }

    /// <summary>The index of each ring's first vertex, then the vertex count.</summary>
    public int[] RingStarts { get; }

    /// <summary>Number of rings: 1 + the number of holes.</summary>
    public int RingCount => RingStarts.Length - 1;

    /// <summary>Ring <paramref name="index"/> (0 = exterior) as x, y pairs, unclosed.</summary>
    public ReadOnlySpan<double> Ring(int index) => Coordinates.AsSpan((2 * RingStarts[index])..(2 * RingStarts[index + 1]));

    /// <summary>An NTS polygon (rings closed).</summary>
    public Polygon ToPolygon(GeometryFactory? factory = null) => PolygonRings.ToPolygon(Coordinates, RingStarts, factory);

    /// <summary>Little-endian ISO WKB, rings closed.</summary>
    public byte[] ToWkb() => PolygonRings.ToWkb(Coordinates, RingStarts);
}

/// <summary>Conversions shared by <see cref="ClassPolygonView"/> and <see cref="ClassPolygon"/>.</summary>
internal static class PolygonRings
{
    private static readonly GeometryFactory DefaultFactory = new();

    public static Polygon ToPolygon(ReadOnlySpan<double> xy, ReadOnlySpan<int> ringStarts, GeometryFactory? factory)
    {
        factory ??= DefaultFactory;
        var rings = new LinearRing[ringStarts.Length - 1];
        for (var r = 0; r < rings.Length; r++)
        {
            var a = ringStarts[r];
            var n = ringStarts[r + 1] - a;
            var points = new Coordinate[n + 1];
            for (var i = 0; i < n; i++) points[i] = new Coordinate(xy[2 * (a + i)], xy[2 * (a + i) + 1]);
            points[n] = points[0].Copy();
            rings[r] = factory.CreateLinearRing(points);
        }
        return factory.CreatePolygon(rings[0], rings[1..]);
    }

    public static byte[] ToWkb(ReadOnlySpan<double> xy, ReadOnlySpan<int> ringStarts)
    {
        var wkb = new byte[WkbSize(ringStarts)];
        WriteWkb(xy, ringStarts, wkb);
        return wkb;
    }

    public static int WkbSize(ReadOnlySpan<int> ringStarts) => 9 + 4 * (ringStarts.Length - 1) + 16 * (ringStarts[^1] + ringStarts.Length - 1);

    public static int WriteWkb(ReadOnlySpan<double> xy, ReadOnlySpan<int> ringStarts, Span<byte> span)
    {
        var ringCount = ringStarts.Length - 1;
        var size = WkbSize(ringStarts);
        if (span.Length < size) throw new ArgumentException($"The WKB needs {size} bytes; the buffer holds {span.Length}.", nameof(span));
        span[0] = 1; // little-endian
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], 3); // wkbPolygon
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], ringCount);
        var o = 9;
        for (var r = 0; r < ringCount; r++)
        {
            var a = ringStarts[r];
            var n = ringStarts[r + 1] - a;
            BinaryPrimitives.WriteInt32LittleEndian(span[o..], n + 1);
            o += 4;
            for (var i = 0; i <= n; i++)
            {
                var k = a + (i == n ? 0 : i);
                BinaryPrimitives.WriteDoubleLittleEndian(span[o..], xy[2 * k]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(o + 8)..], xy[2 * k + 1]);
                o += 16;
            }
        }
        return size;
    }
}
