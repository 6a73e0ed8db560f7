using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using WeiPian.Cluster;
using WeiPian.Cluster.Hosting;
using WeiPian.Cluster.Work;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Batch;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Cluster;

/// <summary>Cluster tests start in-process silos and share the machine's cores: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}

/// <summary>
/// How the test silos are set up. TestCluster makes its silos from a configurator type, so the per-cluster values
/// travel through these fields (set before <see cref="ClusterWorld.StartAsync"/>; the tests run one at a time).
/// </summary>
public static class TestSiloSettings
{
    public static string StateFolder { get; set; } = "";
    public static int Workers { get; set; } = 1;
    public static TimeSpan SceneDelay { get; set; }
    public static bool RunScenes { get; set; } = true;
    public static TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(6);
    public static bool HandBackOnStop { get; set; } = true;
}

/// <summary>
/// A test silo: state in a folder every silo shares (it must survive a killed silo, which in-memory state does not),
/// in-memory reminders, fast failure detection, short leases, and the real scene work, slowed down by
/// <see cref="TestSiloSettings.SceneDelay"/> so that a batch of small scenes lasts long enough to kill a silo in it.
/// </summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder silo)
    {
        silo.AddFolderGrainStorage(ClusterStorage.Name, TestSiloSettings.StateFolder);
        silo.UseInMemoryReminderService();
        silo.AddWeiPianWork(w =>
        {
            w.Workers = TestSiloSettings.Workers;
            w.RunScenes = TestSiloSettings.RunScenes;
            w.PollInterval = TimeSpan.FromMilliseconds(100);
            w.HandBackOnStop = TestSiloSettings.HandBackOnStop;
        }, b =>
        {
            b.LeaseDuration = TestSiloSettings.LeaseDuration;
            b.CheckInterval = TimeSpan.FromMilliseconds(500);
        });
        var delay = TestSiloSettings.SceneDelay;
        if (delay > TimeSpan.Zero) silo.Services.AddSingleton<ISceneRunnerFactory>(new SlowRunnerFactory(delay));
        silo.Configure<ClusterMembershipOptions>(x =>
        {
            x.ProbeTimeout = TimeSpan.FromSeconds(1);
            x.NumMissedProbesLimit = 2;
            x.NumVotesForDeathDeclaration = 1;
        });
    }

    private sealed class SlowRunnerFactory(TimeSpan delay) : ISceneRunnerFactory
    {
        public ISceneRunner Create() => new SlowRunner(delay);
    }

    private sealed class SlowRunner(TimeSpan delay) : ISceneRunner
    {
        private readonly SceneWorkerRunner _inner = new();

        public async Task<SceneResult> RunAsync(string batchId, SceneJob job, SceneWorkSettings settings, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return await _inner.RunAsync(batchId, job, settings, cancellationToken);
        }

        public void Dispose() => _inner.Dispose();
    }
}

/// <summary>The six scenes of <see cref="BatchWorld"/>, their single-machine run, and a TestCluster to run them on.</summary>
public sealed class ClusterWorld : IAsyncDisposable
{
    private readonly TempDir _dir = new();

    private ClusterWorld(BatchWorld world, TestCluster cluster, string reference)
    {
        World = world;
        Cluster = cluster;
        Reference = reference;
    }

    public BatchWorld World { get; }
    public TestCluster Cluster { get; }

    /// <summary>The single-machine run's batch folder.</summary>
    public string Reference { get; }

    public IReadOnlyList<SceneJob> Jobs => World.Jobs();

    public string Folder(string name) => _dir.File(name);

    /// <summary>Makes the scenes, runs them on one machine, and starts <paramref name="silos"/> silos.</summary>
    public static async Task<ClusterWorld> StartAsync(int silos, int workers, TimeSpan sceneDelay, bool runScenes = true, bool handBackOnStop = true)
    {
        var world = new BatchWorld();
        var reference = Path.Combine(world.Root, "reference");
        await ReprocessBatch.RunAsync(world.Jobs(), BatchRunFixture.SettingsFor(world, reference, workers: 1));
        TestSiloSettings.StateFolder = Path.Combine(world.Root, "grain-state");
        TestSiloSettings.Workers = workers;
        TestSiloSettings.SceneDelay = sceneDelay;
        TestSiloSettings.RunScenes = runScenes;
        TestSiloSettings.HandBackOnStop = handBackOnStop;
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ClusterWorld(world, cluster, reference);
    }

    /// <summary>The batch's settings, writing into <paramref name="output"/>.</summary>
    public ClusterBatchSpec Spec(string output) => new()
    {
        OutputDirectory = output,
        ModelPath = BatchWorld.ModelPath,
        SurveyPath = World.SurveyPath,
        CurrentSurveyPath = World.CurrentSurveyPath,
        Threads = 1,
    };

    /// <summary>The batch's outputs are those of the single-machine run: every feature and the same bytes, and the same figures.</summary>
    public void AssertSameAsSingleMachine(string output)
    {
        BatchAssert.SameOutput(Path.Combine(Reference, "tuban.gpkg"), Path.Combine(output, "tuban.gpkg"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(Reference, "tuban.gpkg")), File.ReadAllBytes(Path.Combine(output, "tuban.gpkg")));
        Assert.Equal(File.ReadAllText(Path.Combine(Reference, "regions.csv")), File.ReadAllText(Path.Combine(output, "regions.csv")));
        // Every scene's polygons once: one file per scene key, nothing half-written, and each the same as on one machine.
        var files = Directory.GetFiles(Path.Combine(output, "scenes")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(BatchWorld.Windows.Select(w => w.Key + ".gpkg").Order(StringComparer.Ordinal), files);
        foreach (var file in files)
            BatchAssert.SameOutput(Path.Combine(Reference, "scenes", file!), Path.Combine(output, "scenes", file!));
    }

    public async ValueTask DisposeAsync()
    {
        try { await Cluster.StopAllSilosAsync(); }
        catch (Exception) { /* a killed silo may refuse to stop twice */ }
        await Cluster.DisposeAsync();
        World.Dispose();
        _dir.Dispose();
    }
}
