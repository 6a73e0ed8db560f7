using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Synth;

/// <summary>
/// The pixel grid one date is written on, and where each of its pixel centres lies on the ground of the scene
/// (scene-local metres, east and south of the before date's top-left corner). The before date's grid is the scene's;
/// the after date may have its own pixel size, origin and CRS. Every date is rendered from the same world geometry at
/// its own pixel centres (point sampling, as the scene at its base GSD is), so a date on another grid shows the same
/// ground, not a copy moved by its geotransform.
/// </summary>
internal sealed class DateGrid : IDisposable
{
    /// <summary>Columns between the pixel centres transformed exactly when the CRS differs; the rest are interpolated (GK to GK is linear to far below a millimetre over 32 pixels).</summary>
    public const int KnotSpacing = 32;

    private readonly double _offE, _offS;
    private readonly CoordinateTransform? _toScene;
    private readonly SceneFrame _frame;

    private DateGrid(int width, int height, GeoTransform transform, SpatialReference crs, SceneFrame frame)
    {
        Width = width;
        Height = height;
        Transform = transform;
        Crs = crs;
        _frame = frame;
        if (crs.IsSame(frame.Crs))
        {
            _offE = transform.OriginX - frame.OriginX;
            _offS = frame.OriginY - transform.OriginY;
        }
        else _toScene = new CoordinateTransform(crs, frame.Crs);
    }

    public int Width { get; }
    public int Height { get; }
    public GeoTransform Transform { get; }
    public SpatialReference Crs { get; }
    public double Gsd => Transform.PixelWidth;

    /// <summary>The scene's own grid: the before date, the truth and the newest date.</summary>
    public static DateGrid Scene(SceneFrame frame, Layout layout) =>
        new(layout.Width, layout.Height, GeoTransform.NorthUp(frame.OriginX, frame.OriginY, layout.Gsd), frame.Crs, frame);

    /// <summary>
    /// The after date's grid: in <paramref name="crs"/> (the scene's, or another one, where it is the scene's extent
    /// projected there, snapped outwards to whole pixels), at <paramref name="gsd"/>, its origin then moved by
    /// (<paramref name="shiftColumns"/>, <paramref name="shiftRows"/>) of its own pixels east and south.
    /// </summary>
    public static DateGrid After(SceneFrame frame, Layout layout, SpatialReference crs, double gsd, double shiftColumns, double shiftRows)
    {
        double left, top;
        int width, height;
        if (crs.IsSame(frame.Crs))
        {
            (left, top) = (frame.OriginX, frame.OriginY);
            width = Side(layout.SceneWidthM / gsd);
            height = Side(layout.SceneHeightM / gsd);
        }
        else
        {
            // The scene's outline, 16 points a side, in the other CRS: its bounding box on whole pixels.
            const int n = 16;
            var xs = new double[4 * n];
            var ys = new double[4 * n];
            for (var k = 0; k < n; k++)
            {
                var f = (double)k / n;
                (xs[k], ys[k]) = (f * layout.SceneWidthM, 0);
                (xs[n + k], ys[n + k]) = (layout.SceneWidthM, f * layout.SceneHeightM);
                (xs[2 * n + k], ys[2 * n + k]) = ((1 - f) * layout.SceneWidthM, layout.SceneHeightM);
                (xs[3 * n + k], ys[3 * n + k]) = (0, (1 - f) * layout.SceneHeightM);
            }
            for (var k = 0; k < xs.Length; k++) (xs[k], ys[k]) = (frame.OriginX + xs[k], frame.OriginY - ys[k]);
            using (var toAfter = new CoordinateTransform(frame.Crs, crs)) toAfter.Transform(xs, ys);
            left = Math.Floor(xs.Min() / gsd) * gsd;
            top = Math.Ceiling(ys.Max() / gsd) * gsd;
            width = Side((xs.Max() - left) / gsd);
            height = Side((top - ys.Min()) / gsd);
        }
        var transform = GeoTransform.NorthUp(left + shiftColumns * gsd, top - shiftRows * gsd, gsd);
        return new DateGrid(width, height, transform, crs, frame);
    }

    /// <summary>Whole pixels covering a length (a hair over a whole number is rounding, not another pixel).</summary>
    private static int Side(double pixels) => Math.Max(1, (int)Math.Ceiling(pixels - 1e-6));

    /// <summary>Where the pixel centres of rows <paramref name="y0"/> to <paramref name="y0"/>+<paramref name="rows"/> lie in scene-local metres.</summary>
    public GridStrip Strip(int y0, int rows)
    {
        if (_toScene is null)
            return new GridStrip(y0, Gsd, _offE, _offS, null, null, Width, _offS + y0 * Gsd, _offS + (y0 + rows) * Gsd);
        var perRow = (Width - 1 + KnotSpacing - 1) / KnotSpacing + 1;
        var x = new double[rows * perRow];
        var y = new double[rows * perRow];
        for (var r = 0; r < rows; r++)
            for (var k = 0; k < perRow; k++)
                (x[r * perRow + k], y[r * perRow + k]) = Transform.PixelToWorld(Math.Min(k * KnotSpacing, Width - 1) + 0.5, y0 + r + 0.5);
        _toScene.Transform(x, y);
        for (var k = 0; k < x.Length; k++) (x[k], y[k]) = (x[k] - _frame.OriginX, _frame.OriginY - y[k]);
        return new GridStrip(y0, Gsd, 0, 0, x, y, Width, y.Min(), y.Max());
    }

    public void Dispose() => _toScene?.Dispose();
}

/// <summary>The ground position of each pixel centre in a strip of rows of a <see cref="DateGrid"/>.</summary>
internal sealed class GridStrip(int y0, double gsd, double offE, double offS, double[]? knotE, double[]? knotS, int width, double minS, double maxS)
{
    private const int Spacing = DateGrid.KnotSpacing;
    private readonly int _perRow = (width - 1 + Spacing - 1) / Spacing + 1;

    /// <summary>Rows of the scene's own grid (<paramref name="gsd"/>, origin at the scene's corner): what the before date is rendered on.</summary>
    public static GridStrip Scene(double gsd, int width, int y0, int rows) => new(y0, gsd, 0, 0, null, null, width, y0 * gsd, (y0 + rows) * gsd);

    /// <summary>Southmost and northmost ground positions in the strip (scene-local metres), to pick the objects it may touch.</summary>
    public double MinS { get; } = minS;
    public double MaxS { get; } = maxS;

    /// <summary>Scene-local metres (east, south) of the centre of pixel (<paramref name="col"/>, <paramref name="row"/>); row counts from the grid's top.</summary>
    public (double E, double S) At(int col, int row)
    {
        if (knotE is null) return (offE + (col + 0.5) * gsd, offS + (row + 0.5) * gsd);
        var k = col / Spacing;
        var i = (row - y0) * _perRow + k;
        if (k + 1 >= _perRow) return (knotE[i], knotS![i]);
        var c0 = k * Spacing;
        var span = Math.Min(c0 + Spacing, width - 1) - c0;
        var t = (double)(col - c0) / span;
        return (knotE[i] + (knotE[i + 1] - knotE[i]) * t, knotS![i] + (knotS[i + 1] - knotS[i]) * t);
    }
}
