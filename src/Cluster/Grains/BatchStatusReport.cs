using WeiPian.Engine.Batch;

namespace WeiPian.Cluster.Grains;

/// <summary>
/// What a batch's status call reports, counted from its stored state: scenes per state, per silo (done, failed,
/// running, lost) and the failures, so the status a client sees is the same whichever silo holds the batch.
/// </summary>
internal static class BatchStatusReport
{
    /// <summary>The status of batch <paramref name="batchId"/> as its manifest and progress stand now.</summary>
    public static ClusterBatchStatus Of(string batchId, BatchManifestState manifest, BatchProgressState progress)
    {
        var s = new ClusterBatchStatus
        {
            BatchId = batchId,
            Phase = manifest.Spec is null ? BatchPhase.None : progress.Phase,
            Total = progress.Scenes.Count,
            Requeued = progress.Requeued,
            Released = progress.Released,
            Duplicates = progress.Duplicates,
            SubmittedUtc = manifest.SubmittedUtc,
            ScenesFinishedUtc = progress.ScenesFinishedUtc,
            FinishedUtc = progress.FinishedUtc,
            Summary = progress.Summary,
            Outputs = progress.Outputs,
            Error = progress.Error,
        };
        var silos = new SortedDictionary<string, SiloCounts>(StringComparer.Ordinal);
        SiloCounts Silo(string name) => silos.TryGetValue(name, out var c) ? c : silos[name] = new SiloCounts { Silo = name };
        foreach (var e in progress.Scenes)
        {
            switch (e.State)
            {
                case SceneState.Done:
                    s.Done++;
                    s.ScenePolygons += e.Polygons;
                    Silo(e.SiloName ?? "?").Done++;
                    break;
                case SceneState.Failed:
                    s.Failed++;
                    s.Failures.Add($"{e.Key}: {e.Error}");
                    if (e.SiloName is { } n) Silo(n).Failed++;
                    break;
                case SceneState.Running:
                    s.Running++;
                    Silo(e.SiloName ?? "?").Running++;
                    break;
                default:
                    s.Pending++;
                    break;
            }
        }
        foreach (var (name, lost) in progress.LostBySilo) Silo(name).Lost += lost;
        s.Silos = [.. silos.Values];
        return s;
    }
}
