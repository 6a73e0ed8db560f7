using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using WeiPian.Cluster;
using WeiPian.Cluster.Hosting;
using WeiPian.Engine;

namespace WeiPian.Cli.Commands;

/// <summary>
/// <c>weipian silo</c>: starts one silo of a reprocessing cluster and runs until Ctrl+C or SIGTERM (a clean stop hands
/// its unfinished scenes back). <c>weipian reprocess --cluster</c> submits batches to the cluster.
/// </summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster")
        {
            Description = "Membership store: localhost[:PRIMARY_PORT] (one machine; the silo on PRIMARY_PORT, default 11111, is the primary), redis:HOST:PORT, or postgres:Host=...;Username=...;Password=...;Database=...",
            DefaultValueFactory = _ => "localhost",
        };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port", DefaultValueFactory = _ => ClusterConnection.DefaultSiloPort };
        var gateway = new Option<int>("--gateway-port") { Description = "Port clients connect to", DefaultValueFactory = _ => ClusterConnection.DefaultGatewayPort };
        var workers = new Option<string>("--workers")
        {
            Description = "Scenes run at once on this silo: a number, 'cores' (the processor count) or 'gpus' (the NVIDIA devices, one inference lane each)",
            DefaultValueFactory = _ => "cores",
        };
        var name = new Option<string?>("--name") { Description = "The silo's name in progress displays (default: host and port)" };
        var storage = new Option<string?>("--storage") { Description = "Grain state: memory, folder:PATH (survives silos dying on one machine or a shared POSIX folder), redis or postgres (default: the cluster store; memory on localhost)" };
        var shared = new Option<string?>("--shared") { Description = "The shared folder every silo reaches at the same path (scenes, surveys, model, batch folders): checked to be readable and writable at start" };
        var advertise = new Option<string?>("--advertise") { Description = "The address other machines reach this silo at (default: the first non-loopback IPv4 address; loopback when the store is on this machine)" };
        var lease = new Option<double>("--lease") { Description = "Seconds a scene stays with a silo without renewal; a dead silo's scenes come back after at most this long", DefaultValueFactory = _ => 60 };
        var clusterId = new Option<string>("--cluster-id") { Description = "Silos and clients with the same id form one cluster", DefaultValueFactory = _ => "weipian" };
        var fastFailure = new Option<bool>("--fast-failure") { Description = "Declare a silo dead after 3 missed one-second probes (tests, one machine)" };
        var grainsOnly = new Option<bool>("--no-scenes") { Description = "Host batches but run no scenes here" };
        var noOp = new Option<bool>("--no-op-scenes") { Description = "Run no detection: report every scene failed at once (measures the cluster's own cost per scene)", Hidden = true };
        var command = new Command("silo", "Starts a silo of a reprocessing cluster (Microsoft Orleans): it runs scenes of submitted batches until stopped (Ctrl+C, SIGTERM).")
        {
            cluster, port, gateway, workers, name, storage, shared, advertise, lease, clusterId, fastFailure, grainsOnly, noOp,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(shared) is { } root) CheckShared(root);
            var connection = ClusterConnection.Parse(parse.GetValue(cluster)!);
            var n = Workers(parse.GetValue(workers)!);
            var options = new SiloHostOptions
            {
                Connection = connection,
                SiloPort = parse.GetValue(port),
                GatewayPort = parse.GetValue(gateway),
                AdvertisedAddress = parse.GetValue(advertise) is { } a ? IPAddress.Parse(a) : null,
                Storage = parse.GetValue(storage),
                ClusterId = parse.GetValue(clusterId)!,
                Work = new SceneWorkOptions { Workers = n, SiloName = parse.GetValue(name), RunScenes = !parse.GetValue(grainsOnly) },
                Batch = new ClusterBatchOptions { LeaseDuration = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(lease))) },
                NoOpScenes = parse.GetValue(noOp),
                FastFailureDetection = parse.GetValue(fastFailure),
            };
            using var host = ClusterHosting.BuildSilo(options);
            await host.StartAsync(ct);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"weipian: silo {options.Work.SiloName ?? "(unnamed)"} up: port {options.SiloPort}, gateway {options.GatewayPort}, {(options.Work.RunScenes ? $"{n} scene(s) at once" : "no scenes")}, cluster {parse.GetValue(cluster)}; Ctrl+C stops it"));
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop cleanly below.
            }
            Console.Error.WriteLine("weipian: silo stopping; its unfinished scenes go back to the batch");
            using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StopAsync(stopTimeout.Token);
            return 0;
        });
        return command;
    }

    private static int Workers(string text)
    {
        if (text.Equals("cores", StringComparison.OrdinalIgnoreCase)) return Environment.ProcessorCount;
        if (text.Equals("gpus", StringComparison.OrdinalIgnoreCase))
        {
            var gpus = Directory.Exists("/dev") ? Directory.EnumerateFiles("/dev", "nvidia*").Count(f => int.TryParse(Path.GetFileName(f)["nvidia".Length..], out _)) : 0;
            return gpus > 0 ? gpus : throw new InputException("--workers gpus: no NVIDIA device (/dev/nvidia0...) on this machine.");
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new InputException($"--workers {text}: give a number of at least 1, 'cores' or 'gpus'.");
    }

    private static void CheckShared(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"--shared {root}: the shared folder is not there (mount it at the same path on every machine).");
        var probe = Path.Combine(root, $".weipian-probe-{Environment.MachineName}-{Environment.ProcessId}");
        try
        {
            File.WriteAllText(probe, "probe");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"--shared {root}: cannot write there ({e.Message}); silos write scene files and outputs into batch folders on it.", e);
        }
    }
}
