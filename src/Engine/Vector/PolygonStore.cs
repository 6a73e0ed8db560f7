namespace WeiPian.Engine.Vector;

/// <summary>
/// Keeps every polygon of a <see cref="Polygonizer"/> in memory compactly: coordinates in large shared chunks and
/// per-polygon columns, no object per polygon (so millions of polygons cost the garbage collector almost nothing).
/// Read them back with the indexer, in emission order.
/// </summary>
public sealed class PolygonStore : IPolygonSink
{
    private const int ChunkLength = 1 << 20; // doubles per chunk: 8 MB

    private readonly List<double[]> _chunks = [];
    private int _chunkUsed = ChunkLength;
    private byte[] _values = new byte[1024];
    private long[] _pixelCounts = new long[1024];
    private int[] _chunk = new int[1024];
    private int[] _offset = new int[1024];
    private long[] _ringIndex = new long[1025];
    private int[] _ringStarts = new int[2048];
    private double _pixelArea;

    /// <summary>Number of polygons held.</summary>
    public int Count { get; private set; }

    /// <summary>Number of vertices over all polygons and rings.</summary>
    public long VertexCount { get; private set; }

    /// <summary>Bytes held: coordinate chunks and per-polygon columns.</summary>
    public long Bytes => (long)_chunks.Count * ChunkLength * 8 + (long)_values.Length * (1 + 8 + 4 + 4 + 8) + _ringStarts.Length * 4L;

    /// <summary>Polygon <paramref name="index"/> in emission order, as a view (no pixel corners: <see cref="ClassPolygonView.PixelCorners"/> is empty).</summary>
    public ClassPolygonView this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var r0 = _ringIndex[index];
            var rings = _ringStarts.AsSpan((int)r0, (int)(_ringIndex[index + 1] - r0));
            var coords = _chunks[_chunk[index]].AsSpan(_offset[index], 2 * rings[^1]);
            return new ClassPolygonView(_values[index], _pixelCounts[index], _pixelArea, coords, rings, []);
        }
    }

    /// <inheritdoc />
    public void Add(ClassPolygonView polygon)
    {
        var i = Count;
        if (i == _values.Length) Grow();
        var xy = polygon.Coordinates;
        if (_chunkUsed + xy.Length > ChunkLength)
        {
            _chunks.Add(new double[Math.Max(ChunkLength, xy.Length)]);
            _chunkUsed = 0;
        }
        var chunk = _chunks[^1];
        xy.CopyTo(chunk.AsSpan(_chunkUsed));
        _values[i] = polygon.Value;
        _pixelCounts[i] = polygon.PixelCount;
        _chunk[i] = _chunks.Count - 1;
        _offset[i] = _chunkUsed;
        _chunkUsed += xy.Length;
        var starts = polygon.RingStarts;
        var r0 = _ringIndex[i];
        if (r0 + starts.Length > _ringStarts.Length) Array.Resize(ref _ringStarts, Math.Max(_ringStarts.Length * 2, (int)r0 + starts.Length));
        starts.CopyTo(_ringStarts.AsSpan((int)r0));
        _ringIndex[i + 1] = r0 + starts.Length;
        if (i == 0) _pixelArea = polygon.PixelCount == 0 ? 0 : polygon.Area / polygon.PixelCount;
        VertexCount += starts[^1];
        Count = i + 1;
    }

    private void Grow()
    {
        var n = _values.Length * 2;
        Array.Resize(ref _values, n);
        Array.Resize(ref _pixelCounts, n);
        Array.Resize(ref _chunk, n);
        Array.Resize(ref _offset, n);
        Array.Resize(ref _ringIndex, n + 1);
    }
}
