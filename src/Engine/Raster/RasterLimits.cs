using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Raster;

/// <summary>
/// The largest raster the engine reads (detect's scenes, polygonize's and eval's class rasters): one limit for every
/// command, checked on the header before a pixel is read or an output is created, so a mistyped or hostile header
/// (a 1,000,000² VRT) is refused at once instead of running for hours or exhausting memory.
/// </summary>
internal static class RasterLimits
{
    /// <summary>Most columns or rows: a strip of a class raster and its polygon edges span a whole row.</summary>
    public const int MaxSide = 200_000;

    /// <summary>Most pixels (10 billion, e.g. 100,000 x 100,000): of the order of an hour of spectral-v1, the fastest bundled model, on two cores (its Mpx/s: bench/Models/RESULTS.md § Result); beyond it a mistyped header, not a scene, is the likelier cause.</summary>
    public const long MaxPixels = 10_000_000_000;

    /// <summary>Refuses a raster larger than <see cref="MaxSide"/> a side or <see cref="MaxPixels"/> in all.</summary>
    /// <param name="raster">The open raster; only its declared size is read.</param>
    /// <param name="what">What the raster is, for the message: "a scene", "a class raster".</param>
    /// <exception cref="PixelGridException">The raster is too large; the message names the file and its size.</exception>
    public static void EnsureWithin(RasterDataset raster, string what)
    {
        ArgumentNullException.ThrowIfNull(raster);
        if (raster.Width > MaxSide || raster.Height > MaxSide || (long)raster.Width * raster.Height > MaxPixels)
            throw new PixelGridException(string.Create(CultureInfo.InvariantCulture,
                $"'{raster.Path}' declares {raster.Width} x {raster.Height} pixels; {what} may have at most {MaxSide} a side and {MaxPixels / 1e9:0} billion in all: cut it into parts (gdal_translate -srcwin)."));
    }
}
