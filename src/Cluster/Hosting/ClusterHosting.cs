using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using WeiPian.Cluster.Storage;
using WeiPian.Cluster.Work;
using WeiPian.Engine;

namespace WeiPian.Cluster.Hosting;

/// <summary>Where the cluster keeps its membership, grain state and reminders.</summary>
public enum ClusterStoreKind
{
    /// <summary>One machine: the first silo (the primary) keeps the membership; in-memory state.</summary>
    Localhost,
    /// <summary>Redis (StackExchange.Redis connection string).</summary>
    Redis,
    /// <summary>PostgreSQL through Orleans' ADO.NET providers and Npgsql (the Orleans tables must exist).</summary>
    Postgres,
}

/// <summary>
/// A cluster connection as the command line gives it: <c>localhost</c> (or <c>localhost:PRIMARY_PORT</c> for a silo,
/// <c>localhost:GATEWAY,GATEWAY,...</c> for a client), <c>redis:HOST:PORT[,options]</c>, or
/// <c>postgres:Host=...;Port=...;Username=...;Password=...;Database=...</c>.
/// </summary>
/// <param name="Kind">The store.</param>
/// <param name="ConnectionString">Redis or Npgsql connection string; null for localhost.</param>
/// <param name="Ports">For localhost: the primary silo's port (silos) or the gateway ports (clients).</param>
public sealed record ClusterConnection(ClusterStoreKind Kind, string? ConnectionString, IReadOnlyList<int> Ports)
{
    /// <summary>The primary silo's port of a localhost cluster.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>The first silo's gateway port.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>Reads a connection; throws <see cref="ArgumentException"/> naming the accepted forms.</summary>
    public static ClusterConnection Parse(string text)
    {
        var t = text.Trim();
        if (t.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new(ClusterStoreKind.Localhost, null, []);
        if (t.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            var ports = t["localhost:".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and < 65536 ? n
                    : throw new InputException($"cluster '{text}': '{p}' is not a port.")).ToList();
            return new(ClusterStoreKind.Localhost, null, ports);
        }
        foreach (var prefix in new[] { "redis://", "redis:" })
            if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && t.Length > prefix.Length)
                return new(ClusterStoreKind.Redis, t[prefix.Length..], []);
        foreach (var prefix in new[] { "postgres:", "postgresql:" })
            if (t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && t.Length > prefix.Length)
                return new(ClusterStoreKind.Postgres, t[prefix.Length..], []);
        throw new InputException($"cluster '{text}': use localhost[:PORTS], redis:HOST:PORT or postgres:Host=...;Username=...;Password=...;Database=...");
    }
}

/// <summary>How <c>weipian silo</c> starts a silo.</summary>
public sealed class SiloHostOptions
{
    /// <summary>Membership (and by default state and reminders).</summary>
    public required ClusterConnection Connection { get; init; }

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; init; } = ClusterConnection.DefaultSiloPort;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; init; } = ClusterConnection.DefaultGatewayPort;

    /// <summary>The address other machines reach this silo at; null for loopback on localhost, else the first non-loopback address.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>Grain state: null to follow the connection (memory on localhost), "memory", or "folder:PATH".</summary>
    public string? Storage { get; init; }

    /// <summary>Cluster id: silos and clients with the same one form a cluster.</summary>
    public string ClusterId { get; init; } = "weipian";

    /// <summary>Service id: stays the same across deployments (grain state is keyed by it).</summary>
    public string ServiceId { get; init; } = "weipian-reprocess";

    /// <summary>The silo's scene work.</summary>
    public SceneWorkOptions Work { get; init; } = new();

    /// <summary>The batches' leases.</summary>
    public ClusterBatchOptions Batch { get; init; } = new();

    /// <summary>Run no-op scenes (to measure the cluster's own cost per scene).</summary>
    public bool NoOpScenes { get; init; }

    /// <summary>Faster failure detection (probes every second, a silo dead after 3 missed): for tests and one-machine clusters.</summary>
    public bool FastFailureDetection { get; init; }
}

