using WeiPian.Engine.Batch;

namespace WeiPian.Cluster.Work;

/// <summary>Runs scenes for one scene-worker activation (one lane); disposed with the activation.</summary>
public interface ISceneRunner : IDisposable
{
    /// <summary>Runs one scene of a batch.</summary>
    /// <param name="batchId">The batch (a runner may keep a model loaded per batch).</param>
    /// <param name="job">The scene.</param>
    /// <param name="settings">The batch's scene settings.</param>
    /// <param name="cancellationToken">Stops the run; nothing is left under the final name.</param>
    Task<SceneResult> RunAsync(string batchId, SceneJob job, SceneWorkSettings settings, CancellationToken cancellationToken);
}

/// <summary>Makes a runner for each scene-worker activation.</summary>
public interface ISceneRunnerFactory
{
    /// <summary>A new runner.</summary>
    ISceneRunner Create();
}

/// <summary>
/// The single-machine unit of work: a <see cref="SceneWorker"/> (one scene pair → its polygon file, written atomically,
/// idempotent), its model kept loaded while the batch stays the same.
/// </summary>
public sealed class SceneWorkerRunner : ISceneRunner
{
    private SceneWorker? _worker;
    private string? _batchId;

    /// <inheritdoc />
    public Task<SceneResult> RunAsync(string batchId, SceneJob job, SceneWorkSettings settings, CancellationToken cancellationToken)
    {
        if (_worker is null || _batchId != batchId)
        {
            _worker?.Dispose();
            _worker = null;
            _worker = new SceneWorker(settings);
            _batchId = batchId;
        }
        return _worker.RunAsync(job, null, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _worker?.Dispose();
        _worker = null;
    }

    /// <summary>Makes <see cref="SceneWorkerRunner"/>s.</summary>
    public sealed class Factory : ISceneRunnerFactory
    {
        /// <inheritdoc />
        public ISceneRunner Create() => new SceneWorkerRunner();
    }
}

/// <summary>
/// A runner that runs nothing and reports each scene failed ("no-op"): for measuring the cluster's own cost per scene
/// (lease, worker call, result, storage writes), never for real batches.
/// </summary>
public sealed class NoOpSceneRunner : ISceneRunner
{
    /// <inheritdoc />
    public Task<SceneResult> RunAsync(string batchId, SceneJob job, SceneWorkSettings settings, CancellationToken cancellationToken) =>
        Task.FromResult(new SceneResult(job.Key, SceneState.Failed, 0, null, null, TimeSpan.Zero, "no-op runner: nothing run"));

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Makes <see cref="NoOpSceneRunner"/>s.</summary>
    public sealed class Factory : ISceneRunnerFactory
    {
        /// <inheritdoc />
        public ISceneRunner Create() => new NoOpSceneRunner();
    }
}
