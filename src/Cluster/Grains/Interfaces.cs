namespace WeiPian.Cluster.Grains;

/// <summary>
/// A reprocessing batch (key: the batch id). Holds the manifest and every scene's state and result in grain storage,
/// hands scenes out to silos on leases, takes them back from silos that die, records each scene's result once, and
/// merges and reports when the last scene is finished.
/// </summary>
[Alias("weipian.IReprocessBatchGrain")]
public interface IReprocessBatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Submits the batch. Submitting the same spec and jobs again is harmless (it returns the batch as it is; a batch
    /// whose merge failed merges again); another spec or other jobs under the same id are refused.
    /// </summary>
    /// <exception cref="ArgumentException">No jobs, a key used twice, or a different batch under this id.</exception>
    [Alias("Submit")]
    Task<ClusterBatchStatus> SubmitAsync(ClusterBatchSpec spec, List<ClusterSceneJob> jobs);

    /// <summary>Where the batch is.</summary>
    [Alias("Status")]
    Task<ClusterBatchStatus> GetStatusAsync();

    /// <summary>The batch's settings (for the silos that run its scenes); null when not submitted.</summary>
    [Alias("Spec")]
    Task<ClusterBatchSpec?> GetSpecAsync();

    /// <summary>Hands up to <paramref name="max"/> waiting scenes to a silo, in manifest order.</summary>
    /// <param name="silo">The silo's address (<c>SiloAddress.ToParsableString()</c>), to take its scenes back if it dies.</param>
    /// <param name="siloName">Its name, for the per-silo counts.</param>
    /// <param name="max">Free lanes.</param>
    [Alias("Lease")]
    Task<List<SceneLease>> LeaseAsync(string silo, string siloName, int max);

    /// <summary>Extends the silo's leases; returns the ids of those it no longer holds (their runs should stop).</summary>
    [Alias("Renew")]
    Task<List<long>> RenewAsync(string silo, List<long> leaseIds);

    /// <summary>
    /// Records a scene's result. The first done result for a scene is recorded; any later one (the scene was run
    /// twice: its lease was lost and handed out again) is counted as a duplicate and not recorded. A failed result
    /// counts only from the scene's current lease.
    /// </summary>
    /// <returns>True when this result was recorded.</returns>
    [Alias("Complete")]
    Task<bool> CompleteAsync(string silo, long leaseId, SceneOutcome outcome);

    /// <summary>Gives back leases a silo will not finish (it is shutting down); the scenes wait for another silo.</summary>
    [Alias("Release")]
    Task ReleaseAsync(string silo, List<long> leaseIds);

    /// <summary>Cancels the batch: nothing more is handed out, running scenes are told to stop at their next renewal.</summary>
    [Alias("Cancel")]
    Task<ClusterBatchStatus> CancelAsync();
}

/// <summary>The batches that have work for the silos (key 0): silos poll it to find work.</summary>
[Alias("weipian.IBatchRegistryGrain")]
public interface IBatchRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds a batch that has work.</summary>
    [Alias("Add")]
    Task AddAsync(string batchId);

    /// <summary>Removes a batch that has no more work.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string batchId);

    /// <summary>The batches with work, oldest first.</summary>
    [Alias("Active")]
    Task<List<string>> GetActiveAsync();
}

/// <summary>
/// Runs one scene on the silo that calls it: the single-machine unit of work (<see cref="WeiPian.Engine.Batch.SceneWorker"/>:
/// one scene pair → its polygon file, idempotent, same output path). A stateless worker: up to the silo's worker count
/// run at once, each activation with its model loaded.
/// </summary>
[Alias("weipian.ISceneWorkGrain")]
public interface ISceneWorkGrain : IGrainWithIntegerKey
{
    /// <summary>Runs the scene; cancellation stops it and leaves nothing under the final name.</summary>
    [Alias("Run"), ResponseTimeout("7.00:00:00")]
    Task<SceneOutcome> RunAsync(string batchId, ClusterBatchSpec spec, ClusterSceneJob job, CancellationToken cancellationToken);
}
