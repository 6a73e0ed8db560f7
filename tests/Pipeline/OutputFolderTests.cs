using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The folders in the output path are part of the output the caller named: created when missing, but only once the
/// inputs have passed their checks.
/// </summary>
public class OutputFolderTests
{
    private static ScenePair SamplePair => new(Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif"));
    private static string SampleSurvey => Path.Combine(TestPaths.SampleTiles, "survey.gpkg");

    [Fact]
    public async Task MissingOutputFoldersAreCreated()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "out", "2025", "tuban.gpkg");
        using var detector = new ChangeDetector(TestModels.StackedChange);
        var summary = await detector.DetectToFileAsync(SamplePair, SampleSurvey, output);
        using var ds = VectorDataset.Open(output);
        Assert.Equal(summary.Count, ds.Layer("tuban").FeatureCount);
    }

    [Fact]
    public async Task RefusedInputCreatesNoFolder()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "out");
        using var detector = new ChangeDetector(TestModels.StackedChange);
        await Assert.ThrowsAsync<InputException>(() =>
            detector.DetectToFileAsync(SamplePair, surveyPath: null, Path.Combine(folder, "tuban.gpkg")));
        Assert.False(Directory.Exists(folder), "a refused run must not create the output folder");
    }

    [Fact]
    public async Task AFileInTheWayIsNamedInTheError()
    {
        using var dir = new TempDir();
        var blocker = dir.File("out");
        File.WriteAllText(blocker, "not a folder");
        var output = Path.Combine(blocker, "tuban.gpkg");
        using var detector = new ChangeDetector(TestModels.StackedChange);
        var e = await Assert.ThrowsAsync<InputException>(() => detector.DetectToFileAsync(SamplePair, SampleSurvey, output));
        Assert.Contains(output, e.Message);
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }
}
