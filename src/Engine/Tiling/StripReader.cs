using System.Runtime.InteropServices;
using WeiPian.Engine.Kernels;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tiling;

/// <summary>
/// Reads, for one date, the padded window that a chunk of tiles needs: up to <see cref="TileGrid.ChunkTiles"/>
/// consecutive tiles of a tile row, <see cref="TileGrid.Tile"/> rows of <see cref="TileGrid.ChunkPaddedWidth"/> pixels
/// per band, in the scene's own pixel type. Where the window reaches past the region it is filled by reflection
/// inside the region (numpy's 'reflect': the edge pixel is not repeated), so edge tiles keep the fixed shape and
/// both dates are padded alike. A chunk, not the whole strip, so memory does not grow with the scene's width.
/// The one tile reader of the engine: detection reads chunks of a strip; the recheck, whose tiles are scattered, reads
/// through a grid of one tile per chunk, so its tiles are the very windows a whole-scene detection feeds the model.
/// </summary>
/// <typeparam name="T">byte, ushort or float: the type the scene is read as.</typeparam>
/// <remarks>
/// Holds <c>slots</c> chunks, so one can be read while another is scaled into the model: <see cref="Read"/> fills a
/// slot on the reading thread, <see cref="ScaleTile"/> and <see cref="MarkNoData"/> use a filled one on another. Each
/// slot belongs to one thread at a time; the pipeline hands slots over through its channels.
/// </remarks>
internal sealed class StripReader<T> : IStripReader where T : unmanaged
{
    private readonly Scene _scene;
    private readonly TileGrid _grid;
    private readonly PixelWindow _region;
    private readonly int[] _bands;
    private readonly T[][] _chunks;     // per slot: bands x Tile x ChunkPaddedWidth
    private readonly int[] _first;      // per slot: the tile column its chunk starts at
    private readonly int[] _columnMap;  // padded column of the whole strip -> region column
    private readonly (int Dst, int Src, int Length)[][] _runs; // per chunk: consecutive stretches of its part of _columnMap
    private readonly (int Min, int Max)[] _columns; // per chunk: the region columns it reads
    private readonly int[] _rowMap;
    private readonly T[] _read;

    public StripReader(Scene scene, PixelWindow region, int[] bands, TileGrid grid, int slots = 1)
    {
        _scene = scene;
        _region = region;
        _bands = bands;
        _grid = grid;
        _chunks = Enumerable.Range(0, slots).Select(_ => new T[bands.Length * grid.Tile * grid.ChunkPaddedWidth]).ToArray();
        _first = new int[slots];
        _columnMap = new int[grid.PaddedWidth];
        for (var c = 0; c < _columnMap.Length; c++) _columnMap[c] = SimdKernels.ReflectIndex(c - grid.Halo, region.Width);
        _runs = new (int, int, int)[grid.Chunks][];
        _columns = new (int, int)[grid.Chunks];
        for (var k = 0; k < grid.Chunks; k++)
        {
            var map = ChunkColumns(k);
            _runs[k] = Runs(map);
            _columns[k] = (map.Min(), map.Max());
        }
        _rowMap = new int[grid.Tile];
        var widest = _columns.Max(c => c.Max - c.Min + 1);
        _read = new T[bands.Length * Math.Min(grid.Tile, region.Height) * widest];
    }

    /// <summary>Pixels per padded row of a chunk.</summary>
    public int Stride => _grid.ChunkPaddedWidth;

    /// <summary>One padded row (0 .. Tile-1) of one band (index into the model's band list) of the chunk in a slot.</summary>
    public ReadOnlySpan<T> Row(int slot, int band, int row) => _chunks[slot].AsSpan((band * _grid.Tile + row) * Stride, Stride);

    /// <summary>Reads the padded window of chunk <paramref name="chunk"/> of tile row <paramref name="tileRow"/> into <paramref name="slot"/>.</summary>
    public void Read(int tileRow, int chunk, int slot)
    {
        var buffer = _chunks[slot];
        var tile = _grid.Tile;
        var top = tileRow * _grid.Kept - _grid.Halo;
        int minRow = int.MaxValue, maxRow = -1;
        for (var r = 0; r < tile; r++)
        {
            _rowMap[r] = SimdKernels.ReflectIndex(top + r, _region.Height);
            minRow = Math.Min(minRow, _rowMap[r]);
            maxRow = Math.Max(maxRow, _rowMap[r]);
        }
        var (minCol, maxCol) = _columns[chunk];
        var window = new PixelWindow(_region.X + minCol, _region.Y + minRow, maxCol - minCol + 1, maxRow - minRow + 1);
        var plane = window.Width * window.Height;
        _scene.ReadBands<T>(window, _read.AsSpan(0, plane * _bands.Length), _bands);
        _first[slot] = chunk * _grid.ChunkTiles;

        var runs = _runs[chunk];
        for (var b = 0; b < _bands.Length; b++)
            for (var r = 0; r < tile; r++)
            {
                var src = _read.AsSpan(b * plane + (_rowMap[r] - minRow) * window.Width, window.Width);
                var dst = buffer.AsSpan((b * tile + r) * Stride, Stride);
                foreach (var (d, s, n) in runs) src.Slice(s - minCol, n).CopyTo(dst.Slice(d, n));
            }
    }

