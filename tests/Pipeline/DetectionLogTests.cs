using Microsoft.Extensions.Logging;
using WeiPian.Engine.Files;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Files;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// A library caller hears what the run saw without failing through <see cref="DetectionOptions.Logger"/>: temporary
/// files of killed runs removed, county files of an earlier run kept, pixels the model gave no number for. The command
/// line prints the same lines on stderr.
/// </summary>
public sealed class DetectionLogTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ScenePair Sample => new(Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif"));

    private static string SampleSurvey => Path.Combine(TestPaths.SampleTiles, "survey.gpkg");

    // What a process that died while writing `path` leaves.
    private static string LeaveDead(string path)
    {
        var output = AtomicOutput.Begin(path, OutputLayout.File, SwapFaultTests.DeadProcess, removeLeftovers: false);
        File.WriteAllText(output.TempPath, "half");
        return output.TempPath;
    }

    [Fact]
    public void LibraryRunTellsItsLoggerOfLeftoversRemovedAndCountyFilesKept()
    {
        var path = _dir.File("tuban.gpkg");
        var dead = LeaveDead(CountySplitSink.PathFor(path, "420506"));
        var earlier = _dir.File("tuban_420999.gpkg");
        File.WriteAllText(earlier, "earlier");
        var log = new CapturingLogger();
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"));

        var raised = LeftoverTests.Listen(() => detector.DetectToFileAsync(Sample, SampleSurvey, path,
            new DetectionOptions { SplitBy = OutputSplit.County, Logger = log }).GetAwaiter().GetResult(), _dir.Path);

        Assert.False(File.Exists(dead));
        Assert.Equal("earlier", File.ReadAllText(earlier));
        var removed = Assert.Single(log.Lines, l => l.Message.StartsWith("removed 1 temporary file(s)", StringComparison.Ordinal));
        Assert.Contains(Path.GetFileName(dead), removed.Message);
        var kept = Assert.Single(log.Lines, l => l.Message.StartsWith("kept 1 county file(s)", StringComparison.Ordinal));
        Assert.Contains("tuban_420999.gpkg", kept.Message);
        Assert.All(log.Lines, l => Assert.Equal(LogLevel.Information, l.Level));
        Assert.Empty(raised); // one path: a run with a logger does not also raise the static event
    }

    [Fact]
    public async Task ModelThatGivesNoNumberIsAWarningToTheLogger()
    {
        SceneSynthesizer.Run(new SynthOptions { Size = 96, Seed = 7, WriteShapefiles = false }, _dir.Path);
        var pair = new ScenePair(_dir.File("before.tif"), _dir.File("after.tif"));
        var nan = Path.Combine(TestModels.Folder, "nan-change.onnx");
        var log = new CapturingLogger();
        using var detector = new ChangeDetector(nan, new InferenceOptions { Lanes = 1 });

        var summary = await detector.DetectToFileAsync(pair, null, _dir.File("nan.gpkg"), new DetectionOptions { AllLand = true, Logger = log });

        var warning = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith($"'{nan}' gave no number (NaN) for {summary.NoNumberPixels} of {summary.Pixels} pixels", warning.Message);
    }

    [Fact]
    public async Task DetectionModelWithAnUntypedChangeClassWarnsThatItsPolygonsHaveNoChangeType()
    {
        // spectral-v1 under a card whose 'building' class lost its TBLX, as a pair-form screen's "change" has none.
        var card = _dir.File("untyped.card.json");
        File.WriteAllText(card, File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "src", "Models", "spectral-v1.card.json"))
            .Replace("\"tblx\": \"20\"", "\"tblx\": null", StringComparison.Ordinal));
        var log = new CapturingLogger();
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"), new InferenceOptions { Lanes = 1, CardPath = card });

        var summary = await detector.DetectToFileAsync(Sample, null, _dir.File("untyped.gpkg"), new DetectionOptions { AllLand = true, Logger = log });

        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("no change type (TBLX) for class 'building'", warning.Message);
        Assert.Contains("--screen", warning.Message);
        Assert.Contains(summary.ByType, t => t.Tblx == "QT");

        // A detection model's classes all carry their TBLX: no such warning.
        var typed = new CapturingLogger();
        using var spectral = new ChangeDetector(BundledModels.Resolve("spectral-v1"), new InferenceOptions { Lanes = 1 });
        await spectral.DetectToFileAsync(Sample, null, _dir.File("spectral.gpkg"), new DetectionOptions { AllLand = true, Logger = typed });
        Assert.DoesNotContain(typed.Lines, l => l.Message.Contains("TBLX", StringComparison.Ordinal));
    }

    [Fact]
    public void ScreenOfBlockMeansIsRefusedAsTheDetectionModelNamingWhereItGoes()
    {
        var screen = BundledModels.Resolve("screen-v1");

        var refused = Assert.Throws<ModelContractException>(() => new ChangeDetector(screen));

        Assert.StartsWith($"Model '{screen}' takes block means (input.form \"blocks\")", refused.Message);
        Assert.Contains("for --screen", refused.Message);
        Assert.Throws<ModelContractException>(() => new WeiPian.Engine.Recheck.RectificationCheck(screen));
    }

    [Fact]
    public async Task DetectPrintsTheLoggedNoticesOnStderrOneLineEach()
    {
        var path = _dir.File("tuban.gpkg");
        File.WriteAllText(_dir.File("tuban_420999.gpkg"), "earlier");
        var (code, text) = await CliProcess.RunAsync(["detect", "--before", Sample.Before, "--after", Sample.After,
            "--survey", SampleSurvey, "--model", "spectral-v1", "--out", path, "--split-by", "county"]);

        Assert.Equal(0, code);
        var line = Assert.Single(text.Split('\n'), l => l.Contains("county file(s)", StringComparison.Ordinal));
        Assert.StartsWith("weipian: kept 1 county file(s) beside", line);
        Assert.Contains("tuban_420999.gpkg", line);
    }

    internal sealed class CapturingLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Message)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Lines
        {
            get
            {
                lock (_lines) return [.. _lines];
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
