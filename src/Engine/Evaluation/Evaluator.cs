using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Evaluation;

/// <summary>Reads truth and predictions from files and compares them (pixel and object metrics).</summary>
public static class Evaluator
{
    private const int StripRows = 256;

    /// <summary>
    /// Pixel metrics between two Byte class rasters on one grid (band 1 each; 0 = no change), read strip by strip.
    /// Class ids must be below <paramref name="classes"/>.
    /// </summary>
    /// <exception cref="PixelGridException">The rasters are not on one grid.</exception>
    /// <exception cref="InputException">A pixel holds a class id of <paramref name="classes"/> or more; the message names the raster, column and row.</exception>
    public static PixelMetrics ComparePixels(string truthRaster, string predictedRaster, int classes)
    {
        var metrics = new PixelMetrics(classes);
        ComparePixels(truthRaster, predictedRaster, metrics);
        return metrics;
    }

    /// <summary>Adds the pixels of one more pair of class rasters to <paramref name="metrics"/> (pooling cases).</summary>
    public static void ComparePixels(string truthRaster, string predictedRaster, PixelMetrics metrics)
    {
        using var truth = RasterDataset.Open(truthRaster);
        using var predicted = RasterDataset.Open(predictedRaster);
        var gt = new PixelGrid(truth.Width, truth.Height, truth.GeoTransform, truth.SpatialReference, truthRaster);
        var gp = new PixelGrid(predicted.Width, predicted.Height, predicted.GeoTransform, predicted.SpatialReference, predictedRaster);
        gt.EnsureCompatible(gp, truthRaster, predictedRaster, requireSameExtent: true);
        var a = new byte[StripRows * truth.Width];
        var b = new byte[StripRows * truth.Width];
        for (var y = 0; y < truth.Height; y += StripRows)
        {
            var window = new PixelWindow(0, y, truth.Width, Math.Min(StripRows, truth.Height - y));
            var n = (int)window.PixelCount;
            truth.Read<byte>(1, window, a.AsSpan(0, n));
            predicted.Read<byte>(1, window, b.AsSpan(0, n));
            CheckIds(a.AsSpan(0, n), truthRaster, window, metrics.Classes);
            CheckIds(b.AsSpan(0, n), predictedRaster, window, metrics.Classes);
            metrics.Add(a.AsSpan(0, n), b.AsSpan(0, n));
        }
    }

    // PixelMetrics knows a pixel only by its index in a strip; here the raster and its column and row are known.
    private static void CheckIds(ReadOnlySpan<byte> ids, string path, PixelWindow window, int classes)
    {
        if (classes > byte.MaxValue) return;
        var i = ids.IndexOfAnyInRange((byte)classes, byte.MaxValue);
        if (i < 0) return;
        throw new InputException(
            $"'{path}' has class id {ids[i]} at column {window.X + i % window.Width}, row {window.Y + i / window.Width}; with {classes} classes the ids are 0..{classes - 1}.")
        {
            Setting = nameof(PixelMetrics.Classes),
        };
    }

    /// <summary>
    /// Polygons with their class from a vector file: the first layer (or <paramref name="layer"/>), class from
    /// <paramref name="classField"/>, optionally filtered by an OGR SQL <paramref name="where"/> (e.g. "on_farmland = 1").
    /// </summary>
    public static IReadOnlyList<ClassedPolygon> ReadPolygons(string path, string classField = "class_id", string? where = null, string? layer = null)
    {
        using var ds = VectorDataset.Open(path);
        var l = layer is null ? ds.Layer(0) : ds.Layer(layer);
        if (l.FieldIndex(classField) < 0)
            throw new InputException($"'{path}' layer '{l.Name}' has no field '{classField}'; its fields are {string.Join(", ", l.Fields.Select(f => f.Name))}.");
        l.SetAttributeFilter(where);
        var reader = new WKBReader();
        try
        {
            return l.Features().Where(f => f.Wkb is not null)
                .Select(f => new ClassedPolygon((int)(f.GetInt64(classField) ?? 0), reader.Read(f.Wkb))).ToList();
        }
        finally
        {
            l.SetAttributeFilter(null);
        }
    }

    /// <summary>
    /// The regions of a class raster as polygons (class 0 left out), for object metrics between two rasters.
    /// </summary>
    public static IReadOnlyList<ClassedPolygon> PolygonsOfRaster(string classRaster)
    {
        using var raster = RasterDataset.Open(classRaster);
        using var copy = RasterDataset.CreateInMemory(raster.Width, raster.Height, 1, RasterDataType.Byte);
        copy.GeoTransform = raster.GeoTransform;
        var band = new byte[StripRows * raster.Width];
        for (var y = 0; y < raster.Height; y += StripRows)
        {
            var window = new PixelWindow(0, y, raster.Width, Math.Min(StripRows, raster.Height - y));
            raster.Read<byte>(1, window, band.AsSpan(0, (int)window.PixelCount));
            copy.Write<byte>(1, window, band.AsSpan(0, (int)window.PixelCount));
        }
        copy.SetNoData(1, 0);
        using var memory = VectorDataset.CreateInMemory();
        var layer = memory.CreateLayer("regions", GeometryKind.Polygon, null, [new FieldDefinition("class_id", FieldKind.Integer)]);
        GdalReference.Polygonize(copy, 1, layer, 0, eightConnected: false, skipNoData: true);
        var reader = new WKBReader();
        return layer.Features().Select(f => new ClassedPolygon((int)f.GetInt64("class_id")!.Value, reader.Read(f.Wkb))).ToList();
    }

    /// <summary>Ground area of a raster in km² (for false alarms per km²).</summary>
    public static double AreaKm2(string raster)
    {
        using var ds = RasterDataset.Open(raster);
        return ds.Width * (double)ds.Height * ds.GeoTransform.PixelArea / 1e6;
    }
}
