using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using WeiPian.Engine.Batch;

namespace WeiPian.Cluster.Grains;

/// <summary>
/// The batch as a grain. Two pieces of grain state: the manifest (spec and jobs, written once) and the progress (one
/// entry per scene: state, attempts, current lease, result). Silos pull scenes on leases; a lease is renewed while its
/// scene runs and is taken back when it runs out or when cluster membership declares its silo dead, and the scene is
/// handed out again. A scene's first done result is recorded; later ones (the scene ran twice) are counted as
/// duplicates and dropped: they wrote the same bytes to the same path. When every scene is done or failed, the grain
/// checks the scene files against their recorded SHA-256 and runs the single-machine merge and report step
/// (<see cref="ReprocessBatch.FinishAsync"/>) on its silo.
/// </summary>
/// <remarks>
/// Reentrant: status calls and renewals interleave with storage writes and with the merge. All state changes happen
/// between awaits (a grain runs one turn at a time), and a call that changed the state returns only after a write that
/// includes its change is stored (<see cref="GroupCommit"/>), so a silo never learns of a lease or a recorded result
/// that a crash could forget.
/// </remarks>
[Reentrant]
internal sealed class ReprocessBatchGrain : Grain, IReprocessBatchGrain, IRemindable
{
    private const string ReminderName = "batch-watch";
    private readonly IPersistentState<BatchManifestState> _manifest;
    private readonly IPersistentState<BatchProgressState> _progress;
    private readonly ClusterBatchOptions _options;
    private readonly IClusterMembershipService _membership;
    private readonly ILogger<ReprocessBatchGrain> _log;
    private readonly Dictionary<string, SceneEntry> _byKey = new(StringComparer.Ordinal);
    private readonly GroupCommit _commit;
    private Task? _merge;
    private IGrainTimer? _timer;

    public ReprocessBatchGrain(
        [PersistentState("manifest", ClusterStorage.Name)] IPersistentState<BatchManifestState> manifest,
        [PersistentState("progress", ClusterStorage.Name)] IPersistentState<BatchProgressState> progress,
        IOptions<ClusterBatchOptions> options, IClusterMembershipService membership, ILogger<ReprocessBatchGrain> log)
    {
        _manifest = manifest;
        _progress = progress;
        _options = options.Value;
        _membership = membership;
        _log = log;
        _commit = new GroupCommit(() => progress.WriteStateAsync());
    }

    private string BatchId => this.GetPrimaryKeyString();