/// <summary>Builds WeiPian silos and clients.</summary>
public static class ClusterHosting
{
    /// <summary>
    /// The WeiPian grains' services on a silo: the scene work loop, the scene runner (the single-machine
    /// <see cref="WeiPian.Engine.Batch.SceneWorker"/>, or no-op), and the options. The silo must also have a grain
    /// storage named <see cref="ClusterStorage.Name"/> and a reminder service (<see cref="UseClusterStore"/> adds them).
    /// </summary>
    public static ISiloBuilder AddWeiPianWork(this ISiloBuilder silo, Action<SceneWorkOptions>? work = null, Action<ClusterBatchOptions>? batch = null,
        bool noOpScenes = false)
    {
        silo.Services.AddOptions<SceneWorkOptions>().Configure(o => work?.Invoke(o));
        silo.Services.AddOptions<ClusterBatchOptions>().Configure(o => batch?.Invoke(o));
        if (noOpScenes) silo.Services.AddSingleton<ISceneRunnerFactory, NoOpSceneRunner.Factory>();
        else silo.Services.AddSingleton<ISceneRunnerFactory, SceneWorkerRunner.Factory>();
        silo.Services.AddSingleton<Orleans.Metadata.IGrainPropertiesProvider, Grains.SceneLanesProvider>();
        silo.Services.AddSingleton<ScenePump>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ScenePump>());
        return silo;
    }

    /// <summary>Grain storage named <see cref="ClusterStorage.Name"/> in a folder (<see cref="FolderGrainStorage"/>).</summary>
    public static ISiloBuilder AddFolderGrainStorage(this ISiloBuilder silo, string name, string folder)
    {
        silo.Services.AddGrainStorage(name, (sp, _) => new FolderGrainStorage(folder, sp.GetRequiredService<Serializer>()));
        return silo;
    }

    /// <summary>Clustering, grain storage and reminders from the options' connection and storage.</summary>
    public static ISiloBuilder UseClusterStore(this ISiloBuilder silo, SiloHostOptions o)
    {
        var c = o.Connection;
        silo.Configure<ClusterOptions>(x =>
        {
            x.ClusterId = o.ClusterId;
            x.ServiceId = o.ServiceId;
        });
        switch (c.Kind)
        {
            case ClusterStoreKind.Localhost:
                var primary = c.Ports.Count > 0 ? c.Ports[0] : ClusterConnection.DefaultSiloPort;
                silo.UseLocalhostClustering(o.SiloPort, o.GatewayPort, new IPEndPoint(IPAddress.Loopback, primary), o.ServiceId, o.ClusterId);
                silo.UseInMemoryReminderService();
                break;
            case ClusterStoreKind.Redis:
                silo.UseRedisClustering(c.ConnectionString!);
                silo.UseRedisReminderService(x => x.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(c.ConnectionString!));
                silo.ConfigureEndpoints(o.AdvertisedAddress ?? DefaultAddress(c.ConnectionString!), o.SiloPort, o.GatewayPort, listenOnAnyHostAddress: true);
                break;
            case ClusterStoreKind.Postgres:
                silo.UseAdoNetClustering(x =>
                {
                    x.Invariant = "Npgsql";
                    x.ConnectionString = c.ConnectionString;
                });
                silo.UseAdoNetReminderService(x =>
                {
                    x.Invariant = "Npgsql";
                    x.ConnectionString = c.ConnectionString;
                });
                silo.ConfigureEndpoints(o.AdvertisedAddress ?? DefaultAddress(c.ConnectionString!), o.SiloPort, o.GatewayPort, listenOnAnyHostAddress: true);
                break;
        }

        var storage = o.Storage ?? (c.Kind == ClusterStoreKind.Localhost ? "memory" : c.Kind.ToString().ToLowerInvariant());
        if (storage.Equals("memory", StringComparison.OrdinalIgnoreCase)) silo.AddMemoryGrainStorage(ClusterStorage.Name);
        else if (storage.StartsWith("folder:", StringComparison.OrdinalIgnoreCase)) silo.AddFolderGrainStorage(ClusterStorage.Name, storage["folder:".Length..]);
        else if (storage.Equals("redis", StringComparison.OrdinalIgnoreCase) && c.Kind == ClusterStoreKind.Redis)
            silo.AddRedisGrainStorage(ClusterStorage.Name, x => x.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(c.ConnectionString!));
        else if (storage.Equals("postgres", StringComparison.OrdinalIgnoreCase) && c.Kind == ClusterStoreKind.Postgres)
            silo.AddAdoNetGrainStorage(ClusterStorage.Name, x =>
            {
                x.Invariant = "Npgsql";
                x.ConnectionString = c.ConnectionString;
            });
        else throw new InputException($"storage '{storage}': use memory, folder:PATH, or the store of the cluster connection (redis, postgres).");

        if (o.FastFailureDetection)
            silo.Configure<ClusterMembershipOptions>(x =>
            {
                x.ProbeTimeout = TimeSpan.FromSeconds(1);
                x.NumMissedProbesLimit = 3;
                x.NumVotesForDeathDeclaration = 1;
                x.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
        return silo;
    }

    /// <summary>A silo host: the store, the WeiPian work, console logging at warning level (information for WeiPian).</summary>
    public static IHost BuildSilo(SiloHostOptions o, LogLevel weipianLog = LogLevel.Information)
    {
        var builder = Host.CreateApplicationBuilder();
        ConfigureLogging(builder.Logging, weipianLog);
        builder.UseOrleans(silo =>
        {
            silo.UseClusterStore(o);
            silo.AddWeiPianWork(w =>
            {
                w.Workers = o.Work.Workers;
                w.RunScenes = o.Work.RunScenes;
                w.SiloName = o.Work.SiloName;
                w.PollInterval = o.Work.PollInterval;
                w.HandBackOnStop = o.Work.HandBackOnStop;
            }, b =>
            {
                b.LeaseDuration = o.Batch.LeaseDuration;
                b.CheckInterval = o.Batch.CheckInterval;
                b.MaxAttempts = o.Batch.MaxAttempts;
                b.ReminderPeriod = o.Batch.ReminderPeriod;
            }, o.NoOpScenes);
            if (o.Work.SiloName is { } name) silo.Configure<SiloOptions>(x => x.SiloName = name);
        });
        return builder.Build();
    }

    /// <summary>A client host for the connection (for localhost: the gateway ports given, else 30000).</summary>
    public static IHost BuildClient(ClusterConnection c, string clusterId = "weipian", string serviceId = "weipian-reprocess")
    {
        var builder = Host.CreateApplicationBuilder();
        ConfigureLogging(builder.Logging, LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Error);   // a client sees connections to dying silos reset: expected, not news
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);   // a start given up (no silo) is reported by the caller, in one line
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(x =>
            {
                x.ClusterId = clusterId;
                x.ServiceId = serviceId;
            });
            switch (c.Kind)
            {
                case ClusterStoreKind.Localhost:
                    client.UseLocalhostClustering(c.Ports.Count > 0 ? [.. c.Ports] : [ClusterConnection.DefaultGatewayPort], serviceId, clusterId);
                    break;
                case ClusterStoreKind.Redis:
                    client.UseRedisClustering(c.ConnectionString!);
                    break;
                case ClusterStoreKind.Postgres:
                    client.UseAdoNetClustering(x =>
                    {
                        x.Invariant = "Npgsql";
                        x.ConnectionString = c.ConnectionString;
                    });
                    break;
            }
        });
        return builder.Build();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel weipian)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(x =>
        {
            x.SingleLine = true;
            x.TimestampFormat = "HH:mm:ss ";
        });
        logging.AddConsole(x => x.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddFilter("WeiPian", weipian);
    }

    // The store is reached at this machine's own address when it runs here (loopback), else advertise the first
    // non-loopback IPv4 address of this machine.
    private static IPAddress DefaultAddress(string connection)
    {
        var host = connection.Split(',', ';')[0];
        if (host.Contains("127.0.0.1", StringComparison.Ordinal) || host.Contains("localhost", StringComparison.OrdinalIgnoreCase)) return IPAddress.Loopback;
        var addresses = Dns.GetHostAddresses(Dns.GetHostName());
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
    }
}
