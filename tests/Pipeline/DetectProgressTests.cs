using System.Globalization;
using System.Text.RegularExpressions;
using WeiPian.Cli;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// Progress covers the whole run: the tiles are not the end of it (the last polygons, the class raster's overviews,
/// the output files and the chips follow), so 100 % comes only when the run is over, and the last line's polygon count
/// is the summary's.
/// </summary>
public sealed partial class DetectProgressTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Sample(string name) => Path.Combine(TestPaths.SampleTiles, name);

    [Fact]
    public async Task LibraryReportsEveryStageInOrderAndEndsWithTheSummarysCount()
    {
        var reports = new Recorder();
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"));
        var summary = await detector.DetectToFileAsync(new ScenePair(Sample("before.tif"), Sample("after.tif")), Sample("survey.gpkg"),
            _dir.File("tuban.gpkg"), new DetectionOptions { ClassRasterPath = _dir.File("classes.tif") }, reports);

        var seen = reports.All;
        Assert.Equal(DetectionStage.Done, seen[^1].Stage);
        Assert.Equal(summary.Count, seen[^1].Polygons);
        Assert.DoesNotContain(seen.SkipLast(1), p => p.Stage == DetectionStage.Done);
        Assert.Equal([DetectionStage.Tiles, DetectionStage.Finishing, DetectionStage.Writing, DetectionStage.Done],
            seen.Select(p => p.Stage).Distinct());
        Assert.True(seen.Select(p => (int)p.Stage).SequenceEqual(seen.Select(p => (int)p.Stage).Order()), "stages out of order");
    }

    [Fact]
    public async Task PlainLinesReach100PercentOnlyOnTheLastLineWithTheSummarysPolygonCount()
    {
        var (code, text) = await CliProcess.RunAsync(["detect", "--before", Sample("before.tif"), "--after", Sample("after.tif"),
            "--survey", Sample("survey.gpkg"), "--model", "spectral-v1", "--out", _dir.File("tuban.gpkg"),
            "--class-raster", _dir.File("classes.tif")]);

        Assert.Equal(0, code);
        var lines = text.Split('\n');
        var bar = lines.Where(l => l.StartsWith('[')).ToList();
        var total = int.Parse(AllRow().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(total > 0, text);
        Assert.Contains("100 %", bar[^1]);
        Assert.Contains("done", bar[^1]);
        Assert.Contains($"polygons {total} ", bar[^1]);
        Assert.DoesNotContain(bar.SkipLast(1), l => l.Contains("100 %", StringComparison.Ordinal));
        Assert.Contains(bar, l => l.Contains("tiles 25/25", StringComparison.Ordinal) && !l.Contains("100 %", StringComparison.Ordinal));
        Assert.Contains(bar.SkipLast(1), l => l.Contains("writing", StringComparison.Ordinal));
    }

    [Fact]
    public void PlainLinesGiveEveryStageALineAndWarningsTheirOwn()
    {
        var text = new StringWriter();
        using (var line = new ProgressLine(text, terminal: false))
        {
            var detection = new DetectionProgressLine(line);
            detection.Report(new DetectionProgress(10, 10, 3));
            detection.Report(new DetectionProgress(10, 10, 4) { Stage = DetectionStage.Finishing });
            line.Line("weipian: warning: something");
            detection.Report(new DetectionProgress(10, 10, 4) { Stage = DetectionStage.Writing });
            detection.Report(new DetectionProgress(10, 10, 4) { Stage = DetectionStage.Done });
        }
        var lines = text.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.Contains(" 90 %", lines[0]);
        Assert.Contains("finishing", lines[1]);
        Assert.Equal("weipian: warning: something", lines[2]);
        Assert.Contains("writing", lines[3]);
        Assert.StartsWith("[########################] 100 %  done  polygons 4 ", lines[4]);
    }

    [GeneratedRegex(@"^all\s+(\d+)\s", RegexOptions.Multiline)]
    private static partial Regex AllRow();

    // Keeps the reports in the order they arrive (Progress<T> would post them to the thread pool, out of order).
    private sealed class Recorder : IProgress<DetectionProgress>
    {
        private readonly List<DetectionProgress> _seen = [];

        public IReadOnlyList<DetectionProgress> All
        {
            get
            {
                lock (_seen) return [.. _seen];
            }
        }

        public void Report(DetectionProgress value)
        {
            lock (_seen) _seen.Add(value);
        }
    }
}