    private BatchProgressState P => _progress.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_manifest.State.Spec is null) return Task.CompletedTask;
        if (P.Phase == BatchPhase.None) InitialiseProgress();   // a crash between the two first writes
        Index();
        // Leases read back from storage get a fresh term: their silos renew them if alive, else they run out.
        var now = DateTime.UtcNow;
        foreach (var e in P.Scenes.Where(e => e.State == SceneState.Running)) e.LeaseExpiresUtc = now + _options.LeaseDuration;
        if (P.Phase is BatchPhase.Scenes or BatchPhase.Merging)
        {
            StartWatching();
            if (P.Phase == BatchPhase.Merging) StartMerge();   // the silo that merged died: merge again (it is idempotent)
        }
        return Task.CompletedTask;
    }

    public async Task<ClusterBatchStatus> SubmitAsync(ClusterBatchSpec spec, List<ClusterSceneJob> jobs)
    {
        if (jobs.Count == 0) throw new ArgumentException("The batch has no scenes.", nameof(jobs));
        var duplicate = jobs.GroupBy(j => j.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Scene key '{duplicate.Key}' is used twice.", nameof(jobs));
        var invalid = jobs.FirstOrDefault(j => !SceneJob.IsValidKey(j.Key));
        if (invalid is not null) throw new ArgumentException($"Scene key '{invalid.Key}' is not a valid key (letters, digits, '-', '_', '.').", nameof(jobs));

        if (_manifest.State.Spec is { } existing)
        {
            if (existing.Describe() != spec.Describe() || !SameJobs(_manifest.State.Jobs, jobs))
                throw new ArgumentException($"Batch '{BatchId}' exists with other settings or scenes; give another batch id (or another output folder).");
            if (P.Phase is BatchPhase.MergeFailed or BatchPhase.Cancelled)
            {
                P.Phase = P.Scenes.All(e => e.State is SceneState.Done or SceneState.Failed) ? BatchPhase.Merging : BatchPhase.Scenes;
                P.Error = null;
                await _commit.StoreAsync();
                await Registry.AddAsync(BatchId);
                StartWatching();
                if (P.Phase == BatchPhase.Merging) StartMerge();
            }
            return Status();
        }

        _manifest.State = new BatchManifestState { Spec = spec, Jobs = jobs, SubmittedUtc = DateTime.UtcNow };
        await _manifest.WriteStateAsync();
        InitialiseProgress();
        Index();
        await _commit.StoreAsync();
        await Registry.AddAsync(BatchId);
        StartWatching();
        _log.LogInformation("Batch {Batch} submitted: {Count} scenes into {Out}", BatchId, jobs.Count, spec.OutputDirectory);
        return Status();
    }

    public Task<ClusterBatchStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<ClusterBatchSpec?> GetSpecAsync() => Task.FromResult(_manifest.State.Spec);

    public async Task<List<SceneLease>> LeaseAsync(string silo, string siloName, int max)
    {
        var leases = new List<SceneLease>();
        if (P.Phase != BatchPhase.Scenes || max <= 0) return leases;
        var now = DateTime.UtcNow;
        P.SiloNames[silo] = siloName;
        for (var i = 0; i < P.Scenes.Count && leases.Count < max; i++)
        {
            var e = P.Scenes[i];
            if (e.State != SceneState.Pending) continue;
            e.State = SceneState.Running;
            e.Attempts++;
            e.LeaseId = ++P.LastLeaseId;
            e.Silo = silo;
            e.SiloName = siloName;
            e.StartedUtc = now;
            e.LeaseExpiresUtc = now + _options.LeaseDuration;
            e.Error = null;
            leases.Add(new SceneLease { BatchId = BatchId, LeaseId = e.LeaseId, Job = _manifest.State.Jobs[i], Attempt = e.Attempts, Duration = _options.LeaseDuration });
        }
        if (leases.Count > 0) await _commit.StoreAsync();
        return leases;
    }

    public Task<List<long>> RenewAsync(string silo, List<long> leaseIds)
    {
        var lost = new List<long>();
        var now = DateTime.UtcNow;
        var running = P.Phase == BatchPhase.Scenes
            ? P.Scenes.Where(e => e.State == SceneState.Running && e.Silo == silo).ToDictionary(e => e.LeaseId)
            : [];
        foreach (var id in leaseIds)
        {
            if (running.TryGetValue(id, out var e)) e.LeaseExpiresUtc = now + _options.LeaseDuration;
            else lost.Add(id);
        }
        return Task.FromResult(lost);   // expiry times are not stored: a reactivated batch gives every lease a fresh term
    }

    public async Task<bool> CompleteAsync(string silo, long leaseId, SceneOutcome outcome)
    {
        if (!_byKey.TryGetValue(outcome.Key, out var e)) return false;
        var current = e.State == SceneState.Running && e.LeaseId == leaseId && e.Silo == silo;
        if (e.State == SceneState.Done)
        {
            if (outcome.Done)
            {
                e.Results++;
                P.Duplicates++;
                if (outcome.OutputSha256 != e.OutputSha256)
                    _log.LogWarning("Scene {Key} of batch {Batch} run twice gave another file: {Sha} after {Recorded}", e.Key, BatchId, outcome.OutputSha256, e.OutputSha256);
                await _commit.StoreAsync();
            }
            return false;
        }
        if (!outcome.Done && !current) return false;   // a failure from a lease taken back: the scene is someone else's now
        if (P.Phase is not (BatchPhase.Scenes or BatchPhase.Cancelled)) return false;

        // A done result counts from any lease: the file is complete and in place (written atomically, idempotent).
        e.State = outcome.Done ? SceneState.Done : SceneState.Failed;
        e.LeaseExpiresUtc = null;
        e.FinishedUtc = DateTime.UtcNow;
        e.Seconds = outcome.Seconds;
        e.Polygons = outcome.Polygons;
        e.Output = outcome.OutputPath;
        e.OutputSha256 = outcome.OutputSha256;
        e.Error = outcome.Error;
        if (outcome.Done) e.Results++;
        if (!current)
        {
            // Finished by a silo whose lease was taken back (or by a later lease's silo): credit the silo that did it.
            e.Silo = silo;
            e.SiloName = SiloNameOf(silo);
        }
        await _commit.StoreAsync();
        await FinishScenesWhenAllDoneAsync();
        return true;
    }

    public async Task ReleaseAsync(string silo, List<long> leaseIds)
    {
        var ids = leaseIds.ToHashSet();
        var changed = false;
        foreach (var e in P.Scenes.Where(e => e.State == SceneState.Running && e.Silo == silo && ids.Contains(e.LeaseId)))
        {
            e.State = SceneState.Pending;
            e.LeaseExpiresUtc = null;
            e.Attempts = Math.Max(0, e.Attempts - 1);   // a clean hand-back is not a lost attempt
            P.Released++;
            changed = true;
        }
        if (changed) await _commit.StoreAsync();
    }

    public async Task<ClusterBatchStatus> CancelAsync()
    {
        if (P.Phase is BatchPhase.Scenes or BatchPhase.Merging)
        {
            P.Phase = BatchPhase.Cancelled;
            foreach (var e in P.Scenes.Where(e => e.State == SceneState.Running))
            {
                e.State = SceneState.Pending;
                e.LeaseExpiresUtc = null;
            }
            await _commit.StoreAsync();
            await Registry.RemoveAsync(BatchId);
            await StopWatchingAsync();
        }
        return Status();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder only makes sure the batch is active (its timer checks the leases) after the silo that held it died.
        if (_manifest.State.Spec is null || P.Phase is not (BatchPhase.Scenes or BatchPhase.Merging))
        {
            await StopWatchingAsync();
            return;
        }
        await CheckLeasesAsync();
    }

    // Takes back leases that ran out or whose silo is dead; a scene lost MaxAttempts times fails.
    private async Task CheckLeasesAsync()
    {
        if (P.Phase != BatchPhase.Scenes) return;
        var now = DateTime.UtcNow;
        var snapshot = _membership.CurrentSnapshot;
        var changed = false;
        foreach (var e in P.Scenes.Where(e => e.State == SceneState.Running))
        {
            var dead = e.Silo is { } s && IsDead(snapshot, s);
            if (!dead && e.LeaseExpiresUtc is { } expires && expires > now) continue;
            var why = dead ? "its silo died" : "its lease ran out";
            var name = e.SiloName ?? e.Silo ?? "?";
            P.LostBySilo[name] = P.LostBySilo.GetValueOrDefault(name) + 1;
            P.Requeued++;
            e.LeaseExpiresUtc = null;
            if (e.Attempts >= _options.MaxAttempts)
            {
                e.State = SceneState.Failed;
                e.Error = string.Create(CultureInfo.InvariantCulture, $"lost {e.Attempts} times (last: {why} on {name}); not handed out again");
                e.FinishedUtc = now;
            }
            else
            {
                e.State = SceneState.Pending;
            }
            _log.LogWarning("Batch {Batch}: scene {Key} taken back from {Silo} ({Why}), attempt {Attempt}", BatchId, e.Key, name, why, e.Attempts);
            changed = true;
        }
        if (changed)
        {
            await _commit.StoreAsync();
            await FinishScenesWhenAllDoneAsync();
        }
    }

    private static bool IsDead(ClusterMembershipSnapshot snapshot, string silo)
    {
        try
        {
            return snapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) == SiloStatus.Dead;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task FinishScenesWhenAllDoneAsync()
    {
        if (P.Phase != BatchPhase.Scenes || P.Scenes.Any(e => e.State is SceneState.Pending or SceneState.Running)) return;
        P.Phase = BatchPhase.Merging;
        P.ScenesFinishedUtc = DateTime.UtcNow;
        await _commit.StoreAsync();
        StartMerge();
    }

    private void StartMerge()
    {
        if (_merge is { IsCompleted: false }) return;
        _merge = MergeAsync();
    }

    private async Task MergeAsync()
    {
        var spec = _manifest.State.Spec!;
        var jobs = _manifest.State.Jobs.Select(j => j.ToSceneJob()).ToList();
        try
        {
            // A scene file must still be the one recorded: a late duplicate run that failed may have removed it.
            var entries = P.Scenes.Where(e => e.State == SceneState.Done).Select(e => (e.Key, e.Output, e.OutputSha256)).ToList();
            var bad = await Task.Run(() => entries.Where(e => e.Output is null || !File.Exists(e.Output) || BatchTubanFile.Sha256(e.Output) != e.OutputSha256)
                .Select(e => e.Key).ToList());
            if (bad.Count > 0)
            {
                foreach (var key in bad)
                {
                    var e = _byKey[key];
                    e.State = SceneState.Pending;
                    e.Output = null;
                    e.OutputSha256 = null;
                }
                P.Phase = BatchPhase.Scenes;
                _log.LogWarning("Batch {Batch}: scene files missing or altered before the merge, running them again: {Keys}", BatchId, string.Join(", ", bad));
                await _commit.StoreAsync();
                return;
            }

            var results = P.Scenes.Select(e => e.ToSceneResult()).ToList();
            var settings = spec.ToBatchSettings();
            _log.LogInformation("Batch {Batch}: merging {Done} scenes", BatchId, results.Count(r => r.State == SceneState.Done));
            var report = await Task.Run(() => ReprocessBatch.FinishAsync(jobs, settings, results));
            P.Summary = BatchSummary.Lines(report, settings);
            P.Outputs = [.. report.Outputs];
            P.Phase = BatchPhase.Finished;
            P.FinishedUtc = DateTime.UtcNow;
            P.Error = null;
        }
        catch (Exception e)
        {
            _log.LogError(e, "Batch {Batch}: the merge failed", BatchId);
            P.Phase = BatchPhase.MergeFailed;
            P.Error = $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
        await _commit.StoreAsync();
        await Registry.RemoveAsync(BatchId);
        await StopWatchingAsync();
    }

    private void StartWatching()
    {
        _timer ??= this.RegisterGrainTimer(CheckLeasesAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.CheckInterval, Period = _options.CheckInterval, Interleave = true, KeepAlive = true,
        });
        _ = RegisterReminderAsync();
    }

    private async Task RegisterReminderAsync()
    {
        try
        {
            await this.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
        }
        catch (Exception e)
        {
            _log.LogWarning("Batch {Batch}: no reminder ({Error}); silos polling for work keep it going", BatchId, e.Message);
        }
    }

    private async Task StopWatchingAsync()
    {
        _timer?.Dispose();
        _timer = null;
        try
        {
            if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
        }
        catch (Exception e)
        {
            _log.LogDebug("Batch {Batch}: reminder not removed: {Error}", BatchId, e.Message);
        }
    }

    private void InitialiseProgress()
    {
        _progress.State = new BatchProgressState
        {
            Phase = BatchPhase.Scenes,
            Scenes = [.. _manifest.State.Jobs.Select(j => new SceneEntry { Key = j.Key, State = SceneState.Pending })],
        };
    }

    private void Index()
    {
        _byKey.Clear();
        foreach (var e in P.Scenes) _byKey[e.Key] = e;
    }

    private string SiloNameOf(string silo) => P.SiloNames.GetValueOrDefault(silo) ?? silo;

    private IBatchRegistryGrain Registry => GrainFactory.GetGrain<IBatchRegistryGrain>(0);

    private static bool SameJobs(List<ClusterSceneJob> a, List<ClusterSceneJob> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.ToSceneJob().Fingerprint() == p.Second.ToSceneJob().Fingerprint());

    private ClusterBatchStatus Status() => BatchStatusReport.Of(BatchId, _manifest.State, P);
}
