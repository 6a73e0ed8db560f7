using System.Text.Json;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Training;

/// <summary>bench-models on a training export's split (issue 16 §2): the chips as cases, their masks as the truth.</summary>
public class ExportBenchTests(TrainingWorld world) : IClassFixture<TrainingWorld>
{
    [Fact]
    public void TheTestSplitsChipsAreTheCasesWithTheirOwnFilesAndNoSurvey()
    {
        var rows = TrainingWorld.Rows(world.Export).Where(r => r.GetProperty("split").GetString() == "test").ToList();
        var cases = BenchCase.FromTrainingExport(world.Export, "test");
        Assert.Equal(rows.Select(r => r.GetProperty("id").GetString()), cases.Select(c => c.Name));
        foreach (var (c, row) in cases.Zip(rows))
        {
            Assert.Equal(Path.Combine(world.Export, row.GetProperty("mask").GetString()!), c.TruthRaster);
            Assert.True(File.Exists(c.Before) && File.Exists(c.After) && File.Exists(c.TruthRaster));
            Assert.Null(c.Survey);
            Assert.Null(c.TruthPolygons);
        }
    }

    [Fact]
    public void ChipsCarryTheirScenesAcquisitionDates()
    {
        using var scene = Scene.Open(world.SceneFile("before.tif"));
        var date = scene.AcquisitionDate;
        Assert.NotNull(date);
        var chip = BenchCase.FromTrainingExport(world.Export, "validation")[0];
        using var ds = RasterDataset.Open(chip.Before);
        Assert.Equal(date.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ds.MetadataItem("ACQUISITION_DATE"));
    }

    [Fact]
    public async Task AModelIsScoredAgainstTheMasksPixelsAsTheExportCountedThem()
    {
        var cases = BenchCase.FromTrainingExport(world.Export, "test");
        var score = await ModelBenchmark.RunAsync(Path.Combine(TestPaths.RepoRoot, "src", "Models", "spectral-v1.onnx"), cases,
            new WeiPian.Engine.Inference.InferenceOptions { IntraOpThreads = 1 },
            detection: new WeiPian.Engine.Pipeline.DetectionOptions { Radiometry = WeiPian.Engine.Radiometry.RadiometrySetting.Percentile });
        // Percentile radiometry: a 64-px chip's values alone do not show the scene's bit depth (and the run passes it on).
        // The truth row of each class holds exactly the mask pixels the index counted for the test chips (255 skipped),
        // as long as no predicted pixel is nodata where the mask is not.
        var counted = new long[ModelBenchmark.TruthClasses];
        foreach (var row in TrainingWorld.Rows(world.Export).Where(r => r.GetProperty("split").GetString() == "test"))
            foreach (var p in row.GetProperty("class_pixels").EnumerateObject())
                counted[int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)] += p.Value.GetInt64();
        Assert.Equal(counted, score.Pixels.Matrix.Select(r => r.Sum()).ToArray());
        // The objects are the masks' regions, every one of them (no farmland filter: the chips have no survey).
        Assert.Equal(cases.Sum(c => Evaluator.PolygonsOfRaster(c.TruthRaster).Count), score.Objects.TruthCount);
    }

    [Theory]
    [InlineData("holdout", "not one of an export's")]
    [InlineData("test", "is not a training export")]
    public void NotAnExportOrAnUnknownSplitIsRefusedNamingTheSplitSetting(string split, string message)
    {
        var folder = split == "test" ? world.Scene.Directory : world.Export;
        var e = Assert.Throws<InputException>(() => BenchCase.FromTrainingExport(folder, split));
        Assert.Contains(message, e.Message);
        Assert.Equal("Split", e.Setting);
    }
}
