using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WeiPian.Cluster;
using WeiPian.Cluster.Hosting;
using WeiPian.Engine;
using WeiPian.Engine.Batch;

namespace WeiPian.Cli.Commands;

/// <summary>
/// <c>weipian reprocess --cluster</c>: submit the manifest to a cluster of silos and follow it (scenes done, failed,
/// running, per silo), or detach and attach again later. Ctrl+C while following detaches: the batch goes on.
/// </summary>
internal static partial class ReprocessCommand
{
    /// <summary>Exit code when the batch's merge failed on the cluster.</summary>
    private const int MergeFailed = 1;

    /// <summary>Seconds <c>--connect-timeout</c> waits by default for the cluster's first answer.</summary>
    private const double DefaultConnectTimeout = 30;

    private static TimeSpan ConnectTimeout(double seconds) => seconds is > 0 and <= 86_400
        ? TimeSpan.FromSeconds(seconds)
        : throw new InputException(string.Create(CultureInfo.InvariantCulture,
            $"--connect-timeout {seconds}: give the seconds to wait for the cluster, more than 0 and at most 86400 (default {DefaultConnectTimeout})."));

    private static async Task<int> SubmitAsync(string connection, string manifestPath, ClusterBatchSpec spec, string? id, bool detach, bool allowNonEmpty,
        TimeSpan patience, CancellationToken ct)
    {
        var jobs = SceneManifest.Read(manifestPath);
        // The silos need every input at the same path: check them here, before the cluster spends hours on scenes.
        ReprocessBatch.Validate(jobs, spec.ToBatchSettings());
        var batchId = id ?? ClusterBatches.DefaultId(spec.OutputDirectory);
        if (!SceneJob.IsValidKey(batchId)) throw new InputException($"--batch-id {batchId}: use letters, digits, '-', '_' and '.'.");
        BatchFolder.Check(spec.OutputDirectory, allowNonEmpty);
        using var host = await StartClientAsync(connection, patience, ct);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        await FirstAnswerAsync(grains, connection, batchId, patience, ct);
        // Marks the folder as the batch's, for the next submit; only now that the cluster answered, so a refusal leaves no folder.
        Directory.CreateDirectory(Path.Combine(spec.OutputDirectory, BatchFolder.OwnName));
        var status = await ClusterBatches.SubmitAsync(grains, batchId, spec, jobs);
        Console.Error.WriteLine($"weipian: batch {batchId}: {status.Total} scenes on the cluster ({status.Done} done, {status.Running} running)");
        if (detach)
        {
            Console.WriteLine(batchId);
            Console.Error.WriteLine($"weipian: detached; follow it with: weipian reprocess --cluster {connection} --attach {batchId}");
            return 0;
        }
        return await FollowAsync(grains, connection, batchId, ct);
    }

    private static async Task<int> AttachAsync(string connection, string batchId, bool cancel, TimeSpan patience, CancellationToken ct)
    {
        using var host = await StartClientAsync(connection, patience, ct);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        // Patiently (up to --connect-timeout): attaching right after a silo was lost is what a user does to see how the batch copes.
        var status = await FirstAnswerAsync(grains, connection, batchId, patience, ct);
        if (cancel)
        {
            var cancelled = await ClusterBatches.CancelAsync(grains, batchId);
            Console.WriteLine($"batch {batchId}: {cancelled.Phase.ToString().ToLowerInvariant()} ({cancelled.Done} done, {cancelled.Failed} failed, {cancelled.Pending} not run)");
            return 0;
        }
        if (status.Phase == BatchPhase.None) throw new InputException($"--attach {batchId}: the cluster has no such batch.");
        return await FollowAsync(grains, connection, batchId, ct);
    }

