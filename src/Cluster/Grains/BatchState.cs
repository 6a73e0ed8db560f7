using WeiPian.Engine.Batch;

namespace WeiPian.Cluster.Grains;

/// <summary>What a batch is: written once, at submission.</summary>
[GenerateSerializer, Alias("weipian.BatchManifestState")]
public sealed class BatchManifestState
{
    /// <summary>Settings; null until submitted.</summary>
    [Id(0)] public ClusterBatchSpec? Spec { get; set; }

    /// <summary>The scenes in manifest order.</summary>
    [Id(1)] public List<ClusterSceneJob> Jobs { get; set; } = [];

    /// <summary>When it was submitted.</summary>
    [Id(2)] public DateTime SubmittedUtc { get; set; }
}

/// <summary>Where a batch is: one entry per scene, written as scenes are handed out and finish.</summary>
[GenerateSerializer, Alias("weipian.BatchProgressState")]
public sealed class BatchProgressState
{
    /// <summary>The phase.</summary>
    [Id(0)] public BatchPhase Phase { get; set; }

    /// <summary>One per job, in manifest order.</summary>
    [Id(1)] public List<SceneEntry> Scenes { get; set; } = [];

    /// <summary>The last lease id handed out.</summary>
    [Id(2)] public long LastLeaseId { get; set; }

    /// <summary>Leases lost and handed out again.</summary>
    [Id(3)] public int Requeued { get; set; }

    /// <summary>Done results for scenes already done.</summary>
    [Id(4)] public int Duplicates { get; set; }

    /// <summary>When the last scene finished.</summary>
    [Id(5)] public DateTime? ScenesFinishedUtc { get; set; }

    /// <summary>When the outputs were written.</summary>
    [Id(6)] public DateTime? FinishedUtc { get; set; }

    /// <summary>The merge's summary lines.</summary>
    [Id(7)] public List<string> Summary { get; set; } = [];

    /// <summary>Files the merge wrote.</summary>
    [Id(8)] public List<string> Outputs { get; set; } = [];

    /// <summary>Why the merge failed.</summary>
    [Id(9)] public string? Error { get; set; }

    /// <summary>Leases lost per silo name.</summary>
    [Id(10)] public Dictionary<string, int> LostBySilo { get; set; } = [];

    /// <summary>Silo names by address, as silos gave them when they took scenes.</summary>
    [Id(11)] public Dictionary<string, string> SiloNames { get; set; } = [];

    /// <summary>Scenes handed back by silos that stopped cleanly.</summary>
    [Id(12)] public int Released { get; set; }
}

/// <summary>One scene of a batch: its state, its current lease, its result.</summary>
[GenerateSerializer, Alias("weipian.SceneEntry")]
public sealed class SceneEntry
{
    /// <summary>The scene key.</summary>
    [Id(0)] public string Key { get; set; } = "";

    /// <summary>Pending, running (leased), done or failed.</summary>
    [Id(1)] public SceneState State { get; set; }

    /// <summary>Leases handed out for it.</summary>
    [Id(2)] public int Attempts { get; set; }

    /// <summary>Its current (or last) lease.</summary>
    [Id(3)] public long LeaseId { get; set; }

    /// <summary>The address of the silo that holds (or held, or did) it.</summary>
    [Id(4)] public string? Silo { get; set; }

    /// <summary>That silo's name.</summary>
    [Id(5)] public string? SiloName { get; set; }

    /// <summary>When its current lease runs out unless renewed.</summary>
    [Id(6)] public DateTime? LeaseExpiresUtc { get; set; }

    /// <summary>When its last lease was handed out.</summary>
    [Id(7)] public DateTime? StartedUtc { get; set; }

    /// <summary>When its result was recorded.</summary>
    [Id(8)] public DateTime? FinishedUtc { get; set; }

    /// <summary>Wall time of the recorded run.</summary>
    [Id(9)] public double Seconds { get; set; }

    /// <summary>Polygons in its file.</summary>
    [Id(10)] public int Polygons { get; set; }

    /// <summary>Its polygon file.</summary>
    [Id(11)] public string? Output { get; set; }

    /// <summary>The file's SHA-256.</summary>
    [Id(12)] public string? OutputSha256 { get; set; }

    /// <summary>Why it failed.</summary>
    [Id(13)] public string? Error { get; set; }

    /// <summary>Done results received for it (more than one: it was run twice; recorded once).</summary>
    [Id(14)] public int Results { get; set; }

    /// <summary>The engine's result for the merge.</summary>
    public SceneResult ToSceneResult() => State == SceneState.Done
        ? new SceneResult(Key, SceneState.Done, Polygons, Output, OutputSha256, TimeSpan.FromSeconds(Seconds), null)
        : new SceneResult(Key, SceneState.Failed, 0, null, null, TimeSpan.FromSeconds(Seconds), Error ?? "not run");
}
