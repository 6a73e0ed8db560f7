using System.Diagnostics;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Evaluation;

/// <summary>How one model did on a benchmark set.</summary>
public sealed record ModelScore
{
    /// <summary>The model file.</summary>
    public required string ModelPath { get; init; }
    /// <summary>name@version from its card.</summary>
    public required string Model { get; init; }
    /// <summary>Cases run.</summary>
    public required int Cases { get; init; }
    /// <summary>Megapixels per second of the default (farmland) detection runs, end to end.</summary>
    public required double MegapixelsPerSecond { get; init; }
    /// <summary>Objects on farmland: the default detection against the truth with on_farmland = 1.</summary>
    public required ObjectMetrics Objects { get; init; }
    /// <summary>Pixels over all land: a run with AllLand against truth.tif.</summary>
    public required PixelMetrics Pixels { get; init; }
    /// <summary>
    /// Per nuisance KIND, the nuisance objects (nuisance.gpkg) the all-land run flagged, summed over the cases that have
    /// the file (<see cref="Evaluation.NuisanceAlarms"/>); empty when none has. All land, not farmland: ponds, rubble and haze lie
    /// off farmland, where the farmland run does not look.
    /// </summary>
    public IReadOnlyDictionary<string, ObjectTally> NuisanceAlarms { get; init; } = new Dictionary<string, ObjectTally>();

    /// <summary>
    /// Per STAGE, the farmland building changes the default (farmland) run found, summed over the cases whose truth.gpkg
    /// has STAGE (<see cref="BuildingStageRecall"/>); empty when none has.
    /// </summary>
    public IReadOnlyDictionary<string, ObjectTally> BuildingStages { get; init; } = new Dictionary<string, ObjectTally>();

    /// <summary>Peak resident memory of the process that ran the model, MB (0 when not measured).</summary>
    public double PeakMemoryMb { get; init; }

    /// <summary>Mean pixel F1 over the change classes present in the truth.</summary>
    public double MeanChangeF1 => Pixels.Scores.Skip(1).Where(s => s.TruePixels > 0).Select(s => s.F1).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Mean pixel IoU over the change classes present in the truth.</summary>
    public double MeanChangeIoU => Pixels.Scores.Skip(1).Where(s => s.TruePixels > 0).Select(s => s.IoU).DefaultIfEmpty(double.NaN).Average();
}

/// <summary>Runs a model through the real pipeline on every case of a set and scores it.</summary>
public static class ModelBenchmark
{
    /// <summary>Classes of the synthesiser's truth: no change, building, pond, mining, facility agriculture.</summary>
    public const int TruthClasses = 5;

