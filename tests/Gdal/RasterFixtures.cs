using System.Runtime.InteropServices;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>Small rasters with known pixels, written through the binding, for round-trip tests.</summary>
internal static class RasterFixtures
{
    /// <summary>CGCS2000 / 3-degree Gauss-Kruger CM 111E (EPSG:4546), GF-2-like 0.8 m pixels near (500 km, 3300 km).</summary>
    public static GeoTransform Cgcs2000Transform { get; } = GeoTransform.NorthUp(499_000.4, 3_301_000.8, 0.8);

    /// <summary>
    /// Deterministic pixels covering the whole bit range of <typeparamref name="T"/> (random bytes,
    /// so integers hit every range and floats include NaN payloads, infinities and denormals).
    /// </summary>
    public static T[] RandomPixels<T>(int count, int seed) where T : unmanaged
    {
        var values = new T[count];
        new Random(seed).NextBytes(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>A pixel value that tells band, column and row apart: band*10000 + row*100 + column.</summary>
    public static int Code(int band, int column, int row) => band * 10_000 + row * 100 + column;

    /// <summary>Writes a <paramref name="width"/> x <paramref name="height"/> Int32 GeoTIFF whose pixels are <see cref="Code"/>.</summary>
    public static string WriteCoded(TempDir dir, string name, int width, int height, int bands, GeoTiffOptions? options = null)
    {
        var path = dir.File(name);
        using var ds = RasterDataset.CreateGeoTiff(path, width, height, bands, RasterDataType.Int32, options);
        ds.GeoTransform = Cgcs2000Transform;
        for (var b = 1; b <= bands; b++) ds.Write<int>(b, ds.Extent, Coded(b, ds.Extent));
        return path;
    }

    /// <summary>The expected <see cref="Code"/> values of a window of one band, row-major.</summary>
    public static int[] Coded(int band, PixelWindow window)
    {
        var values = new int[window.PixelCount];
        for (var r = 0; r < window.Height; r++)
            for (var c = 0; c < window.Width; c++)
                values[r * window.Width + c] = Code(band, window.X + c, window.Y + r);
        return values;
    }

    /// <summary>Bit patterns of a buffer, so NaNs and negative zero compare exactly.</summary>
    public static byte[] Bits<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
