using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WeiPian.Engine;
using WeiPian.Engine.Evaluation;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian eval</c>: pixel and object metrics between a prediction and the truth.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var truth = new Option<string>("--truth") { Description = "True class raster (.tif) or true polygons (.gpkg, field class_id)", Required = true };
        var pred = new Option<string>("--pred") { Description = "Predicted class raster (.tif, band 1) or polygons (.gpkg with class_id, e.g. detect's output)", Required = true };
        var classes = new Option<int>("--classes") { Description = $"Number of classes, no change included: 2 to {PixelMetrics.MaxClasses}", DefaultValueFactory = _ => 5 };
        var where = new Option<string?>("--truth-where") { Description = "Filter on the true polygons, e.g. \"on_farmland = 1\"" };
        var area = new Option<double?>("--area-km2") { Description = "Area evaluated, for false alarms per km² (default: the raster's, else the truth's extent)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of tables" };
        var command = new Command("eval", "Compare a prediction with the truth: per-class precision, recall, F1, IoU, accuracy, kappa, confusion matrix; object recall, precision and false alarms per km².")
        {
            truth, pred, classes, where, area, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(area) is { } given && !(given > 0 && double.IsFinite(given)))
                throw new InputException(string.Create(CultureInfo.InvariantCulture, $"--area-km2 {given}: give the area evaluated in km², a number above 0."));
            var t = parse.GetValue(truth)!;
            var p = parse.GetValue(pred)!;
            var k = parse.GetValue(classes);
            if (k is < 2 or > PixelMetrics.MaxClasses)
                throw new InputException($"--classes {k}: give 2 to {PixelMetrics.MaxClasses} (class rasters hold byte ids).");
            var rasters = IsRaster(t) && IsRaster(p);
            var pixels = rasters ? Evaluator.ComparePixels(t, p, k) : null;
            var truthPolygons = IsRaster(t) ? Evaluator.PolygonsOfRaster(t) : Evaluator.ReadPolygons(t, where: parse.GetValue(where));
            var predPolygons = IsRaster(p) ? Evaluator.PolygonsOfRaster(p) : Evaluator.ReadPolygons(p);
            var km2 = parse.GetValue(area) ?? (IsRaster(t) ? Evaluator.AreaKm2(t) : IsRaster(p) ? Evaluator.AreaKm2(p) : ExtentKm2(truthPolygons));
            var objects = ObjectMetrics.Compute(truthPolygons, predPolygons, km2);
            Console.Write(parse.GetValue(json) ? Json(pixels, objects) : Text(pixels, objects));
            return 0;
        });
        return command;
    }

    private static bool IsRaster(string path) => Path.GetExtension(path).ToLowerInvariant() is ".tif" or ".tiff" or ".vrt" or ".img";

    private static double ExtentKm2(IReadOnlyList<ClassedPolygon> polygons)
    {
        if (polygons.Count == 0) return double.NaN;
        var e = new NetTopologySuite.Geometries.Envelope();
        foreach (var p in polygons) e.ExpandToInclude(p.Geometry.EnvelopeInternal);
        return e.Area / 1e6;
    }

    internal static string Text(PixelMetrics? pixels, ObjectMetrics objects)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        if (pixels is not null)
        {
            sb.AppendLine(inv, $"pixels: {pixels.Total}, overall accuracy {pixels.OverallAccuracy:0.0000}, kappa {pixels.Kappa:0.0000}");
            sb.AppendLine(inv, $"{"class",6} {"true px",10} {"pred px",10} {"precision",9} {"recall",7} {"F1",7} {"IoU",7}");
            foreach (var s in pixels.Scores)
                sb.AppendLine(inv, $"{s.ClassId,6} {s.TruePixels,10} {s.PredictedPixels,10} {s.Precision,9:0.000} {s.Recall,7:0.000} {s.F1,7:0.000} {s.IoU,7:0.000}");
            sb.AppendLine("confusion matrix (rows true, columns predicted):");
            foreach (var row in pixels.Matrix) sb.AppendLine(string.Join(" ", row.Select(v => v.ToString(inv).PadLeft(10))));
        }
        sb.AppendLine(inv, $"objects: {objects.TruthCount} true, {objects.Found} found (recall {objects.Recall:0.000}); {objects.PredictedCount} predicted, {objects.Matched} on true change (precision {objects.Precision:0.000}); F1 {objects.F1:0.000}; {objects.FalseAlarms} false alarms, {objects.FalseAlarmsPerKm2:0.00} per km²");
        foreach (var (c, m) in objects.ByClass)
            sb.AppendLine(inv, $"  class {c}: {m.Found}/{m.TruthCount} found, {m.Matched}/{m.PredictedCount} predicted on its class");
        return sb.ToString();
    }

    internal static string Json(PixelMetrics? pixels, ObjectMetrics objects)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            if (pixels is not null)
            {
                j.WriteStartObject("pixels");
                j.WriteNumber("total", pixels.Total);
                Number(j, "overallAccuracy", pixels.OverallAccuracy);
                Number(j, "kappa", pixels.Kappa);
                j.WriteStartArray("classes");
                foreach (var s in pixels.Scores)
                {
                    j.WriteStartObject();
                    j.WriteNumber("id", s.ClassId);
                    j.WriteNumber("truePixels", s.TruePixels);
                    j.WriteNumber("predictedPixels", s.PredictedPixels);
                    Number(j, "precision", s.Precision);
                    Number(j, "recall", s.Recall);
                    Number(j, "f1", s.F1);
                    Number(j, "iou", s.IoU);
                    j.WriteEndObject();
                }
                j.WriteEndArray();
                j.WriteStartArray("confusion");
                foreach (var row in pixels.Matrix)
                {
                    j.WriteStartArray();
                    foreach (var v in row) j.WriteNumberValue(v);
                    j.WriteEndArray();
                }
                j.WriteEndArray();
                j.WriteEndObject();
            }
            j.WritePropertyName("objects");
            Objects(j, objects, withClasses: true);
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static void Objects(Utf8JsonWriter j, ObjectMetrics m, bool withClasses)
    {
        j.WriteStartObject();
        j.WriteNumber("truth", m.TruthCount);
        j.WriteNumber("found", m.Found);
        j.WriteNumber("predicted", m.PredictedCount);
        j.WriteNumber("matched", m.Matched);
        Number(j, "recall", m.Recall);
        Number(j, "precision", m.Precision);
        Number(j, "f1", m.F1);
        Number(j, "falseAlarmsPerKm2", m.FalseAlarmsPerKm2);
        if (withClasses)
        {
            j.WriteStartObject("byClass");
            foreach (var (c, cm) in m.ByClass)
            {
                j.WritePropertyName(c.ToString(CultureInfo.InvariantCulture));
                Objects(j, cm, withClasses: false);
            }
            j.WriteEndObject();
        }
        j.WriteEndObject();
    }

    // JSON has no NaN: an undefined ratio (nothing to divide by) is null.
    private static void Number(Utf8JsonWriter j, string name, double value)
    {
        if (double.IsFinite(value)) j.WriteNumber(name, Math.Round(value, 6));
        else j.WriteNull(name);
    }
}
