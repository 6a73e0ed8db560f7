using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Vector;

/// <summary>
/// Streaming polygoniser for class rasters: turns every connected region of equal value into a polygon with exact
/// pixel-edge boundaries and holes, equal to GDALPolygonize's (GDAL 3.6) for the same raster and connectivity.
/// Rows arrive in order, in strips of any height (<see cref="Push(ReadOnlySpan{byte})"/>); each polygon is handed to
/// the sink as soon as its region is closed, so memory grows with the width and the open regions, not with the height.
/// </summary>
/// <remarks>
/// <para><b>Regions.</b> Pixels of equal value joined through edges (<see cref="PixelConnectivity.Four"/>) or edges and
/// corners (<see cref="PixelConnectivity.Eight"/>). Masked pixels (the nodata value, or 0 in a valid-mask) belong to no
/// region: they produce nothing and join nothing, like pixels outside the raster.</para>
/// <para><b>Rings.</b> Each ring follows pixel edges with the region on its left (in pixel space, rows down) and has a
/// vertex only where it turns. Where the region meets itself only at a corner (two diagonal pixels of the region, the
/// other two not), the ring turns to the diagonal pixel of the same region, as GDALPolygonize does in both
/// connectivities: the region's rings are then the boundaries of the 4-connected pieces of everything else, one ring
/// per piece, and such a ring may touch itself, or the exterior touch a hole, at that corner. The exterior is the ring
/// against the piece that reaches outside the raster.</para>
/// <para><b>Coordinates.</b> Vertices are pixel corners (column, row), mapped through the geotransform at emission
/// exactly as GDAL does (<c>X = t0 + col*t1 + row*t2</c>, <c>Y = t3 + col*t4 + row*t5</c>). In map coordinates the
/// exterior is counter-clockwise and holes clockwise, whatever the sign of the pixel size. The exterior starts at the
/// top-left corner of the region's first pixel (top row, leftmost).</para>
/// <para><b>Algorithm.</b> Each row is run-length encoded; runs are joined to the runs above with a union-find over
/// region labels; boundary chains are built at the vertex row between two pixel rows, only at run ends, as a linked
/// list of turning vertices per region. A region with no run in the new row is closed: its rings are walked and
/// emitted, and its vertices and labels recycled. Not thread-safe: one instance per thread.</para>
/// </remarks>
public sealed partial class Polygonizer
{
    private const int Masked = 256;

    private readonly IPolygonSink _sink;
    private readonly bool _eight;
    private readonly int _noData; // -1 when none
    private readonly GeoTransform _transform;
    private readonly bool _reverseRings;
    private RunRow _above;
    private RunRow _below;
    private int _y;
    private bool _finished;

    /// <summary>A polygoniser for rows of <paramref name="width"/> pixels that hands polygons to <paramref name="sink"/>.</summary>
    /// <param name="width">Pixels per row.</param>
    /// <param name="sink">Receives each polygon as soon as it is closed.</param>
    /// <param name="connectivity">4 (GDAL's default) or 8.</param>
    /// <param name="transform">Maps pixel corners to map coordinates; <see cref="GeoTransform.Identity"/> when null
    /// (pixel corners, rows growing downwards, as GDAL with no georeferencing).</param>
    /// <param name="noData">Pixels of this value are masked (as GDAL with the band's nodata and its mask band).</param>
    public Polygonizer(int width, IPolygonSink sink, PixelConnectivity connectivity = PixelConnectivity.Four,
        GeoTransform? transform = null, byte? noData = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentNullException.ThrowIfNull(sink);
        if (connectivity is not (PixelConnectivity.Four or PixelConnectivity.Eight))
            throw new ArgumentOutOfRangeException(nameof(connectivity), connectivity, "Connectivity is 4 or 8.");
        Width = width;
        Connectivity = connectivity;
        _sink = sink;
        _eight = connectivity == PixelConnectivity.Eight;
        _noData = noData ?? -1;
        _transform = transform ?? GeoTransform.Identity;
        // Rings are built clockwise in pixel space (region on the left with rows growing down). A transform with a
        // negative determinant (north-up: negative pixel height) turns that into counter-clockwise in map space.
        var det = _transform.PixelWidth * _transform.PixelHeight - _transform.RowRotation * _transform.ColumnRotation;
        _reverseRings = det > 0;
        PixelArea = Math.Abs(det);
        _above = new RunRow(width);
        _below = new RunRow(width);
        _above.SetMasked(width);
        _nodes = new Node[Math.Max(64, 4 * width)];
        _regions = new Region[Math.Max(64, width)];
    }

    /// <summary>A polygoniser that calls <paramref name="handler"/> for each polygon.</summary>
    public Polygonizer(int width, PolygonHandler handler, PixelConnectivity connectivity = PixelConnectivity.Four,
        GeoTransform? transform = null, byte? noData = null)
        : this(width, new DelegateSink(handler ?? throw new ArgumentNullException(nameof(handler))), connectivity, transform, noData)
    {
    }

