using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>A run stops cleanly: on cancellation, and when a stage fails midway (the failure is what the caller sees).</summary>
public class PipelineStopTests
{
    [Fact]
    public async Task CancellationStopsTheRunAndLeavesNoOutput()
    {
        using var dir = new TempDir();
        var output = dir.File("out.gpkg");
        using var detector = new ChangeDetector(SampleDetection.Model);
        using var cts = new CancellationTokenSource();
        var progress = new Progress(() => cts.Cancel());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            detector.DetectToFileAsync(SampleDetection.Pair, SampleDetection.SamplePath("survey.gpkg"), output, progress: progress, cancellationToken: cts.Token));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
        // The detector is free again.
        await foreach (var _ in detector.DetectAsync(SampleDetection.Pair, SampleDetection.SamplePath("survey.gpkg"))) { }
    }

    [Fact]
    public async Task AReadFailureMidwayIsReportedWithTheFileAndLeavesNoOutput()
    {
        using var dir = new TempDir();
        var truncated = dir.File("after-truncated.tif");
        var bytes = File.ReadAllBytes(SampleDetection.SamplePath("after.tif"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length * 6 / 10)]);
        var output = dir.File("out.gpkg");
        using var detector = new ChangeDetector(SampleDetection.Model);
        var e = await Assert.ThrowsAsync<GdalException>(() =>
            detector.DetectToFileAsync(new ScenePair(SampleDetection.SamplePath("before.tif"), truncated), SampleDetection.SamplePath("survey.gpkg"), output));
        Assert.Contains("after-truncated.tif", e.Message);
        Assert.False(File.Exists(output));
    }

    private sealed class Progress(Action onFirst) : IProgress<DetectionProgress>
    {
        private int _seen;
        public void Report(DetectionProgress value)
        {
            if (Interlocked.Increment(ref _seen) == 1) onFirst();
        }
    }
}