    /// <summary>
    /// Writes the model input of tile <paramref name="column"/> for one band: Tile x Tile floats, each pixel
    /// clamped to [lo, hi] and mapped to <c>x * a + c</c> (the card's scaling).
    /// </summary>
    public void ScaleTile(int slot, int column, int band, Span<float> destination, float lo, float hi, float a, float c) =>
        ScaleRows(slot, column, band, 0, _grid.Tile, destination, lo, hi, a, c);

    /// <summary>
    /// Writes rows <paramref name="first"/> .. <paramref name="first"/> + <paramref name="rows"/> - 1 of
    /// <see cref="ScaleTile"/>'s output: <paramref name="rows"/> x Tile floats.
    /// </summary>
    public void ScaleRows(int slot, int column, int band, int first, int rows, Span<float> destination, float lo, float hi, float a, float c)
    {
        var tile = _grid.Tile;
        var x = (column - _first[slot]) * _grid.Kept;
        for (var r = 0; r < rows; r++)
        {
            var src = Row(slot, band, first + r).Slice(x, tile);
            var dst = destination.Slice(r * tile, tile);
            if (typeof(T) == typeof(ushort)) SimdKernels.ScaleToFloat(MemoryMarshal.Cast<T, ushort>(src), dst, lo, hi, a, c);
            else if (typeof(T) == typeof(byte)) SimdKernels.ScaleToFloat(MemoryMarshal.Cast<T, byte>(src), dst, lo, hi, a, c);
            else SimdKernels.ScaleToFloat(MemoryMarshal.Cast<T, float>(src), dst, lo, hi, a, c);
        }
    }

    /// <summary>
    /// Clears <paramref name="valid"/> (strip rows x region width) wherever a band of this date holds its nodata
    /// value (or NaN, for float data), in the columns of the slot's chunk: such pixels are never change.
    /// </summary>
    public void MarkNoData(int slot, PixelWindow strip, Span<byte> valid)
    {
        var x0 = _first[slot] * _grid.Kept;
        var width = Math.Min(_grid.ChunkTiles * _grid.Kept, strip.Width - x0);
        for (var b = 0; b < _bands.Length; b++)
        {
            var nodata = _scene.NoData[_bands[b] - 1];
            if (typeof(T) != typeof(float) && !Representable(nodata)) continue;
            for (var r = 0; r < strip.Height; r++)
            {
                var src = Row(slot, b, _grid.Halo + r).Slice(_grid.Halo, width);
                var dst = valid.Slice(r * strip.Width + x0, width);
                if (typeof(T) == typeof(ushort)) SimdKernels.MarkNoData(MemoryMarshal.Cast<T, ushort>(src), (ushort)nodata!.Value, dst);
                else if (typeof(T) == typeof(byte)) SimdKernels.MarkNoData(MemoryMarshal.Cast<T, byte>(src), (byte)nodata!.Value, dst);
                else MarkFloat(MemoryMarshal.Cast<T, float>(src), nodata, dst);
            }
        }
    }

    // A nodata value the pixel type cannot hold (e.g. -9999 on UInt16) marks nothing.
    private static bool Representable(double? nodata) =>
        nodata is { } v && v == Math.Floor(v) && v >= 0 && v <= (typeof(T) == typeof(byte) ? byte.MaxValue : ushort.MaxValue);

    private static void MarkFloat(ReadOnlySpan<float> src, double? nodata, Span<byte> valid)
    {
        var nd = (float)(nodata ?? double.NaN);
        for (var i = 0; i < src.Length; i++)
            if (float.IsNaN(src[i]) || src[i] == nd) valid[i] = 0;
    }

    // The part of the strip's column map a chunk covers: its tiles' padded columns, clipped at the strip's end.
    private int[] ChunkColumns(int chunk)
    {
        var start = chunk * _grid.ChunkTiles * _grid.Kept;
        return _columnMap.AsSpan(start, Math.Min(_grid.ChunkPaddedWidth, _columnMap.Length - start)).ToArray();
    }

    private static (int, int, int)[] Runs(int[] map)
    {
        var runs = new List<(int, int, int)>();
        var start = 0;
        for (var i = 1; i <= map.Length; i++)
            if (i == map.Length || map[i] != map[i - 1] + 1)
            {
                runs.Add((start, map[start], i - start));
                start = i;
            }
        return runs.ToArray();
    }
}
