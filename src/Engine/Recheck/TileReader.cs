using System.Runtime.InteropServices;
using WeiPian.Engine.Kernels;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// Reads one model tile of one date at a time, anywhere in the tile grid: the same <see cref="TileGrid.Tile"/>-pixel
/// window, reflect-padded inside the region at its edges, that <see cref="StripReader{T}"/> cuts from a whole strip.
/// So a tile read here feeds the model exactly what a whole-scene detection feeds it, and the classes agree.
/// </summary>
internal interface ITileReader
{
    /// <summary>Reads tile (<paramref name="column"/>, <paramref name="row"/>).</summary>
    void Read(int column, int row);

    /// <summary>Scales one band of the tile last read into model input (clamp, then x * a + c).</summary>
    void Scale(int band, Span<float> destination, float lo, float hi, float a, float c);
}

internal static class TileReaders
{
    public static ITileReader For(Scene scene, PixelWindow region, int[] bands, TileGrid grid) => scene.DataType switch
    {
        RasterDataType.Byte => new TileReader<byte>(scene, region, bands, grid),
        RasterDataType.UInt16 => new TileReader<ushort>(scene, region, bands, grid),
        _ => new TileReader<float>(scene, region, bands, grid),
    };
}

/// <inheritdoc cref="ITileReader"/>
/// <typeparam name="T">byte, ushort or float: the type the scene is read as.</typeparam>
internal sealed class TileReader<T>(Scene scene, PixelWindow region, int[] bands, TileGrid grid) : ITileReader where T : unmanaged
{
    private readonly T[] _tile = new T[bands.Length * grid.Tile * grid.Tile];
    private readonly int[] _rowMap = new int[grid.Tile];
    private readonly int[] _columnMap = new int[grid.Tile];
    private T[] _read = [];

    public void Read(int column, int row)
    {
        var tile = grid.Tile;
        int top = row * grid.Kept - grid.Halo, left = column * grid.Kept - grid.Halo;
        int minRow = int.MaxValue, maxRow = -1, minCol = int.MaxValue, maxCol = -1;
        for (var i = 0; i < tile; i++)
        {
            _rowMap[i] = SimdKernels.ReflectIndex(top + i, region.Height);
            _columnMap[i] = SimdKernels.ReflectIndex(left + i, region.Width);
            minRow = Math.Min(minRow, _rowMap[i]);
            maxRow = Math.Max(maxRow, _rowMap[i]);
            minCol = Math.Min(minCol, _columnMap[i]);
            maxCol = Math.Max(maxCol, _columnMap[i]);
        }
        var window = new PixelWindow(region.X + minCol, region.Y + minRow, maxCol - minCol + 1, maxRow - minRow + 1);
        var plane = window.Width * window.Height;
        if (_read.Length < plane * bands.Length) _read = new T[plane * bands.Length];
        scene.ReadBands<T>(window, _read.AsSpan(0, plane * bands.Length), bands);
        for (var b = 0; b < bands.Length; b++)
            for (var r = 0; r < tile; r++)
            {
                var src = _read.AsSpan(b * plane + (_rowMap[r] - minRow) * window.Width, window.Width);
                var dst = _tile.AsSpan((b * tile + r) * tile, tile);
                for (var c = 0; c < tile; c++) dst[c] = src[_columnMap[c] - minCol];
            }
    }

    public void Scale(int band, Span<float> destination, float lo, float hi, float a, float c)
    {
        // Row by row, as StripReader does, so vector bodies and scalar tails fall on the same pixels.
        var tile = grid.Tile;
        for (var r = 0; r < tile; r++)
        {
            var src = _tile.AsSpan((band * tile + r) * tile, tile);
            var dst = destination.Slice(r * tile, tile);
            if (typeof(T) == typeof(ushort)) SimdKernels.ScaleToFloat(MemoryMarshal.Cast<T, ushort>(src), dst, lo, hi, a, c);
            else if (typeof(T) == typeof(byte)) SimdKernels.ScaleToFloat(MemoryMarshal.Cast<T, byte>(src), dst, lo, hi, a, c);
            else SimdKernels.ScaleToFloat(MemoryMarshal.Cast<T, float>(src), dst, lo, hi, a, c);
        }
    }
}
