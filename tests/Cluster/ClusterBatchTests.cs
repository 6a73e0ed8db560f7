using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime;
using WeiPian.Cluster;
using WeiPian.Cluster.Grains;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Cluster;

/// <summary>A batch on three silos (Orleans TestCluster) completes with the single-machine output.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterBatchTests(ITestOutputHelper log) : IAsyncLifetime
{
    private ClusterWorld _w = null!;

    public async Task InitializeAsync() => _w = await ClusterWorld.StartAsync(silos: 3, workers: 1, sceneDelay: TimeSpan.FromMilliseconds(400));

    public async Task DisposeAsync() => await _w.DisposeAsync();

    [Fact]
    public async Task BatchOnThreeSilosCompletesWithTheSingleMachineOutput()
    {
        var output = _w.Folder("batch");
        var id = ClusterBatches.DefaultId(output);
        var submitted = await ClusterBatches.SubmitAsync(_w.Cluster.Client, id, _w.Spec(output), _w.Jobs);
        Assert.Equal(BatchPhase.Scenes, submitted.Phase);
        Assert.Equal(6, submitted.Total);

        // Submitting the same batch again is harmless; another batch under the same id is refused.
        var again = await ClusterBatches.SubmitAsync(_w.Cluster.Client, id, _w.Spec(output), _w.Jobs);
        Assert.Equal(6, again.Total);
        await Assert.ThrowsAsync<InputException>(() => ClusterBatches.SubmitAsync(_w.Cluster.Client, id, _w.Spec(output), _w.Jobs.Take(3)));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var status = await ClusterBatches.FollowAsync(_w.Cluster.Client, id, null, TimeSpan.FromMilliseconds(200), timeout.Token);
        foreach (var s in status.Silos) log.WriteLine($"{s.Silo}: {s.Done} done, {s.Failed} failed, {s.Lost} lost");
        foreach (var line in status.Summary) log.WriteLine(line);

        Assert.Equal(BatchPhase.Finished, status.Phase);
        Assert.Equal(6, status.Done);
        Assert.Equal(0, status.Failed);
        Assert.Equal(6, status.Silos.Sum(s => s.Done));
        Assert.True(status.Silos.Count(s => s.Done > 0) >= 2, "the work should be spread over the silos");
        Assert.Contains(status.Summary, l => l.StartsWith("polygons: 8 after merging", StringComparison.Ordinal));
        Assert.Contains(Path.Combine(output, "report.md"), status.Outputs);
        _w.AssertSameAsSingleMachine(output);
    }

    [Fact]
    public void SceneWorkerConcurrencyFollowsTheSilosWorkerCount()
    {
        // [StatelessWorker] takes a compile-time maximum; the silo's worker count replaces it in the grain type's properties.
        var manifest = _w.Cluster.Client.ServiceProvider.GetRequiredService<IClusterManifestProvider>().Current;
        var worker = manifest.AllGrainManifests.SelectMany(m => m.Grains.Values)
            .First(g => g.Properties.Values.Any(v => v.Contains(nameof(SceneWorkGrain), StringComparison.Ordinal)));
        Assert.Equal("1", worker.Properties[SceneLanesProvider.MaxLocalProperty]);
        Assert.Contains(worker.Properties.Values, v => v.Contains("StatelessWorker", StringComparison.Ordinal));
    }
}

/// <summary>
/// Losing a silo that holds work in the middle of a batch: its scenes are taken back and handed to the others, and the
/// batch completes with every scene's polygons exactly once, identical to a single-machine run. Killed: the silo says
/// nothing (as with kill -9; an in-process silo cannot be killed harder than that), so its scenes come back when
/// membership declares it dead or its leases run out. Stopped: it hands its scenes back on the way down.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterKillSiloTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LosingASiloMidBatchStillCompletesIt(bool kill)
    {
        // Scenes long enough that, on a loaded machine, the victim seen busy is still busy when it is killed or stopped.
        await using var w = await ClusterWorld.StartAsync(silos: 3, workers: 1, sceneDelay: TimeSpan.FromSeconds(4), handBackOnStop: !kill);
        var output = w.Folder("batch");
        var id = ClusterBatches.DefaultId(output);
        await ClusterBatches.SubmitAsync(w.Cluster.Client, id, w.Spec(output), w.Jobs);

        // Wait until a secondary silo (the primary holds the test cluster's membership table) has finished a scene and
        // is running its next one: that one is then early in its SceneDelay, so the stop or kill lands while it runs.
        // (A silo still on its first scene may be in the last moments of the detection itself, which is fast, and
        // finish it while the silo is being stopped: then there is nothing to hand back.)
        var clock = Stopwatch.StartNew();
        Orleans.TestingHost.SiloHandle? victim;
        ClusterBatchStatus status;
        do
        {
            await Task.Delay(50);
            status = await ClusterBatches.StatusAsync(w.Cluster.Client, id);
            var busy = status.Silos.Where(s => s.Running > 0 && s.Done > 0).Select(s => s.Silo).ToHashSet();
            victim = status.Done == 0 ? null : w.Cluster.SecondarySilos.FirstOrDefault(s => busy.Contains(s.Name));
        }
        while (victim is null && !status.IsOver && clock.Elapsed < TimeSpan.FromMinutes(1));
        Assert.NotNull(victim);
        log.WriteLine($"{(kill ? "killing" : "stopping")} {victim.Name} at {clock.Elapsed.TotalSeconds:0.0} s: {status.Done} done, {status.Running} running");
        if (kill) await w.Cluster.KillSiloAsync(victim);
        else await w.Cluster.StopSiloAsync(victim);

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        status = await ClusterBatches.FollowAsync(w.Cluster.Client, id, null, TimeSpan.FromMilliseconds(250), timeout.Token);
        log.WriteLine($"finished at {clock.Elapsed.TotalSeconds:0.0} s: requeued {status.Requeued}, released {status.Released}, duplicates {status.Duplicates}");
        foreach (var s in status.Silos) log.WriteLine($"{s.Silo}: {s.Done} done, {s.Failed} failed, {s.Lost} lost");

        Assert.Equal(BatchPhase.Finished, status.Phase);
        Assert.Equal(6, status.Done);
        Assert.Equal(0, status.Failed);
        if (kill)
        {
            Assert.True(status.Requeued >= 1, "the killed silo's scene should have been taken back");
            Assert.True(status.Silos.Single(s => s.Silo == victim.Name).Lost >= 1);
        }
        else
        {
            // The hand-back is a shortcut, not the guarantee: a scene that ends while its silo is stopping is neither handed
            // back nor always reported, and then comes back through its lease as a lost silo's scene does.
            Assert.True(status.Released + status.Requeued >= 1, "the stopped silo's scene should have come back (handed back or taken back)");
        }
        w.AssertSameAsSingleMachine(output);
    }
}

