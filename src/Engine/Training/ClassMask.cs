using NetTopologySuite.Geometries;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Training;

/// <summary>
/// The class mask of a chip: each verified real change burnt with its card class id by the engine's rasteriser (pixel
/// centres, as gdal_rasterize; later polygons over earlier ones, as GDAL burns them), 0 elsewhere and under false
/// changes, then <see cref="TrainingOptions.Ignore"/> on every verified polygon's edge band and under nodata.
/// </summary>
internal static class ClassMask
{
    /// <summary>Fills <paramref name="mask"/> (row-major, <paramref name="size"/>²) for a chip.</summary>
    /// <param name="polygons">The verified polygons that may meet the chip, in the chip's CRS, in source order.</param>
    /// <param name="transform">The chip's geotransform.</param>
    /// <param name="size">The chip side in pixels.</param>
    /// <param name="edgePixels">Half-width of the ignored band around each polygon's boundary, in pixels (0 for none).</param>
    /// <param name="valid">Per pixel, non-zero where both dates have data.</param>
    /// <param name="mask">The mask to fill.</param>
    public static void Build(IReadOnlyList<VerifiedPolygon> polygons, GeoTransform transform, int size, int edgePixels,
        ReadOnlySpan<byte> valid, Span<byte> mask)
    {
        mask[..(size * size)].Clear();
        foreach (var p in polygons)
            if (p.ClassId > 0) PolygonRasterizer.Burn(p.Geometry, transform, size, size, mask, (byte)p.ClassId);
        if (edgePixels > 0)
        {
            var width = edgePixels * transform.PixelWidth;
            foreach (var p in polygons)
                PolygonRasterizer.Burn(EdgeBand(p.Geometry, width), transform, size, size, mask, TrainingOptions.Ignore);
        }
        for (var i = 0; i < size * size; i++)
            if (valid[i] == 0) mask[i] = TrainingOptions.Ignore;
    }

    /// <summary>The ground within <paramref name="width"/> of the polygon's boundary (its rings buffered with round joins).</summary>
    internal static Geometry EdgeBand(Geometry polygon, double width) => polygon.Boundary.Buffer(width);

    /// <summary>Counts the pixels of each class id (index = id) and the ignored ones.</summary>
    public static (long[] Classes, long Ignored) Count(ReadOnlySpan<byte> mask, int classCount)
    {
        var counts = new long[256];
        foreach (var v in mask) counts[v]++;
        return (counts[..classCount], counts[TrainingOptions.Ignore]);
    }
}
