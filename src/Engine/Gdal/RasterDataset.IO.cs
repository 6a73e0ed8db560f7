using System.Runtime.InteropServices;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Gdal;

public sealed partial class RasterDataset
{
    private const int GfRead = 0, GfWrite = 1;

    /// <summary>Reads a window of one band into <paramref name="buffer"/> (row-major, window width per row),
    /// converting to <typeparamref name="T"/> as GDAL does when the file type differs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The window is not wholly inside the raster.</exception>
    public void Read<T>(int band, PixelWindow window, Span<T> buffer) where T : unmanaged =>
        BandIO(GfRead, band, window, MemoryMarshal.AsBytes(buffer), buffer.Length, RasterDataTypes.Of<T>());

    /// <summary>
    /// Reads a window of a band's validity mask (GDAL's mask band, what gdal_polygonize and the warper honour): 0 where
    /// the pixel is nodata, transparent in an alpha band or off in a .msk, non-zero where it is valid.
    /// </summary>
    public void ReadMask(int band, PixelWindow window, Span<byte> buffer) =>
        HandleIO(GfRead, GdalNative.GDALGetMaskBand(Band(band)), band, true, window, buffer, buffer.Length, RasterDataType.Byte);

    /// <summary>How GDAL derives a band's mask; <see cref="RasterMaskFlags.AllValid"/> means there is nothing to read.</summary>
    public RasterMaskFlags MaskFlags(int band) => (RasterMaskFlags)GdalNative.GDALGetMaskFlags(Band(band));