    /// <summary>
    /// Scores <paramref name="modelPath"/> on <paramref name="cases"/>: one detection for the objects (on the case's
    /// farmland, or over all land when it has no survey; also building recall per STAGE) and one over all land for the
    /// pixels (and the nuisances of nuisance.gpkg, where the case has one), each with
    /// <paramref name="detection"/>'s settings (e.g. its radiometry, for a model trained on other data than the cases').
    /// </summary>
    public static async Task<ModelScore> RunAsync(string modelPath, IReadOnlyList<BenchCase> cases, InferenceOptions? inference = null,
        string? tempDirectory = null, CancellationToken cancellationToken = default, DetectionOptions? detection = null)
    {
        detection ??= new DetectionOptions();
        using var detector = new ChangeDetector(modelPath, inference);
        // A benchmark measures each model as its card runs it, clouds and all: refusing a cloudy case is for delivery.
        detection = detection with { CloudScreen = detection.CloudScreen ?? detector.Card.Clouds };
        var objects = new List<ObjectMetrics>();
        var nuisances = new List<IReadOnlyDictionary<string, ObjectTally>>();
        var stages = new List<IReadOnlyDictionary<string, ObjectTally>>();
        // The matrix spans the truth's classes too (the synthesiser's 0..4), so a model with fewer classes still scores.
        var pixels = new PixelMetrics(Math.Max(detector.Card.ClassCount, TruthClasses));
        var work = Path.Combine(tempDirectory ?? Path.GetTempPath(), "weipian-bench-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        double seconds = 0;
        long pixelCount = 0;
        try
        {
            foreach (var c in cases)
            {
                var pair = new ScenePair(c.Before, c.After);
                var predicted = new List<ClassedPolygon>();
                var clock = Stopwatch.StartNew();
                var objectRun = detection with { AllLand = detection.AllLand || c.Survey is null };
                await foreach (var t in detector.DetectAsync(pair, c.Survey, objectRun, null, cancellationToken).ConfigureAwait(false))
                    predicted.Add(new ClassedPolygon(t.ClassId, t.Geometry));
                seconds += clock.Elapsed.TotalSeconds;
                var area = Evaluator.AreaKm2(c.TruthRaster);
                pixelCount += (long)Math.Round(area * 1e6 / PixelArea(c.TruthRaster));
                var truth = c.TruthPolygons is null ? Evaluator.PolygonsOfRaster(c.TruthRaster) : Evaluator.ReadPolygons(c.TruthPolygons, where: "on_farmland = 1");
                objects.Add(ObjectMetrics.Compute(truth, predicted, area));
                if (c.TruthPolygons is not null && BuildingStageRecall.Read(c.TruthPolygons, where: "on_farmland = 1") is { } staged)
                    stages.Add(BuildingStageRecall.Count(staged, predicted));

                var classes = Path.Combine(work, c.Name + ".tif");
                var allLand = detection with { AllLand = true, ClassRasterPath = classes };
                var allLandPredicted = new List<ClassedPolygon>();
                await foreach (var t in detector.DetectAsync(pair, c.Survey, allLand, null, cancellationToken).ConfigureAwait(false))
                    allLandPredicted.Add(new ClassedPolygon(t.ClassId, t.Geometry));
                Evaluator.ComparePixels(c.TruthRaster, classes, pixels);
                if (c.NuisancePolygons is { } path && File.Exists(path))
                    nuisances.Add(Evaluation.NuisanceAlarms.Count(Evaluation.NuisanceAlarms.Read(path), allLandPredicted));
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
        return new ModelScore
        {
            ModelPath = modelPath,
            Model = $"{detector.Card.Name}@{detector.Card.Version}" + (inference?.Fp16 == true ? " fp16" : "") + (detector.ScreenCard is { } screen ? $"+{screen.Name}" : ""),
            Cases = cases.Count,
            MegapixelsPerSecond = pixelCount / 1e6 / Math.Max(seconds, 1e-9),
            Objects = ObjectMetrics.Sum(objects),
            Pixels = pixels,
            NuisanceAlarms = ObjectTally.Sum(nuisances),
            BuildingStages = ObjectTally.Sum(stages),
        };
    }

    private static double PixelArea(string raster)
    {
        using var ds = Gdal.RasterDataset.Open(raster);
        return ds.GeoTransform.PixelArea;
    }

    /// <summary>
    /// The gate for a model upgrade: every headline metric (object recall and precision on farmland, mean change F1 and
    /// IoU, and the pixel F1 of each change class present) on which <paramref name="candidate"/> is worse than
    /// <paramref name="baseline"/> by more than <paramref name="maxDrop"/> (absolute, as all are in 0..1). False alarms per
    /// km² are reported, not gated: object precision already carries them. Empty when the candidate passes.
    /// </summary>
    public static IReadOnlyList<string> Regressions(ModelScore baseline, ModelScore candidate, double maxDrop)
    {
        var found = new List<string>();
        void Check(string name, double b, double c)
        {
            if (double.IsFinite(b) && (!double.IsFinite(c) || b - c > maxDrop))
                found.Add(FormattableString.Invariant($"{name} {c:0.000} vs baseline {b:0.000}"));
        }
        Check("object recall", baseline.Objects.Recall, candidate.Objects.Recall);
        Check("object precision", baseline.Objects.Precision, candidate.Objects.Precision);
        Check("mean change F1", baseline.MeanChangeF1, candidate.MeanChangeF1);
        Check("mean change IoU", baseline.MeanChangeIoU, candidate.MeanChangeIoU);
        foreach (var b in baseline.Pixels.Scores.Skip(1).Where(s => s.TruePixels > 0))
            if (b.ClassId < candidate.Pixels.Classes)
                Check($"class {b.ClassId} F1", b.F1, candidate.Pixels.Scores[b.ClassId].F1);
        return found;
    }
}
