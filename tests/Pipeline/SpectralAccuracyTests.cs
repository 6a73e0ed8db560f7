using NetTopologySuite.IO;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// spectral-v1 on fresh synthesised cases (held-out seeds, never looked at while writing its rules) finds most of
/// the true change on farmland, and most of what it reports is true change.
/// </summary>
public class SpectralAccuracyTests
{
    [Fact]
    public async Task FindsMostFarmlandChangeOnHeldOutSeeds()
    {
        using var dir = new TempDir();
        var truth = new List<ClassedPolygon>();
        var predicted = new List<ClassedPolygon>();
        double km2 = 0;
        using var detector = new ChangeDetector(SampleDetection.Model);
        foreach (var seed in new[] { 1001L, 1002L, 1003L })
        {
            var folder = Path.Combine(dir.Path, seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
            SceneSynthesizer.Run(new SynthOptions { Size = 1024, Seed = seed, WriteShapefiles = false }, folder);
            truth.AddRange(Evaluator.ReadPolygons(Path.Combine(folder, "truth.gpkg"), where: "on_farmland = 1"));
            await foreach (var t in detector.DetectAsync(new ScenePair(Path.Combine(folder, "before.tif"), Path.Combine(folder, "after.tif")),
                               Path.Combine(folder, "survey.gpkg")))
                predicted.Add(new ClassedPolygon(t.ClassId, t.Geometry));
            km2 += 1024 * 0.8 * 1024 * 0.8 / 1e6;
        }
        // Scenes sit at different places, so polygons of different seeds never meet.
        var m = ObjectMetrics.Compute(truth, predicted, km2);
        Assert.True(m.TruthCount >= 30, $"{m.TruthCount} true changes on farmland");
        Assert.True(m.Recall >= 0.70, $"object recall on farmland {m.Recall:0.000} ({m.Found}/{m.TruthCount})");
        Assert.True(m.Precision >= 0.50, $"object precision {m.Precision:0.000} ({m.Matched}/{m.PredictedCount})");
    }
}
