using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// A model that outputs NaN used to give "0 polygons", exit 0, as if nothing had changed. The run counts the pixels
/// it got no number for, and detect says so in one warning line.
/// </summary>
public class NoNumberOutputTests
{
    private static readonly string NanModel = Path.Combine(TestModels.Folder, "nan-change.onnx");

    private static ScenePair Scene(TempDir dir)
    {
        SceneSynthesizer.Run(new SynthOptions { Size = 96, Seed = 7, WriteShapefiles = false }, dir.Path);
        return new ScenePair(dir.File("before.tif"), dir.File("after.tif"));
    }

    [Fact]
    public async Task AllNaNModelOutput_IsCounted_AndAGoodModelCountsNone()
    {
        using var dir = new TempDir();
        var pair = Scene(dir);
        var options = new DetectionOptions { AllLand = true };
        using (var broken = new ChangeDetector(NanModel, new InferenceOptions { Lanes = 1 }))
        {
            var summary = await broken.DetectToFileAsync(pair, null, dir.File("nan.gpkg"), options);
            Assert.Equal(0, summary.Count);
            Assert.True(summary.NoNumberPixels > summary.Pixels / 2, $"{summary.NoNumberPixels} of {summary.Pixels}");
        }
        using var good = new ChangeDetector(TestModels.StackedChange, new InferenceOptions { Lanes = 1 });
        Assert.Equal(0, (await good.DetectToFileAsync(pair, null, dir.File("good.gpkg"), options)).NoNumberPixels);
    }

    [Fact]
    public async Task Detect_WarnsInOneLine_NamingTheModel()
    {
        using var dir = new TempDir();
        var pair = Scene(dir);
        var (code, output) = await CliProcess.RunAsync(["detect", "--before", pair.Before, "--after", pair.After, "--all-land",
            "--model", NanModel, "--out", dir.File("nan.gpkg")]);
        Assert.Equal(0, code);
        var warnings = output.Split('\n').Where(l => l.StartsWith("weipian: warning:", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains($"'{NanModel}' gave no number (NaN) for", warning, StringComparison.Ordinal);
    }
}
