using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WeiPian.Engine.Vector;

/// <summary>
/// Keeps every polygon of a <see cref="Polygonizer"/> in memory compactly: each polygon is one record in large shared
/// chunks (value, pixel count, ring starts, coordinates), found through one offset per polygon, with no object per
/// polygon, so millions of polygons cost the garbage collector almost nothing. Read them back with the indexer, in
/// emission order.
/// </summary>
public sealed class PolygonStore : IPolygonSink
{
    // Record layout, 8-byte aligned: [0] value (byte), [4] ring count (int), [8] pixel count (long),
    // [16] ring starts (ring count + 1 ints, padded to 8 bytes), then x, y doubles.
    private const int HeaderBytes = 16;
    private const int ChunkBytes = 16 << 20;

    private readonly List<byte[]> _chunks = [];
    private int _chunkUsed = ChunkBytes;
    private long[] _records = new long[1024]; // chunk index << 32 | byte offset
    private double _pixelArea;

    /// <summary>Number of polygons held.</summary>
    public int Count { get; private set; }

    /// <summary>Number of vertices over all polygons and rings.</summary>
    public long VertexCount { get; private set; }

    /// <summary>Bytes held: record chunks and the offsets.</summary>
    public long Bytes => _chunks.Sum(c => (long)c.Length) + _records.Length * 8L;

    /// <summary>Polygon <paramref name="index"/> in emission order, as a view (no pixel corners: <see cref="ClassPolygonView.PixelCorners"/> is empty).</summary>
    public ClassPolygonView this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var record = _records[index];
            var chunk = _chunks[(int)(record >> 32)].AsSpan((int)record);
            var rings = MemoryMarshal.Read<int>(chunk[4..]);
            var starts = MemoryMarshal.Cast<byte, int>(chunk.Slice(HeaderBytes, 4 * (rings + 1)));
            var coords = MemoryMarshal.Cast<byte, double>(chunk.Slice(HeaderBytes + StartsBytes(rings), 16 * starts[^1]));
            return new ClassPolygonView(chunk[0], MemoryMarshal.Read<long>(chunk[8..]), 0, _pixelArea, coords, starts, []);
        }
    }

    /// <inheritdoc />
    public void Add(ClassPolygonView polygon)
    {
        var rings = polygon.RingCount;
        var xy = polygon.Coordinates;
        var size = HeaderBytes + StartsBytes(rings) + 8 * xy.Length;
        if (_chunkUsed + size > ChunkBytes || _chunks.Count == 0)
        {
            _chunks.Add(GC.AllocateUninitializedArray<byte>(Math.Max(ChunkBytes, size)));
            _chunkUsed = 0;
        }
        var record = _chunks[^1].AsSpan(_chunkUsed, size);
        record[0] = polygon.Value;
        MemoryMarshal.Write(record[4..], in rings);
        var pixels = polygon.PixelCount;
        MemoryMarshal.Write(record[8..], in pixels);
        polygon.RingStarts.CopyTo(MemoryMarshal.Cast<byte, int>(record[HeaderBytes..]));
        xy.CopyTo(MemoryMarshal.Cast<byte, double>(record[(HeaderBytes + StartsBytes(rings))..]));

        if (Count == _records.Length) Array.Resize(ref _records, _records.Length * 2);
        _records[Count] = ((long)(_chunks.Count - 1) << 32) | (uint)_chunkUsed;
        _chunkUsed += size;
        if (Count == 0) _pixelArea = polygon.PixelCount == 0 ? 0 : polygon.Area / polygon.PixelCount;
        VertexCount += polygon.VertexCount;
        Count++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StartsBytes(int rings) => (4 * (rings + 1) + 7) & ~7;
}
