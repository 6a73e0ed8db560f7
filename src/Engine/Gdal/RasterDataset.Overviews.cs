using System.Runtime.InteropServices;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Gdal;

public sealed partial class RasterDataset
{
    /// <summary>
    /// Reads a window of overview level <paramref name="level"/> (0 = the largest) of one band, row-major: a cheap
    /// whole-scene look for statistics (the radiometry sample) where the file carries overviews.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No such level, or the window is not inside it.</exception>
    public void ReadOverview<T>(int band, int level, PixelWindow window, Span<T> buffer) where T : unmanaged
    {
        var (width, height) = OverviewSize(band, level);
        if (window.IsEmpty || window.X < 0 || window.Y < 0 || window.Right > width || window.Bottom > height)
            throw new ArgumentOutOfRangeException(nameof(window), $"Window {window} is not inside overview {level} of '{Path}' ({width}x{height}).");
        HandleIO(GfRead, Overview(band, level), band, false, window, MemoryMarshal.AsBytes(buffer), buffer.Length, RasterDataTypes.Of<T>());
    }
}