    /// <summary>Writes a window of one band from <paramref name="buffer"/> (row-major).</summary>
    public void Write<T>(int band, PixelWindow window, ReadOnlySpan<T> buffer) where T : unmanaged =>
        BandIO(GfWrite, band, window, MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(buffer), buffer.Length)),
            buffer.Length, RasterDataTypes.Of<T>());

    /// <summary>
    /// Reads a window of several bands in one call, band-sequential: band <c>bands[0]</c>'s window first,
    /// then the next. For pixel-interleaved files this decodes each tile once for all bands.
    /// An empty <paramref name="bands"/> means all bands in order.
    /// </summary>
    public void ReadBands<T>(PixelWindow window, Span<T> buffer, ReadOnlySpan<int> bands = default) where T : unmanaged =>
        DatasetIO(GfRead, window, MemoryMarshal.AsBytes(buffer), buffer.Length, RasterDataTypes.Of<T>(), bands);

    /// <summary>Writes a window of several bands in one call, band-sequential (see <see cref="ReadBands{T}"/>).</summary>
    public void WriteBands<T>(PixelWindow window, ReadOnlySpan<T> buffer, ReadOnlySpan<int> bands = default) where T : unmanaged =>
        DatasetIO(GfWrite, window, MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(buffer), buffer.Length)),
            buffer.Length, RasterDataTypes.Of<T>(), bands);

    /// <summary>Size of overview level <paramref name="level"/> (0 = the first and largest) of a band.</summary>
    public (int Width, int Height) OverviewSize(int band, int level)
    {
        var h = Overview(band, level);
        return (GdalNative.GDALGetRasterBandXSize(h), GdalNative.GDALGetRasterBandYSize(h));
    }

    /// <summary>
    /// Writes a window of overview level <paramref name="level"/> of one band from <paramref name="buffer"/> (row-major),
    /// for overviews computed by the caller (e.g. levels first made with <see cref="BuildOverviews"/> and "NONE").
    /// </summary>
    public unsafe void WriteOverview(int band, int level, PixelWindow window, ReadOnlySpan<byte> buffer)
    {
        var h = Overview(band, level);
        int width = GdalNative.GDALGetRasterBandXSize(h), height = GdalNative.GDALGetRasterBandYSize(h);
        if (!IsWritable) throw new InvalidOperationException($"'{Path}' was opened read-only; open it for update to write.");
        if (window.IsEmpty || window.X < 0 || window.Y < 0 || window.Right > width || window.Bottom > height)
            throw new ArgumentOutOfRangeException(nameof(window), $"Window {window} is not inside overview {level} of '{Path}' ({width}x{height}).");
        if (buffer.Length < window.PixelCount)
            throw new ArgumentException($"Buffer holds {buffer.Length} values; window {window} needs {window.PixelCount}.");
        fixed (byte* p = buffer)
        {
            GdalLibrary.ResetError();
            if (GdalNative.GDALRasterIO(h, GfWrite, window.X, window.Y, window.Width, window.Height, p,
                    window.Width, window.Height, (int)RasterDataType.Byte, 1, window.Width) != 0)
                throw GdalLibrary.Failure($"write overview {level} of band {band} window {window} of", Path);
        }
    }

    private nint Overview(int band, int level)
    {
        var count = GdalNative.GDALGetOverviewCount(Band(band));
        if (level < 0 || level >= count)
            throw new ArgumentOutOfRangeException(nameof(level), level, $"Band {band} of '{Path}' has overviews 0..{count - 1}.");
        return GdalNative.GDALGetOverview(Band(band), level);
    }

    private void BandIO(int rw, int band, PixelWindow window, Span<byte> bytes, int elements, RasterDataType type) =>
        HandleIO(rw, Band(band), band, false, window, bytes, elements, type);

    private unsafe void HandleIO(int rw, nint h, int band, bool mask, PixelWindow window, Span<byte> bytes, int elements, RasterDataType type)
    {
        CheckAccess(rw, window, elements, 1);
        var size = RasterDataTypes.SizeOf(type);
        fixed (byte* p = bytes)
        {
            GdalLibrary.ResetError();
            // The message is built only on failure: windowed I/O is the pipeline's steady state and must not allocate.
            if (GdalNative.GDALRasterIO(h, rw, window.X, window.Y, window.Width, window.Height, p,
                    window.Width, window.Height, (int)type, size, size * window.Width) != 0)
                throw GdalLibrary.Failure($"{(rw == GfRead ? "read" : "write")} {(mask ? "mask of band" : "band")} {band} window {window} of", Path);
        }
    }

    private unsafe void DatasetIO(int rw, PixelWindow window, Span<byte> bytes, int elements, RasterDataType type, ReadOnlySpan<int> bands)
    {
        var count = bands.IsEmpty ? BandCount : bands.Length;
        CheckAccess(rw, window, elements, count);
        Span<int> map = count <= 64 ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            map[i] = bands.IsEmpty ? i + 1 : bands[i];
            Band(map[i]);
        }
        var size = RasterDataTypes.SizeOf(type);
        long bandSpace = (long)size * window.Width * window.Height;
        if (bandSpace > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(window), $"Window {window} is too large for one multi-band call; read it in strips.");
        fixed (byte* p = bytes)
        fixed (int* pm = map)
        {
            GdalLibrary.ResetError();
            if (GdalNative.GDALDatasetRasterIO(Handle, rw, window.X, window.Y, window.Width, window.Height, p,
                    window.Width, window.Height, (int)type, count, pm, size, size * window.Width, (int)bandSpace) != 0)
                throw GdalLibrary.Failure($"{(rw == GfRead ? "read" : "write")} {count} bands window {window} of", Path);
        }
    }

    private void CheckAccess(int rw, PixelWindow window, int elements, int bands)
    {
        if (rw == GfWrite && !IsWritable)
            throw new InvalidOperationException($"'{Path}' was opened read-only; open it for update to write.");
        if (window.IsEmpty || window.X < 0 || window.Y < 0 || window.Right > Width || window.Bottom > Height)
            throw new ArgumentOutOfRangeException(nameof(window),
                $"Window {window} is not inside raster '{Path}' of {Width}x{Height} pixels.");
        var needed = window.PixelCount * bands;
        if (elements < needed)
            throw new ArgumentException($"Buffer holds {elements} values; window {window} x {bands} band(s) of '{Path}' needs {needed}.");
    }
}

/// <summary>GDAL's mask flags (GMF_*): how a band's validity mask is derived.</summary>
[Flags]
public enum RasterMaskFlags
{
    /// <summary>No flag: a mask of its own (a .msk file or an internal mask).</summary>
    None = 0,
    /// <summary>GMF_ALL_VALID: every pixel is valid.</summary>
    AllValid = 0x01,
    /// <summary>GMF_PER_DATASET: one mask shared by all bands.</summary>
    PerDataset = 0x02,
    /// <summary>GMF_ALPHA: derived from an alpha band.</summary>
    Alpha = 0x04,
    /// <summary>GMF_NODATA: derived from the band's nodata value.</summary>
    NoData = 0x08,
}
