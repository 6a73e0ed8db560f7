using System.Globalization;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Metadata;
using WeiPian.Cluster.Work;

namespace WeiPian.Cluster.Grains;

/// <summary>
/// The scene worker: a stateless worker grain, so every silo runs its own activations (calls from a silo go to that
/// silo's activations), at most <see cref="SceneWorkOptions.Workers"/> of them (<see cref="SceneLanesProvider"/>),
/// each running one scene at a time with its model kept loaded.
/// </summary>
[StatelessWorker]
internal sealed class SceneWorkGrain(ISceneRunnerFactory runners, IOptions<SceneWorkOptions> options) : Grain, ISceneWorkGrain
{
    private ISceneRunner? _runner;

    public async Task<SceneOutcome> RunAsync(string batchId, ClusterBatchSpec spec, ClusterSceneJob job, CancellationToken cancellationToken)
    {
        _runner ??= runners.Create();
        var settings = spec.ToBatchSettings(options.Value.Workers).SceneSettings();
        var runner = _runner;
        // Off the grain's scheduler: detection is long and CPU-bound and has its own threads.
        var result = await Task.Run(() => runner.RunAsync(batchId, job.ToSceneJob(), settings, cancellationToken), CancellationToken.None);
        return SceneOutcome.From(result);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _runner?.Dispose();
        _runner = null;
        return Task.CompletedTask;
    }
}

/// <summary>
/// Makes the scene worker's <c>[StatelessWorker]</c> maximum follow the silo's <see cref="SceneWorkOptions.Workers"/> (its
/// cores or GPUs, or an option) instead of a compile-time constant: Orleans' attribute takes a number fixed at build time,
/// and the placement reads the maximum from the grain type's properties (<c>max-local-instances</c>), which this
/// provider, registered after Orleans' own, overwrites.
/// </summary>
/// <remarks>
/// The pump that calls the workers also never holds more scenes than <see cref="SceneWorkOptions.Workers"/>, so the
/// limit holds on a silo even when silos with different worker counts disagree in the cluster manifest.
/// </remarks>
internal sealed class SceneLanesProvider(IOptions<SceneWorkOptions> options) : IGrainPropertiesProvider
{
    /// <summary>The property the stateless-worker placement reads its maximum from.</summary>
    public const string MaxLocalProperty = "max-local-instances";

    public void Populate(Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        if (grainClass != typeof(SceneWorkGrain)) return;
        properties[MaxLocalProperty] = Math.Max(1, options.Value.Workers).ToString(CultureInfo.InvariantCulture);
    }
}