    /// <summary>Pixels per row.</summary>
    public int Width { get; }

    /// <summary>4 or 8.</summary>
    public PixelConnectivity Connectivity { get; }

    /// <summary>Area of one pixel in map units squared.</summary>
    public double PixelArea { get; }

    /// <summary>Rows consumed so far.</summary>
    public int RowCount => _y;

    /// <summary>Polygons emitted so far.</summary>
    public long PolygonCount { get; private set; }

    /// <summary>The most ring vertices held at once (open regions' boundaries): a measure of working memory.</summary>
    public int PeakVertexCount { get; private set; }

    /// <summary>
    /// The top pixel row of the tallest region still open (one with a pixel in the last row pushed), or
    /// <see cref="RowCount"/> when none is (<see cref="int.MaxValue"/> after <see cref="Finish"/>): a polygon already emitted whose last row is above
    /// <c>OpenTopRow - 1</c> cannot touch any polygon still to come, which lets a consumer finish such polygons
    /// together with their neighbours (see the detection's coverage simplification).
    /// </summary>
    public int OpenTopRow
    {
        get
        {
            if (_finished) return int.MaxValue;
            var top = _y;
            for (var i = 1; i <= _above.Count; i++)
            {
                if (_above.Class[i] == Masked) continue;
                var first = _regions[Find(_above.Region[i])].FirstNode;
                if (first >= 0 && _nodes[first].Y < top) top = _nodes[first].Y;
            }
            return top;
        }
    }

    /// <summary>The most region labels held at once.</summary>
    public int PeakRegionCount => _regionHighWater;

    /// <summary>Bytes held by the working arrays (runs of two rows, vertices, labels, emission buffers): they grow to
    /// the width and the largest set of open regions, and are reused.</summary>
    public long WorkingBytes =>
        2L * 5 * sizeof(int) * (Width + 3)
        + (long)_nodes.Length * 16 + (long)_regions.Length * 64 + (long)_pending.Length * 20
        + _coords.Length * 8L + _corners.Length * 4L + _ringStarts.Length * 4L + _extraStarts.Length * 4L;

    /// <summary>Consumes whole rows: <paramref name="rows"/> holds a multiple of <see cref="Width"/> pixels, row-major.</summary>
    public void Push(ReadOnlySpan<byte> rows) => Push(rows, []);

    /// <summary>
    /// Consumes whole rows with a validity mask of the same layout: a pixel whose mask byte is 0 is masked
    /// (GDAL's mask-band convention). An empty mask means every pixel is valid (except the nodata value).
    /// </summary>
    public void Push(ReadOnlySpan<byte> rows, ReadOnlySpan<byte> validMask) => Push(rows, validMask, []);

    /// <summary>
    /// As <see cref="Push(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>, with a weight per pixel (same layout) summed over
    /// each region: <see cref="ClassPolygonView.WeightSum"/> / <see cref="ClassPolygonView.PixelCount"/> is then the
    /// region's mean weight, e.g. the mean model confidence of a change polygon, without keeping any row.
    /// </summary>
    public void Push(ReadOnlySpan<byte> rows, ReadOnlySpan<byte> validMask, ReadOnlySpan<byte> weights)
    {
        if (_finished) throw new InvalidOperationException("Finish() was called: the polygoniser takes no more rows.");
        if (rows.Length % Width != 0)
            throw new ArgumentException($"{rows.Length} pixels are not whole rows of {Width}.", nameof(rows));
        if (!validMask.IsEmpty && validMask.Length != rows.Length)
            throw new ArgumentException($"The mask holds {validMask.Length} pixels, the rows {rows.Length}.", nameof(validMask));
        if (!weights.IsEmpty && weights.Length != rows.Length)
            throw new ArgumentException($"The weights hold {weights.Length} pixels, the rows {rows.Length}.", nameof(weights));
        for (var o = 0; o < rows.Length; o += Width)
        {
            _below.Encode(rows.Slice(o, Width), validMask.IsEmpty ? default : validMask.Slice(o, Width), _noData);
            _below.SumWeights(weights.IsEmpty ? default : weights.Slice(o, Width));
            ProcessRow();
        }
    }

    /// <summary>Closes the bottom of the raster and emits every polygon still open. Call once, after the last row.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _below.SetMasked(Width);
        ProcessRow();
    }

    /// <summary>Polygonises a whole raster held in memory (row-major) and returns its polygons in emission order.</summary>
    public static List<ClassPolygon> Run(ReadOnlySpan<byte> pixels, int width, PixelConnectivity connectivity = PixelConnectivity.Four,
        GeoTransform? transform = null, byte? noData = null)
    {
        var collector = new PolygonCollector();
        var p = new Polygonizer(width, collector, connectivity, transform, noData);
        p.Push(pixels);
        p.Finish();
        return collector.Polygons;
    }

    private void ProcessRow()
    {
        LabelRuns(_above, _below);
        Sweep(_above, _below, _y);
        EmitClosed(_above, _y);
        (_above, _below) = (_below, _above);
        if (!_finished) _y++;
    }
}
