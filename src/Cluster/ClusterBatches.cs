using System.Security.Cryptography;
using System.Text;
using WeiPian.Cluster.Grains;
using WeiPian.Engine;
using WeiPian.Engine.Batch;

namespace WeiPian.Cluster;

/// <summary>What a client does with a cluster batch: submit it, follow it, cancel it.</summary>
public static class ClusterBatches
{
    /// <summary>
    /// The default batch id of a batch folder: its name and a hash of its full path, so the same command submits
    /// (or re-attaches to) the same batch.
    /// </summary>
    public static string DefaultId(string outputDirectory)
    {
        var full = Path.GetFullPath(outputDirectory).TrimEnd(Path.DirectorySeparatorChar);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(full)))[..8];
        return SceneJob.KeyFrom(Path.GetFileName(full)) + "-" + hash;
    }

    /// <summary>Submits a batch (idempotent: the same batch again returns its status).</summary>
    /// <exception cref="InputException">Another batch (other settings or scenes) exists under that id.</exception>
    public static async Task<ClusterBatchStatus> SubmitAsync(IGrainFactory grains, string batchId, ClusterBatchSpec spec, IEnumerable<SceneJob> jobs)
    {
        try
        {
            return await grains.GetGrain<IReprocessBatchGrain>(batchId).SubmitAsync(spec, [.. jobs.Select(ClusterSceneJob.From)]);
        }
        catch (ArgumentException e)
        {
            // The grain refuses with ArgumentException, a type every Orleans peer can deserialise; to callers it is input.
            throw new InputException(e.Message, e);
        }
    }

    /// <summary>The batch's status.</summary>
    public static Task<ClusterBatchStatus> StatusAsync(IGrainFactory grains, string batchId) =>
        grains.GetGrain<IReprocessBatchGrain>(batchId).GetStatusAsync();

    /// <summary>
    /// The batch's status, asked again every <paramref name="interval"/> while the cluster cannot answer: just after a
    /// silo is lost, calls routed through its share of the grain directory fail until the others take it over.
    /// </summary>
    /// <param name="grains">The client's grain factory.</param>
    /// <param name="batchId">The batch.</param>
    /// <param name="interval">Time between tries.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="timeout">How long to keep asking; null for 120 tries.</param>
    /// <exception cref="OperationCanceledException">Cancelled while waiting.</exception>
    /// <exception cref="TimeoutException">No answer within <paramref name="timeout"/>; the message gives the last error.</exception>
    public static async Task<ClusterBatchStatus> StatusAsync(IGrainFactory grains, string batchId, TimeSpan interval, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var errors = 0; ;)
        {
            try
            {
                var call = StatusAsync(grains, batchId).WaitAsync(cancellationToken);
                return timeout is { } t ? await call.WaitAsync(Remaining(t, clock), cancellationToken) : await call;
            }
            catch (Exception e) when (e is not OperationCanceledException && (timeout is null ? ++errors < 120 : clock.Elapsed + interval < timeout))
            {
                await Task.Delay(interval, cancellationToken);
            }
            catch (Exception e) when (timeout is { } t && e is not OperationCanceledException)
            {
                var why = e is TimeoutException ? "no answer" : e.Message.ReplaceLineEndings(" ");
                throw new TimeoutException($"The cluster did not answer within {t.TotalSeconds:0.#} s (last: {why}).", e);
            }
        }
    }

    private static TimeSpan Remaining(TimeSpan timeout, System.Diagnostics.Stopwatch clock)
    {
        var left = timeout - clock.Elapsed;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Cancels a batch.</summary>
    public static Task<ClusterBatchStatus> CancelAsync(IGrainFactory grains, string batchId) =>
        grains.GetGrain<IReprocessBatchGrain>(batchId).CancelAsync();

    /// <summary>
    /// Polls the batch until it is over, reporting each status; a status call that fails (the batch is moving to
    /// another silo) is retried.
    /// </summary>
    /// <exception cref="OperationCanceledException">Stopped following (the batch goes on).</exception>
    public static async Task<ClusterBatchStatus> FollowAsync(IGrainFactory grains, string batchId, IProgress<ClusterBatchStatus>? progress,
        TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        var every = interval ?? TimeSpan.FromSeconds(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var status = await StatusAsync(grains, batchId, every, cancellationToken);
            progress?.Report(status);
            if (status.IsOver || status.Phase == BatchPhase.None) return status;
            await Task.Delay(every, cancellationToken);
        }
    }
}
