using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// The class raster's overviews, filled strip by strip while the strips are written, exactly as GDAL's COG driver
/// would compute them with NEAREST after the last strip: so the COG step copies them instead of reading the whole
/// raster again to make them. GDAL 3.6's rule, checked against the driver's output (ClassRasterOverviewTests):
/// levels halve the one before by integer division until both sides fit one block; along each axis, pixel
/// <c>i</c> of a level is pixel <c>(int)(0.5 + i * before / size)</c> of the level before it.
/// </summary>
/// <remarks>
/// The levels live inside the temporary GeoTIFF (made empty with GDAL's "NONE" resampling), whose driver sizes them as
/// <c>(n + f - 1) / f</c> for factor <c>f</c>; where that is not the COG driver's size (odd sides), <see cref="For"/>
/// gives null and the COG driver computes the overviews itself, as before.
/// </remarks>
internal sealed class ClassRasterOverviews
{
    private readonly int[] _factors;
    private readonly int[][] _columns; // per level: the full-resolution column of each of its columns
    private readonly int[][] _rows;    // per level: the full-resolution row of each of its rows
    private readonly int[] _next;      // per level: its next row to write
    private readonly byte[] _row;

    private ClassRasterOverviews(int[] factors, int[][] columns, int[][] rows)
    {
        _factors = factors;
        _columns = columns;
        _rows = rows;
        _next = new int[factors.Length];
        _row = new byte[columns[0].Length];
    }

    /// <summary>The overviews of a <paramref name="width"/> x <paramref name="height"/> COG with square blocks of
    /// <paramref name="blockSize"/>, or null when there are none or the GeoTIFF driver would size them differently.</summary>
    public static ClassRasterOverviews? For(int width, int height, int blockSize)
    {
        var factors = new List<int>();
        var columns = new List<int[]>();
        var rows = new List<int[]>();
        int[] columnsBefore = Identity(width), rowsBefore = Identity(height);
        for (int w = width, h = height, f = 1; w > blockSize || h > blockSize;)
        {
            int nw = w / 2, nh = h / 2;
            f *= 2;
            if (nw == 0 || nh == 0 || nw != (width + f - 1) / f || nh != (height + f - 1) / f) return null;
            columnsBefore = Nearest(columnsBefore, nw);
            rowsBefore = Nearest(rowsBefore, nh);
            factors.Add(f);
            columns.Add(columnsBefore);
            rows.Add(rowsBefore);
            (w, h) = (nw, nh);
        }
        return factors.Count == 0 ? null : new ClassRasterOverviews([.. factors], [.. columns], [.. rows]);
    }

    /// <summary>Makes the empty levels in <paramref name="raster"/>; false (and none left) if GDAL sized them otherwise.</summary>
    public bool Create(RasterDataset raster)
    {
        raster.BuildOverviews("NONE", _factors);
        var ok = raster.OverviewCount(1) == _factors.Length;
        for (var k = 0; ok && k < _factors.Length; k++)
            ok = raster.OverviewSize(1, k) == (_columns[k].Length, _rows[k].Length);
        if (!ok) raster.BuildOverviews("NONE", []);
        return ok;
    }

    /// <summary>Writes every overview row whose source row is in <paramref name="strip"/> (full width; strips in order).</summary>
    public void Write(RasterDataset raster, PixelWindow strip, ReadOnlySpan<byte> classes, ReadOnlySpan<byte> percent)
    {
        for (var k = 0; k < _factors.Length; k++)
        {
            int[] columns = _columns[k], rows = _rows[k];
            var row = _row.AsSpan(0, columns.Length);
            for (; _next[k] < rows.Length && rows[_next[k]] < strip.Bottom; _next[k]++)
            {
                var offset = (rows[_next[k]] - strip.Y) * strip.Width;
                var window = new PixelWindow(0, _next[k], columns.Length, 1);
                Gather(classes.Slice(offset, strip.Width), columns, row);
                raster.WriteOverview(1, k, window, row);
                Gather(percent.Slice(offset, strip.Width), columns, row);
                raster.WriteOverview(2, k, window, row);
            }
        }
    }

    private static void Gather(ReadOnlySpan<byte> source, int[] columns, Span<byte> row)
    {
        for (var i = 0; i < row.Length; i++) row[i] = source[columns[i]];
    }

    private static int[] Identity(int n)
    {
        var a = new int[n];
        for (var i = 0; i < n; i++) a[i] = i;
        return a;
    }

    // GDAL's nearest neighbour from a level of before.Length pixels to one of size pixels, composed with before.
    private static int[] Nearest(int[] before, int size)
    {
        var ratio = (double)before.Length / size;
        var a = new int[size];
        for (var i = 0; i < size; i++) a[i] = before[Math.Min((int)(0.5 + i * ratio), before.Length - 1)];
        return a;
    }
}
