using System.Diagnostics;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// The real thing: <c>weipian reprocess</c> in a child process killed with SIGKILL in the middle of the batch, then run
/// again, ends with the very output of an uninterrupted run (every field and geometry, and the same bytes).
/// bench/scripts/reprocess-kill-resume.sh does the same on larger synthesised scenes.
/// </summary>
public class ReprocessKillResumeTests(ITestOutputHelper log)
{
    [Fact]
    public async Task KilledRunResumesToTheUninterruptedOutput()
    {
        using var world = new BatchWorld();
        var manifest = world.Manifest("scenes.csv", world.Jobs());
        using var outDir = new TempDir();
        string[] Args(string dir) =>
        [
            "reprocess", "--manifest", manifest, "--survey", world.SurveyPath, "--current-survey", world.CurrentSurveyPath,
            "--model", BatchWorld.ModelPath, "--out", dir, "--workers", "1", "--threads", "1",
        ];

        var reference = outDir.File("reference");
        var (code, output) = await CliProcess.RunAsync(Args(reference));
        Assert.True(code == 0, output);

        var killed = outDir.File("killed");
        var scenes = Path.Combine(killed, "scenes");
        using (var child = CliProcess.Start(Args(killed)))
        {
            var clock = Stopwatch.StartNew();
            // Poll on this thread: in a busy test run an awaited delay can come back late, after the whole batch is done.
            while (!child.HasExited && Done(scenes) < 2 && clock.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(10);
            Assert.False(child.HasExited, "the batch ended before it could be killed");
            child.Kill(entireProcessTree: true);   // SIGKILL: no handler runs, nothing is flushed or cleaned up
            await child.WaitForExitAsync();
            log.WriteLine($"killed after {clock.Elapsed.TotalSeconds:0.0} s with {Done(scenes)} scene file(s) written; exit {child.ExitCode}");
        }
        using (var journal = BatchJournal.Open(Path.Combine(killed, "journal.sqlite")))
        {
            var states = journal.Scenes().GroupBy(s => s.State).ToDictionary(g => g.Key, g => g.Count());
            log.WriteLine("journal after the kill: " + string.Join(", ", states.Select(kv => $"{kv.Key} {kv.Value}")));
            Assert.InRange(states.GetValueOrDefault(SceneState.Done), 1, 5);
        }
        Assert.False(File.Exists(Path.Combine(killed, "tuban.gpkg")));

        (code, output) = await CliProcess.RunAsync(Args(killed));
        log.WriteLine(output);
        Assert.True(code == 0, output);
        Assert.Matches(@"\(([1-5]) by an earlier run", output);
        BatchAssert.SameOutput(Path.Combine(reference, "tuban.gpkg"), Path.Combine(killed, "tuban.gpkg"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "tuban.gpkg")), File.ReadAllBytes(Path.Combine(killed, "tuban.gpkg")));
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "regions.csv")), File.ReadAllText(Path.Combine(killed, "regions.csv")));
    }

    [Fact]
    public async Task CorruptSceneGivesExitCodeThreeAndTheRestComplete()
    {
        using var world = new BatchWorld();
        var manifest = world.Manifest("scenes.csv", world.Jobs(corruptAt: 3));
        using var outDir = new TempDir();
        var (code, output) = await CliProcess.RunAsync(
        [
            "reprocess", "--manifest", manifest, "--survey", world.SurveyPath, "--model", BatchWorld.ModelPath, "--out", outDir.File("b"),
            "--workers", "2", "--threads", "1",
        ]);
        log.WriteLine(output);
        Assert.Equal(3, code);
        Assert.Contains("6 done", output);
        Assert.Contains("FAILED BAD: open raster", output);
        Assert.Equal(8, BatchTubanFile.Read(outDir.File("b/tuban.gpkg")).Polygons.Count);
    }

    private static int Done(string scenes) =>
        Directory.Exists(scenes) ? Directory.EnumerateFiles(scenes, "*.gpkg").Count(f => !Path.GetFileName(f).StartsWith('.')) : 0;
}
