using System.Globalization;
using System.Text.RegularExpressions;
using WeiPian.Engine.Tests.Batch;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// recheck and reprocess show progress in detect's style (plain lines in a log): the bar reaches 100 % only on the
/// last line, once the command's work is over, and that line's polygon count is the one the summary gives.
/// </summary>
public sealed partial class CommandProgressTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Sample(string name) => Path.Combine(TestPaths.SampleTiles, name);

    private static List<string> Bar(string text) => [.. text.Split('\n').Where(l => l.StartsWith('['))];

    private static void EndsAt100WithPolygons(List<string> bar, int polygons)
    {
        Assert.True(bar.Count > 1, string.Join('\n', bar));
        Assert.Matches(BarLine(), bar[^1]);
        Assert.Contains($"100 %  done  polygons {polygons} ", bar[^1]);
        Assert.DoesNotContain(bar.SkipLast(1), l => l.Contains("100 %", StringComparison.Ordinal));
        Assert.All(bar, l => Assert.Matches(BarLine(), l));
    }

    [Fact]
    public async Task RecheckEndsWithTheSummarysPolygonCountAt100Percent()
    {
        var polygons = _dir.File("tuban.gpkg");
        var (code, text) = await CliProcess.RunAsync(["detect", "--before", Sample("before.tif"), "--after", Sample("after.tif"),
            "--survey", Sample("survey.gpkg"), "--model", "spectral-v1", "--out", polygons]);
        Assert.Equal(0, code);

        (code, text) = await CliProcess.RunAsync(["recheck", "--polygons", polygons, "--image", Sample("after.tif"),
            "--reference", Sample("before.tif"), "--model", "spectral-v1", "--out", _dir.File("recheck.gpkg")]);

        Assert.Equal(0, code);
        var total = int.Parse(RecheckTotal().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(total > 0, text);
        EndsAt100WithPolygons(Bar(text), total);
    }

    [Fact]
    public async Task ReprocessEndsWithTheMergedPolygonCountAt100Percent()
    {
        using var world = new BatchWorld();
        var manifest = world.Manifest("scenes.csv", world.Jobs());
        var (code, text) = await CliProcess.RunAsync(["reprocess", "--manifest", manifest, "--survey", world.SurveyPath,
            "--model", BatchWorld.ModelPath, "--out", _dir.File("batch"), "--workers", "1", "--threads", "1"]);

        Assert.True(code == 0, text);
        var total = int.Parse(ReprocessTotal().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(total > 0, text);
        EndsAt100WithPolygons(Bar(text), total);
        Assert.Contains(Bar(text), l => l.Contains("merging", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReprocessWarnsOfAModelGivingNoNumberOnItsOwnLines()
    {
        using var world = new BatchWorld();
        var manifest = world.Manifest("scenes.csv", world.Jobs());
        var nan = Path.Combine(TestModels.Folder, "nan-change.onnx");
        var (code, text) = await CliProcess.RunAsync(["reprocess", "--manifest", manifest, "--survey", world.SurveyPath,
            "--model", nan, "--out", _dir.File("batch"), "--workers", "1", "--threads", "1"]);

        Assert.True(code == 0, text);
        var warnings = text.Split('\n').Where(l => l.StartsWith("weipian: warning: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(world.Jobs().Count, warnings.Count);
        Assert.All(warnings, w => Assert.Contains($"'{nan}' gave no number (NaN) for", w));
    }

    [GeneratedRegex(@"^\[[#.]{24}\] +\d+ %  .+  \d\d:\d\d")]
    private static partial Regex BarLine();

    [GeneratedRegex(@"^(\d+) polygons re-checked", RegexOptions.Multiline)]
    private static partial Regex RecheckTotal();

    [GeneratedRegex(@"^polygons: (\d+) after merging", RegexOptions.Multiline)]
    private static partial Regex ReprocessTotal();
}
