using WeiPian.Cli.Commands;
using WeiPian.Engine.Evaluation;

namespace WeiPian.Engine.Tests.Evaluation;

public class ModelBenchmarkTests
{
    private static ModelScore Score(string name, int found, int matched, long hits) => new()
    {
        ModelPath = name + ".onnx",
        Model = name,
        Cases = 2,
        MegapixelsPerSecond = 1.5,
        PeakMemoryMb = 300,
        Objects = new ObjectMetrics { TruthCount = 100, Found = found, PredictedCount = 100, Matched = matched, AreaKm2 = 2 },
        // 2 classes: 1000 true change pixels, `hits` of them found, as many false positives as misses.
        Pixels = PixelMetrics.FromMatrix([[9000, 1000 - hits], [1000 - hits, hits]]),
    };

    [Fact]
    public void GatePassesWithinTheAllowedDropAndFailsBeyondIt()
    {
        var baseline = Score("base", found: 90, matched: 85, hits: 900);
        Assert.Empty(ModelBenchmark.Regressions(baseline, Score("close", 89, 84, 890), maxDrop: 0.02));
        var worse = ModelBenchmark.Regressions(baseline, Score("worse", 80, 85, 900), maxDrop: 0.02);
        Assert.Single(worse);
        Assert.Contains("object recall 0.800 vs baseline 0.900", worse[0]);
        Assert.Contains(ModelBenchmark.Regressions(baseline, Score("f1", 90, 85, 800), 0.02), r => r.StartsWith("class 1 F1", StringComparison.Ordinal));
    }

    [Fact]
    public void ScoresSurviveTheirJsonForm()
    {
        var s = Score("m", 70, 60, 700);
        var back = ScoreJson.Read(ScoreJson.Write(s));
        Assert.Equal((s.Model, s.Cases, s.PeakMemoryMb), (back.Model, back.Cases, back.PeakMemoryMb));
        Assert.Equal((s.Objects.Found, s.Objects.Matched, s.Objects.AreaKm2), (back.Objects.Found, back.Objects.Matched, back.Objects.AreaKm2));
        Assert.Equal(s.Pixels.Matrix, back.Pixels.Matrix);
        Assert.Equal(s.MeanChangeF1, back.MeanChangeF1, 12);
    }

    [Fact]
    public void NuisanceAndStageCountsSurviveTheirJsonForm()
    {
        var s = Score("m", 70, 60, 700) with
        {
            NuisanceAlarms = new Dictionary<string, ObjectTally> { ["haze"] = new(0, 14), ["mulch"] = new(3, 4) },
            BuildingStages = new Dictionary<string, ObjectTally> { ["cleared"] = new(1, 2) },
        };
        var back = ScoreJson.Read(ScoreJson.Write(s));
        Assert.Equal(s.NuisanceAlarms, back.NuisanceAlarms);
        Assert.Equal(s.BuildingStages, back.BuildingStages);
        var md = BenchModelsCommand.Markdown([s], 1);
        Assert.Contains("| false alarms on mulch (objects hit / all) | 0.750 (3/4) |", md);
        Assert.Contains("| building recall, cleared (found / all) | 0.500 (1/2) |", md);
    }

    [Fact]
    public void WithoutNuisancesTheReportsHoldWhatTheyAlwaysHeld()
    {
        var s = Score("m", 70, 60, 700);
        Assert.DoesNotContain("nuisance", ScoreJson.Write(s), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Stage", ScoreJson.Write(s), StringComparison.Ordinal);
        Assert.DoesNotContain("false alarms on", BenchModelsCommand.Markdown([s], 1));
        Assert.DoesNotContain("building recall", BenchModelsCommand.Markdown([s], 1));
        Assert.Equal(
            "model,path,cases,mpx_per_s,peak_mb,object_recall,object_precision,object_f1,false_alarms_per_km2,mean_change_f1,mean_change_iou,class1_f1,class1_iou",
            BenchModelsCommand.Csv([s]).Split('\n')[0]);
        Assert.Empty(ScoreJson.Read(ScoreJson.Write(s)).NuisanceAlarms);
    }
}
