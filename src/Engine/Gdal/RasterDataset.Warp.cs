using System.Globalization;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Gdal;

public sealed partial class RasterDataset
{
    // The warped VRT reads its source's pixels through this handle: it must stay open, and close after the VRT.
    private RasterDataset? _warpSource;

    /// <summary>
    /// Opens <paramref name="path"/> resampled onto a north-up target grid: GDAL's warper behind a virtual (VRT) dataset held
    /// in memory, so the pixels are computed window by window as they are read and nothing is written to disk.
    /// </summary>
    /// <param name="path">The source raster; its CRS and geotransform say where its pixels lie.</param>
    /// <param name="target">The target grid's north-up geotransform.</param>
    /// <param name="width">Target columns.</param>
    /// <param name="height">Target rows.</param>
    /// <param name="crs">The target CRS (the source is reprojected when it differs).</param>
    /// <param name="resampling">GDAL's resampling name: "bilinear" or "cubic" for reflectance, "near" for classes and masks.</param>
    /// <remarks>Nodata is carried over from the source (GDAL's default), and pixels the source does not cover become nodata
    /// when the source has one. The dataset's <see cref="Path"/> is the source's, so messages name the file the user gave.</remarks>
    /// <exception cref="GdalException">GDAL cannot read the source or build the warp (e.g. no CRS to reproject from).</exception>
    public static RasterDataset OpenWarped(string path, GeoTransform target, int width, int height, SpatialReference crs, string resampling)
    {
        ValidateSize(width, height, 1);
        var source = Open(path);
        try
        {
            var (x0, y0) = target.PixelToWorld(0, 0);
            var (x1, y1) = target.PixelToWorld(width, height);
            string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            using var argv = new NativeStringList([
                "-of", "VRT", "-t_srs", crs.Wkt, "-r", resampling,
                "-te", N(Math.Min(x0, x1)), N(Math.Min(y0, y1)), N(Math.Max(x0, x1)), N(Math.Max(y0, y1)),
                "-ts", width.ToString(CultureInfo.InvariantCulture), height.ToString(CultureInfo.InvariantCulture),
            ]);
            GdalLibrary.ResetError();
            var options = GdalLibrary.CheckHandle(GdalNative.GDALWarpAppOptionsNew(argv.Pointer, 0), "prepare warp options for", path);
            nint h;
            try
            {
                unsafe
                {
                    var sources = stackalloc nint[1] { source.Handle };
                    int usageError;
                    h = GdalNative.GDALWarp("", 0, 1, sources, options, &usageError);
                }
                GdalLibrary.CheckHandle(h, "warp", path);
            }
            finally
            {
                GdalNative.GDALWarpAppOptionsFree(options);
            }
            return new RasterDataset(h, path, writable: false) { _warpSource = source };
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }
}
