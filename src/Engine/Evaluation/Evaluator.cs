using System.Globalization;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Evaluation;

/// <summary>How <see cref="Evaluator"/> reads class rasters. Each raster's own nodata value and mask band are always
/// honoured: their pixels are skipped and counted.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The truth's ignore value (unlabelled pixels of sparse labels, e.g. 255): skipped like nodata.</summary>
    public byte? TruthNoData { get; init; }

    /// <summary>Any-change scoring: every class above 0, in the truth and the prediction, counts as change (class 1),
    /// e.g. a multi-class prediction against binary truth.</summary>
    public bool Binary { get; init; }
}

/// <summary>Reads truth and predictions from files and compares them (pixel and object metrics).</summary>
public static class Evaluator
{
    private const int StripRows = 256;

    /// <summary>
    /// Pixel metrics between two Byte class rasters on one grid (band 1 each; 0 = no change), read strip by strip.
    /// Pixels invalid in either raster (its own nodata value or mask band) or equal to the truth's ignore value are
    /// skipped and counted (<see cref="PixelMetrics.Skipped"/>); the other class ids must be below
    /// <paramref name="classes"/> (2 with <see cref="EvaluationOptions.Binary"/>).
    /// </summary>
    /// <exception cref="PixelGridException">The rasters are not on one grid, or one is larger than <see cref="RasterLimits"/> allow.</exception>
    /// <exception cref="InputException">A valid pixel holds a class id of <paramref name="classes"/> or more; the message names the raster, column and row.</exception>
    public static PixelMetrics ComparePixels(string truthRaster, string predictedRaster, int classes, EvaluationOptions? options = null)
    {
        var metrics = new PixelMetrics(options is { Binary: true } ? 2 : classes);
        ComparePixels(truthRaster, predictedRaster, metrics, options);
        return metrics;
    }

    /// <summary>Adds the pixels of one more pair of class rasters to <paramref name="metrics"/> (pooling cases).</summary>
    public static void ComparePixels(string truthRaster, string predictedRaster, PixelMetrics metrics, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        using var truth = RasterDataset.Open(truthRaster);
        using var predicted = RasterDataset.Open(predictedRaster);
        RasterLimits.EnsureWithin(truth, "a class raster");
        RasterLimits.EnsureWithin(predicted, "a class raster");
        var gt = new PixelGrid(truth.Width, truth.Height, truth.GeoTransform, truth.SpatialReference, truthRaster);
        var gp = new PixelGrid(predicted.Width, predicted.Height, predicted.GeoTransform, predicted.SpatialReference, predictedRaster);
        gt.EnsureCompatible(gp, truthRaster, predictedRaster, requireSameExtent: true);
        var a = new byte[StripRows * truth.Width];
        var b = new byte[StripRows * truth.Width];
        var valid = new byte[StripRows * truth.Width];
        var other = new byte[StripRows * truth.Width];
        for (var y = 0; y < truth.Height; y += StripRows)
        {
            var window = new PixelWindow(0, y, truth.Width, Math.Min(StripRows, truth.Height - y));
            var n = (int)window.PixelCount;
            truth.Read<byte>(1, window, a.AsSpan(0, n));
            predicted.Read<byte>(1, window, b.AsSpan(0, n));
            var v = valid.AsSpan(0, n);
            ReadValid(truth, window, v, options.TruthNoData, a);
            ReadValid(predicted, window, other.AsSpan(0, n), null, b);
            for (var i = 0; i < n; i++) v[i] &= other[i];
            if (options.Binary)
            {
                ToAnyChange(a.AsSpan(0, n), v);
                ToAnyChange(b.AsSpan(0, n), v);
            }
            CheckIds(a.AsSpan(0, n), v, truthRaster, window, metrics.Classes);
            CheckIds(b.AsSpan(0, n), v, predictedRaster, window, metrics.Classes);
            metrics.Add(a.AsSpan(0, n), b.AsSpan(0, n), v);
        }
    }

    // 1 where the pixel counts: GDAL's mask band of band 1 (nodata value, alpha, .msk) and not the ignore value.
    private static void ReadValid(RasterDataset raster, PixelWindow window, Span<byte> valid, byte? ignore, ReadOnlySpan<byte> values)
    {
        if (raster.MaskFlags(1) == RasterMaskFlags.AllValid) valid.Fill(1);
        else
        {
            raster.ReadMask(1, window, valid);
            for (var i = 0; i < valid.Length; i++) valid[i] = valid[i] == 0 ? (byte)0 : (byte)1;
        }
        if (ignore is { } skip)
            for (var i = 0; i < valid.Length; i++)
                if (values[i] == skip) valid[i] = 0;
    }

    // Any change: every class above 0 becomes 1 (invalid pixels are left as they are, they are not counted).
    private static void ToAnyChange(Span<byte> classes, ReadOnlySpan<byte> valid)
    {
        for (var i = 0; i < classes.Length; i++)
            if (valid[i] != 0 && classes[i] > 1) classes[i] = 1;
    }

    // PixelMetrics knows a pixel only by its index in a strip; here the raster and its column and row are known.
    private static void CheckIds(ReadOnlySpan<byte> ids, ReadOnlySpan<byte> valid, string path, PixelWindow window, int classes)
    {
        if (classes > byte.MaxValue) return;
        for (var i = 0; i < ids.Length; i++)
        {
            if (valid[i] == 0 || ids[i] < classes) continue;
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}' has class id {ids[i]} at column {window.X + i % window.Width}, row {window.Y + i / window.Width}; with {classes} classes the ids are 0..{classes - 1}, " +
                $"unless the value is marked as nodata."))
            {
                Setting = nameof(PixelMetrics.Classes),
            };
        }
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
    /// The regions of a class raster as polygons (4-connected pixel regions, class 0 and invalid pixels left out: the
    /// raster's own nodata or mask, and <paramref name="ignore"/>), for object metrics between two rasters. These are
    /// raster regions, with no minimum area, unlike a detection's polygons. With <paramref name="binary"/> every
    /// class above 0 is one class, 1, so touching regions of different classes are one object.
    /// </summary>
    public static IReadOnlyList<ClassedPolygon> PolygonsOfRaster(string classRaster, byte? ignore = null, bool binary = false)
    {
        using var raster = RasterDataset.Open(classRaster);
        RasterLimits.EnsureWithin(raster, "a class raster");
        using var copy = RasterDataset.CreateInMemory(raster.Width, raster.Height, 1, RasterDataType.Byte);
        copy.GeoTransform = raster.GeoTransform;
        var band = new byte[StripRows * raster.Width];
        var valid = new byte[StripRows * raster.Width];
        for (var y = 0; y < raster.Height; y += StripRows)
        {
            var window = new PixelWindow(0, y, raster.Width, Math.Min(StripRows, raster.Height - y));
            var n = (int)window.PixelCount;
            raster.Read<byte>(1, window, band.AsSpan(0, n));
            ReadValid(raster, window, valid.AsSpan(0, n), ignore, band);
            for (var i = 0; i < n; i++)
                if (valid[i] == 0) band[i] = 0;
                else if (binary && band[i] > 1) band[i] = 1;
            copy.Write<byte>(1, window, band.AsSpan(0, n));
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