/// <summary>
/// The batch grain's bookkeeping, driven by hand on one silo that runs no scenes itself: leases, renewals, results
/// recorded once, leases taken back when they run out.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BatchGrainProtocolTests : IAsyncLifetime
{
    private ClusterWorld _w = null!;

    public async Task InitializeAsync()
    {
        TestSiloSettings.LeaseDuration = TimeSpan.FromSeconds(2);
        try
        {
            _w = await ClusterWorld.StartAsync(silos: 1, workers: 1, sceneDelay: TimeSpan.Zero, runScenes: false);
        }
        finally
        {
            TestSiloSettings.LeaseDuration = TimeSpan.FromSeconds(6);
        }
    }

    public async Task DisposeAsync() => await _w.DisposeAsync();

    [Fact]
    public async Task ResultsAreRecordedOnceAndLostLeasesAreHandedOutAgain()
    {
        var output = _w.Folder("protocol");
        var batch = _w.Cluster.Client.GetGrain<IReprocessBatchGrain>("protocol");
        await batch.SubmitAsync(_w.Spec(output), [.. _w.Jobs.Take(2).Select(ClusterSceneJob.From)]);

        var a = Assert.Single(await batch.LeaseAsync("silo-a", "A", 1));
        Assert.Equal("S00", a.Job.Key);
        Assert.Equal(1, a.Attempt);
        Assert.Empty(await batch.RenewAsync("silo-a", [a.LeaseId]));
        Assert.Equal([a.LeaseId], await batch.RenewAsync("silo-b", [a.LeaseId]));   // not B's lease

        // A silo that stops renewing loses the scene; it is handed out again with a new lease.
        var b = Assert.Single(await batch.LeaseAsync("silo-b", "B", 1));
        Assert.Equal("S01", b.Job.Key);
        var clock = Stopwatch.StartNew();
        List<SceneLease> again;
        do
        {
            await Task.Delay(250);
            Assert.Empty(await batch.RenewAsync("silo-b", [b.LeaseId]));
            again = await batch.LeaseAsync("silo-b", "B", 1);
        }
        while (again.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(30));
        var a2 = Assert.Single(again);
        Assert.Equal("S00", a2.Job.Key);
        Assert.Equal(2, a2.Attempt);
        Assert.True(a2.LeaseId > b.LeaseId);
        Assert.Equal([a.LeaseId], await batch.RenewAsync("silo-a", [a.LeaseId]));   // A learns it should stop

        // A's run finished after all: a done result from a lost lease is recorded (the file is complete and in place)...
        var done = new SceneOutcome { Key = "S00", Done = true, Polygons = 3, OutputPath = "/x/S00.gpkg", OutputSha256 = "aa", Seconds = 1 };
        Assert.True(await batch.CompleteAsync("silo-a", a.LeaseId, done));
        // ...and B's run of the same scene, finishing later, is a duplicate: counted, not recorded again.
        Assert.False(await batch.CompleteAsync("silo-b", a2.LeaseId, done));
        Assert.Equal([a2.LeaseId], await batch.RenewAsync("silo-b", [a2.LeaseId, b.LeaseId]));
        // A failure from a lease that is no longer current does not count.
        Assert.False(await batch.CompleteAsync("silo-a", a.LeaseId, new SceneOutcome { Key = "S01", Done = false, Error = "boom" }));

        var status = await batch.GetStatusAsync();
        Assert.Equal(1, status.Done);
        Assert.Equal(1, status.Running);
        Assert.Equal(1, status.Duplicates);
        Assert.Equal(1, status.Requeued);
        Assert.Equal(3, status.ScenePolygons);
        Assert.Equal(1, status.Silos.Single(s => s.Silo == "A").Done);
        Assert.Equal(1, status.Silos.Single(s => s.Silo == "A").Lost);

        // The batch survives its grain being deactivated: the state is read back from storage.
        await _w.Cluster.DeactivateAsync(batch);
        var reread = await batch.GetStatusAsync();
        Assert.Equal(1, reread.Done);
        Assert.Equal(1, reread.Duplicates);

        Assert.Equal(BatchPhase.Cancelled, (await batch.CancelAsync()).Phase);
        Assert.Empty(await batch.LeaseAsync("silo-a", "A", 5));
    }
}
