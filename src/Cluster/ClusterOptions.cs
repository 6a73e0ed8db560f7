namespace WeiPian.Cluster;

/// <summary>How a silo runs scenes.</summary>
public sealed class SceneWorkOptions
{
    /// <summary>
    /// Scenes this silo runs at once: the <c>max-local-instances</c> of its stateless scene workers and the leases it
    /// holds. Default: the processor count; on a GPU silo, the number of GPUs (one inference lane per device).
    /// </summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>False for a silo that hosts grains (batches, registry) but runs no scenes.</summary>
    public bool RunScenes { get; set; } = true;

    /// <summary>The silo's name in progress displays; null for the silo's own name.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// Hand unfinished scenes back when the silo stops cleanly, so that other silos take them at once. False leaves
    /// them to be taken back as from a silo that died (for tests of that path).
    /// </summary>
    public bool HandBackOnStop { get; set; } = true;

    /// <summary>How often an idle silo asks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>How batch grains hand out work.</summary>
public sealed class ClusterBatchOptions
{
    /// <summary>
    /// How long a scene stays with a silo without renewal (silos renew every third of it). A silo that dies loses its
    /// scenes when membership declares it dead or, at the latest, when this runs out.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a batch checks its leases.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A scene whose lease is lost this many times fails (a scene that kills every silo it runs on must not take the cluster down).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Period of the reminder that reactivates an unfinished batch after its silo died (at least a minute).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The name of the grain storage every WeiPian grain uses.</summary>
public static class ClusterStorage
{
    /// <summary>"weipian".</summary>
    public const string Name = "weipian";
}
