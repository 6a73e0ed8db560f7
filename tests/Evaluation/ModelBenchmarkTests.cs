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
}
