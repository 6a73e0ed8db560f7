using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WeiPian.Cluster.Grains;

namespace WeiPian.Cluster.Work;

/// <summary>
/// Each silo's work loop: while it has free lanes it asks the batches with work (<see cref="IBatchRegistryGrain"/>) for
/// scenes, runs each on the silo's own scene workers (<see cref="ISceneWorkGrain"/>, a stateless worker: calls from this
/// silo run on this silo), renews its leases while they run, and reports each result to the batch. A scene whose lease
/// the batch took back is cancelled. On a clean shutdown the silo hands its unfinished scenes back at once.
/// </summary>
/// <remarks>Pulling spreads the work by itself: a silo asks for as many scenes as it has free lanes, so a faster or
/// bigger silo takes more, and a new silo starts taking work on its next poll.</remarks>
internal sealed class ScenePump : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly IGrainFactory _grains;
    private readonly SceneWorkOptions _options;
    private readonly ILogger<ScenePump> _log;
    private readonly string _silo;
    private readonly string _name;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<(string Batch, long Lease), Run> _running = [];
    private readonly Dictionary<string, ClusterBatchSpec> _specs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private Task? _loop;

    public ScenePump(IGrainFactory grains, ILocalSiloDetails silo, IOptions<SceneWorkOptions> options, ILogger<ScenePump> log)
    {
        _grains = grains;
        _options = options.Value;
        _log = log;
        _silo = silo.SiloAddress.ToParsableString();
        _name = _options.SiloName ?? silo.Name;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ScenePump), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken ct)
    {
        if (_options.RunScenes) _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken ct)
    {
        if (_loop is null) return;
        // What this silo will not finish (taken before the runs are cancelled: a cancelled run leaves the list).
        List<(string Batch, long Lease)> left;
        lock (_running) left = [.. _running.Keys];
        await _stop.CancelAsync();
        try { await _loop.WaitAsync(ct); }
        catch (OperationCanceledException) { }
        if (!_options.HandBackOnStop) return;
        // Hand it back, so other silos need not wait for the leases to run out (a scene that finished meanwhile is not affected).
        foreach (var group in left.GroupBy(k => k.Batch))
        {
            try
            {
                await _grains.GetGrain<IReprocessBatchGrain>(group.Key).ReleaseAsync(_silo, [.. group.Select(k => k.Lease)]).WaitAsync(TimeSpan.FromSeconds(5), ct);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log.LogWarning("Could not hand back {Count} scene(s) of batch {Batch}: {Error}", group.Count(), group.Key, e.Message);
            }
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        var registry = _grains.GetGrain<IBatchRegistryGrain>(0);
        var lastRenew = DateTime.UtcNow;
        var failures = 0;
        _log.LogInformation("Silo {Name} runs up to {Workers} scene(s) at once", _name, _options.Workers);
        while (!stop.IsCancellationRequested)
        {
            var leased = 0;
            try
            {
                var free = _options.Workers - Count;
                if (free > 0)
                {
                    foreach (var batchId in await registry.GetActiveAsync())
                    {
                        if (free <= 0 || stop.IsCancellationRequested) break;
                        var batch = _grains.GetGrain<IReprocessBatchGrain>(batchId);
                        if (!_specs.TryGetValue(batchId, out var spec))
                        {
                            if (await batch.GetSpecAsync() is not { } s) continue;
                            _specs[batchId] = spec = s;
                        }
                        foreach (var lease in await batch.LeaseAsync(_silo, _name, free))
                        {
                            Start(batch, spec, lease);
                            free--;
                            leased++;
                        }
                    }
                }
                var renewEvery = RenewInterval();
                if (renewEvery is { } every && DateTime.UtcNow - lastRenew >= every)
                {
                    await RenewAsync();
                    lastRenew = DateTime.UtcNow;
                }
                failures = 0;
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is not OutOfMemoryException)
            {
                // A batch or the registry is moving to another silo (its silo died): try again shortly.
                failures++;
                _log.LogWarning("Work loop on {Name}: {Error} (try {Try})", _name, e.Message, failures);
                try { await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), stop); }
                catch (OperationCanceledException) { break; }
                continue;
            }
            if (leased > 0 && Count < _options.Workers) continue;   // more work may be waiting: ask again now
            try { await _wake.WaitAsync(Wait(), stop); }
            catch (OperationCanceledException) { break; }
        }
    }

    private int Count
    {
        get { lock (_running) return _running.Count; }
    }

    // Until the next poll, or sooner when a renewal is due; a finishing scene wakes the loop at once.
    private TimeSpan Wait()
    {
        var poll = _options.PollInterval;
        return RenewInterval() is { } r && r < poll ? r : poll;
    }

    private TimeSpan? RenewInterval()
    {
        lock (_running)
            return _running.Count == 0 ? null : _running.Values.Min(r => r.Lease.Duration) / 3;
    }

    private async Task RenewAsync()
    {
        List<IGrouping<string, (string Batch, long Lease)>> groups;
        lock (_running) groups = [.. _running.Keys.GroupBy(k => k.Batch)];
        foreach (var group in groups)
        {
            var lost = await _grains.GetGrain<IReprocessBatchGrain>(group.Key).RenewAsync(_silo, [.. group.Select(k => k.Lease)]);
            foreach (var id in lost)
            {
                Run? run;
                lock (_running) _running.TryGetValue((group.Key, id), out run);
                if (run is null) continue;
                _log.LogInformation("Scene {Key} of batch {Batch} is no longer this silo's: stopping it", run.Lease.Job.Key, group.Key);
                await run.Cancel.CancelAsync();
            }
        }
    }

    private void Start(IReprocessBatchGrain batch, ClusterBatchSpec spec, SceneLease lease)
    {
        var run = new Run(lease, CancellationTokenSource.CreateLinkedTokenSource(_stop.Token));
        lock (_running) _running[(lease.BatchId, lease.LeaseId)] = run;
        _ = Task.Run(() => RunAsync(batch, spec, run), CancellationToken.None);
    }

    private async Task RunAsync(IReprocessBatchGrain batch, ClusterBatchSpec spec, Run run)
    {
        var lease = run.Lease;
        try
        {
            SceneOutcome outcome;
            _log.LogInformation("scene {Key} of batch {Batch}: started (attempt {Attempt})", lease.Job.Key, lease.BatchId, lease.Attempt);
            try
            {
                outcome = await _grains.GetGrain<ISceneWorkGrain>(0).RunAsync(lease.BatchId, spec, lease.Job, run.Cancel.Token);
            }
            catch (OperationCanceledException) when (run.Cancel.IsCancellationRequested)
            {
                return;   // the lease was taken back, or the silo is stopping: nothing was left under the final name
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The worker could not run at all (e.g. the model would not load here): a failed scene, as the local batch reports it.
                outcome = new SceneOutcome { Key = lease.Job.Key, Done = false, Error = $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}" };
            }
            // Report, retrying while the batch moves to another silo; the lease is renewed meanwhile by the loop.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var recorded = await batch.CompleteAsync(_silo, lease.LeaseId, outcome);
                    _log.LogInformation("scene {Key} of batch {Batch}: {Result} in {Seconds:0.0} s{Recorded}", lease.Job.Key, lease.BatchId,
                        outcome.Done ? $"done, {outcome.Polygons} polygons" : $"failed: {outcome.Error}", outcome.Seconds, recorded ? "" : " (already recorded: not counted again)");
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException && !_stop.IsCancellationRequested && attempt < 20)
                {
                    _log.LogWarning("Result of scene {Key} not taken yet: {Error} (try {Try})", lease.Job.Key, e.Message, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * attempt)));
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogWarning("Scene {Key} of batch {Batch}: result lost ({Error}); its lease will run out and it runs again", lease.Job.Key, lease.BatchId, e.Message);
        }
        finally
        {
            lock (_running) _running.Remove((lease.BatchId, lease.LeaseId));
            run.Cancel.Dispose();
            _wake.Release();
        }
    }

    private sealed record Run(SceneLease Lease, CancellationTokenSource Cancel);
}
