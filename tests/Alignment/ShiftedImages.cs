using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>Copies of a real image made by GDAL's warper with a known misregistration or on a known other grid.</summary>
internal static class ShiftedImages
{
    /// <summary>
    /// Writes <paramref name="source"/>'s pixels moved <paramref name="dx"/> columns east and <paramref name="dy"/> rows
    /// south (Lanczos, which keeps a fraction of a pixel a fraction of a pixel at every frequency, unlike bilinear) on the
    /// source's own grid: what a residual misregistration of that size looks like.
    /// </summary>
    public static void WriteContentShifted(string source, string path, double dx, double dy)
    {
        using var original = RasterDataset.Open(source);
        var t = original.GeoTransform;
        var (x, y) = t.PixelToWorld(-dx, -dy);
        using (var warped = RasterDataset.OpenWarped(source, t with { OriginX = x, OriginY = y }, original.Width, original.Height, original.SpatialReference!, "lanczos"))
            warped.CopyToGeoTiff(path);
        using var copy = RasterDataset.Open(path, update: true);
        copy.GeoTransform = t;
    }

    /// <summary>
    /// Writes <paramref name="source"/> resampled onto a grid whose origin is <paramref name="dx"/>, <paramref name="dy"/>
    /// pixels from the source's (the ground stays where it is), at <paramref name="scale"/> times its pixel size.
    /// </summary>
    public static void WriteOnOtherGrid(string source, string path, double dx, double dy, double scale = 1, string resampling = "bilinear")
    {
        using var original = RasterDataset.Open(source);
        var t = original.GeoTransform;
        var (x, y) = t.PixelToWorld(dx, dy);
        var width = (int)Math.Floor(original.Width / scale) - 2;
        var height = (int)Math.Floor(original.Height / scale) - 2;
        var grid = t with { OriginX = x, OriginY = y, PixelWidth = t.PixelWidth * scale, PixelHeight = t.PixelHeight * scale };
        using var warped = RasterDataset.OpenWarped(source, grid, width, height, original.SpatialReference!, resampling);
        warped.CopyToGeoTiff(path);
    }
}
