using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// Cancelling a batch (what Ctrl+C or SIGTERM does to the command's token) in the middle of its scenes: the scenes
/// that were running go back to pending, no partial or work file is left, and running it again resumes to the very
/// output of an uninterrupted run.
/// </summary>
public class BatchCancellationTests(BatchRunFixture run, ITestOutputHelper log) : IClassFixture<BatchRunFixture>
{
    [Fact]
    public async Task CancelledBatchLeavesNothingHalfDoneAndResumes()
    {
        using var dir = new TempDir();
        var settings = run.Settings with { OutputDirectory = dir.File("batch") };
        using var stop = new CancellationTokenSource();
        // Two workers: when the first scene is done the other is in the middle of its detection.
        var progress = new CancelAfterFirstScene(stop);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReprocessBatch.RunAsync(run.Jobs, settings, progress, stop.Token));

        using (var journal = BatchJournal.Open(settings.JournalPath))
        {
            var states = journal.Scenes().GroupBy(s => s.State).ToDictionary(g => g.Key, g => g.Count());
            log.WriteLine("after cancelling: " + string.Join(", ", states.Select(kv => $"{kv.Key} {kv.Value}")));
            Assert.False(states.ContainsKey(SceneState.Running));
            Assert.InRange(states.GetValueOrDefault(SceneState.Done), 1, run.Jobs.Count - 1);
            Assert.Equal(run.Jobs.Count, states.Values.Sum());
        }
        var left = Directory.EnumerateFileSystemEntries(settings.OutputDirectory, ".*partial*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFileSystemEntries(BatchFolder.WorkDirectory(settings.OutputDirectory))).ToList();
        Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
        Assert.False(File.Exists(settings.MergedPath));

        var report = await ReprocessBatch.RunAsync(run.Jobs, settings);

        Assert.InRange(report.Resume.AlreadyDone, 1, run.Jobs.Count - 1);
        Assert.Equal(0, report.Resume.Interrupted);   // cancelled scenes were set back to pending, not left running
        Assert.Equal(File.ReadAllBytes(run.Settings.MergedPath), File.ReadAllBytes(settings.MergedPath));
    }

    private sealed class CancelAfterFirstScene(CancellationTokenSource stop) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value)
        {
            if (value.Event?.StartsWith("done ", StringComparison.Ordinal) == true) stop.Cancel();
        }
    }
}