    private static async Task<IHost> StartClientAsync(string connection, TimeSpan patience, CancellationToken ct)
    {
        var parsed = ClusterConnection.Parse(connection);
        var seconds = patience.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"weipian: waiting for {Describe(parsed)} to answer (giving up after {seconds} s, --connect-timeout)");
        var host = ClusterHosting.BuildClient(parsed);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(patience);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            host.Dispose();
            throw NoAnswer(connection, parsed, patience, "no connection");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            throw NoAnswer(connection, parsed, patience, e.Message);
        }
        return host;
    }

    private static async Task<ClusterBatchStatus> FirstAnswerAsync(IGrainFactory grains, string connection, string batchId, TimeSpan patience, CancellationToken ct)
    {
        try
        {
            return await ClusterBatches.StatusAsync(grains, batchId, TimeSpan.FromSeconds(1), ct, patience);
        }
        catch (TimeoutException e)
        {
            throw NoAnswer(connection, ClusterConnection.Parse(connection), patience, e.InnerException?.Message ?? e.Message);
        }
    }

    private static InputException NoAnswer(string connection, ClusterConnection parsed, TimeSpan patience, string why) => new(string.Create(CultureInfo.InvariantCulture,
        $"--cluster {connection}: {Describe(parsed)} did not answer within {patience.TotalSeconds:0.#} s ({why.ReplaceLineEndings(" ").TrimEnd('.')}); is a `weipian silo` running with that store? (--connect-timeout waits longer)"));

    private static string Describe(ClusterConnection c) => c.Kind switch
    {
        ClusterStoreKind.Localhost => $"a silo's gateway on localhost port {string.Join(", ", c.Ports.Count > 0 ? c.Ports : [ClusterConnection.DefaultGatewayPort])}",
        ClusterStoreKind.Redis => "the silos registered in Redis",
        _ => "the silos registered in PostgreSQL",
    };

    private static async Task<int> FollowAsync(IGrainFactory grains, string connection, string batchId, CancellationToken ct)
    {
        ClusterBatchStatus status;
        try
        {
            using var display = new ClusterProgressDisplay(Console.Error);
            status = await ClusterBatches.FollowAsync(grains, batchId, display, TimeSpan.FromSeconds(1), ct);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"weipian: stopped following; batch {batchId} goes on. Attach again with: weipian reprocess --cluster {connection} --attach {batchId}");
            return CliErrors.Cancelled;
        }
        Console.Write(Render(status));
        return status.Phase switch
        {
            BatchPhase.Finished => status.Failed > 0 ? ScenesFailed : 0,
            BatchPhase.Cancelled => CliErrors.Cancelled,
            _ => MergeFailed,
        };
    }

    private static string Render(ClusterBatchStatus s)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append(inv, $"batch {s.BatchId}: {s.Phase.ToString().ToLowerInvariant()}\n");
        sb.Append(inv, $"scenes: {s.Total} in the manifest, {s.Done} done, {s.Failed} failed");
        if (s.Requeued + s.Released > 0) sb.Append(inv, $"; {s.Requeued} taken back from lost silos, {s.Released} handed back by stopping silos");
        if (s.Duplicates > 0) sb.Append(inv, $"; {s.Duplicates} run twice (recorded once)");
        sb.Append('\n');
        foreach (var silo in s.Silos) sb.Append(inv, $"silo {silo.Silo}: {silo.Done} done, {silo.Failed} failed, {silo.Lost} lost\n");
        foreach (var line in s.Summary) sb.Append(line).Append('\n');
        foreach (var failure in s.Failures) sb.Append("FAILED ").Append(failure).Append('\n');
        if (s.Error is { } error) sb.Append("MERGE FAILED: ").Append(error).Append('\n');
        foreach (var path in s.Outputs) sb.Append("wrote ").Append(path).Append('\n');
        if (s.FinishedUtc is { } end)
        {
            var scenes = (s.ScenesFinishedUtc ?? end) - s.SubmittedUtc;
            sb.Append(inv, $"in {(end - s.SubmittedUtc).TotalSeconds:0.0} s (scenes {scenes.TotalSeconds:0.0} s, {s.ScenesPerMinute(end):0.0} scenes/min)\n");
        }
        return sb.ToString();
    }

    /// <summary>
    /// The cluster batch's progress: on a terminal one line redrawn in place; in a log a line whenever the counts
    /// change (scenes done/failed/running, per silo).
    /// </summary>
    private sealed class ClusterProgressDisplay(TextWriter writer) : IProgress<ClusterBatchStatus>, IDisposable
    {
        private readonly bool _terminal = !Console.IsErrorRedirected;
        private string? _last;
        private bool _open;

        public void Report(ClusterBatchStatus s)
        {
            var inv = CultureInfo.InvariantCulture;
            var silos = string.Join("; ", s.Silos.Select(x => string.Create(inv, $"{x.Silo} {x.Done}/{x.Running}{(x.Lost > 0 ? $"/lost {x.Lost}" : "")}")));
            var line = string.Create(inv,
                $"[{s.Phase.ToString().ToLowerInvariant()}] scenes {s.Done + s.Failed}/{s.Total}: {s.Done} done, {s.Failed} failed, {s.Running} running; {s.ScenePolygons} polygons; {s.ScenesPerMinute(DateTime.UtcNow):0.0} scenes/min | per silo done/running: {silos}");
            if (_terminal)
            {
                writer.Write("\r\u001b[K" + line);
                _open = true;
            }
            else
            {
                var key = line[..line.IndexOf(" scenes/min", StringComparison.Ordinal)];
                key = key[..key.LastIndexOf(';')] + line[line.IndexOf('|')..];
                if (key == _last) return;
                _last = key;
                writer.WriteLine(string.Create(inv, $"{DateTime.Now:HH:mm:ss} {line}"));
            }
        }

        public void Dispose()
        {
            if (_open) writer.WriteLine();
            _open = false;
        }
    }
}
