using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WeiPian.Engine.Survey;

namespace WeiPian.Engine.Batch;

/// <summary>
/// The year-end bulk reprocessing (年度评估): runs every scene pair of a manifest through <see cref="SceneWork"/> in
/// parallel, keeps a journal so that a crashed or killed run resumes where it stopped, then merges the scenes'
/// polygons, numbers them, links them to earlier polygons and writes the regional figures and reports.
/// </summary>
/// <remarks>
/// <para>Resuming gives exactly the output of an uninterrupted run: a scene's file is written atomically and recorded
/// done (with its SHA-256) only after it is in place, so each scene is either done with an intact file or run again
/// from the start; a scene's polygons depend only on the scene, the model, the surveys and the options; and everything
/// after the scenes (merge, numbering, links, figures) is recomputed from the scene files in manifest order on every
/// run, with JCBH from <see cref="JcbhNumbering"/>, which does not look at the order scenes ran in.</para>
/// <para>Writes into the batch folder: <c>journal.sqlite</c>, <c>scenes/&lt;key&gt;.gpkg</c>, <c>tuban.gpkg</c> (merged),
/// <c>regions.csv</c>, <c>ratio.csv</c> (with judgements), <c>report.md</c>, <c>report.html</c>. One run at a time per
/// folder (a lock file says so).</para>
/// </remarks>
public static class ReprocessBatch
{
    /// <summary>Runs (or resumes) a batch.</summary>
    /// <param name="jobs">The manifest's jobs in order (see <see cref="SceneManifest.Read"/>).</param>
    /// <param name="settings">Model, surveys, options, workers, outputs.</param>
    /// <param name="progress">Receives a report when a scene starts or ends and at each later stage.</param>
    /// <param name="cancellationToken">Stops the run: running scenes go back to pending, nothing half-written remains.</param>
    /// <returns>What was done; failed scenes are listed, not thrown.</returns>
    /// <exception cref="InputException">Another run holds the batch folder.</exception>
    /// <exception cref="SurveyException">The survey lacks a layer or field.</exception>
    /// <exception cref="InputException">The judgements file is malformed.</exception>
    public static async Task<BatchReport> RunAsync(IReadOnlyList<SceneJob> jobs, BatchSettings settings, IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Workers, 1, nameof(settings.Workers));
        if (jobs.Count == 0) throw new ArgumentException("The batch has no scenes.", nameof(jobs));
        var duplicate = jobs.GroupBy(j => j.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Scene key '{duplicate.Key}' is used twice.", nameof(jobs));
        var clock = Stopwatch.StartNew();

        // Check batch-wide inputs before hours of work.
        if (!File.Exists(settings.ModelPath)) throw new FileNotFoundException($"Model file '{settings.ModelPath}' does not exist.", settings.ModelPath);
        LandSurvey.Validate(settings.SurveyPath, settings.Detection.Survey);
        if (settings.CurrentSurveyPath is { } current) LandSurvey.Validate(current, settings.Detection.Survey);
        var judgements = settings.JudgementsPath is { } jp ? Judgements.Read(jp) : null;
        if (settings.PreviousPath is { } pp && !File.Exists(pp) && !Directory.Exists(pp))
            throw new FileNotFoundException($"Earlier polygons '{pp}' do not exist.", pp);

        Directory.CreateDirectory(settings.OutputDirectory);
        using var folderLock = Lock(settings.OutputDirectory);
        var scene = settings.SceneSettings();
        CleanUp(settings);
        using var journal = BatchJournal.Open(settings.JournalPath);
        var settingsFingerprint = scene.Fingerprint();
        var sync = journal.Synchronise(jobs, j => Hash(j.Fingerprint() + settingsFingerprint));
        var keys = jobs.Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
        var records = journal.Scenes().Where(r => keys.Contains(r.Key)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var pending = jobs.Where(j => records[j.Key].State == SceneState.Pending).ToList();
        var runId = journal.BeginRun(jobs.Count, sync.AlreadyDone, sync.Interrupted);

        var tracker = new Tracker(jobs.Count, sync.AlreadyDone, records.Values.Where(r => r.State == SceneState.Done).Sum(r => (long)(r.Polygons ?? 0)), progress, clock);
        tracker.Report(BatchStage.Scenes, sync.AlreadyDone > 0 ? $"resuming: {sync.AlreadyDone} scene(s) already done" : null);
        try
        {
            await RunScenesAsync(pending, scene, settings.Workers, journal, tracker, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            journal.EndRun(runId, tracker.Failed, "cancelled");
            throw;
        }

        // Everything below is recomputed from the scene files on every run.
        var final = journal.Scenes().Where(r => keys.Contains(r.Key)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var done = jobs.Where(j => final[j.Key].State == SceneState.Done).Select(j => (j.Key, final[j.Key].Output!)).ToList();
        var failures = jobs.Where(j => final[j.Key].State == SceneState.Failed).Select(j => (j.Key, final[j.Key].Error ?? "failed")).ToList();
        var report = await MergeAndReportAsync(jobs, settings, done, failures, judgements, sync, pending.Count, clock, tracker.Report, cancellationToken)
            .ConfigureAwait(false);
        journal.EndRun(runId, failures.Count, failures.Count > 0 ? "finished with failures" : "finished");
        tracker.Report(BatchStage.Finished, null);
        return report;
    }

    /// <summary>
    /// The step after the scenes, for scenes run elsewhere (another process, a cluster): merges the done scenes' files,
    /// numbers the polygons (JCBH), links them to earlier polygons and writes <c>tuban.gpkg</c>, the regional figures
    /// and the reports into the batch folder, exactly as <see cref="RunAsync"/> does after its scenes. The outputs depend
    /// only on the jobs (their manifest order), the settings and the scene files, never on where or in what order the
    /// scenes ran.
    /// </summary>
    /// <param name="jobs">The manifest's jobs in order.</param>
    /// <param name="settings">The batch's settings (the same as for the scenes; <see cref="BatchSettings.Workers"/> is not used).</param>
    /// <param name="results">One result per finished job, in any order: done ones with their file, failed ones with their error.
    /// A job without a result counts as failed ("not run").</param>
    /// <param name="progress">Receives a report at the merge and report stages.</param>
    /// <param name="cancellationToken">Stops the merge.</param>
    /// <returns>What was written; <see cref="BatchReport.Resume"/> is all zeros and <see cref="BatchReport.RunNow"/> the number of results.</returns>
    /// <exception cref="InputException">The judgements file is malformed.</exception>
    public static async Task<BatchReport> FinishAsync(IReadOnlyList<SceneJob> jobs, BatchSettings settings, IReadOnlyCollection<SceneResult> results,
        IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var byKey = results.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var done = new List<(string Key, string Output)>();
        var failures = new List<(string Key, string Error)>();
        foreach (var job in jobs)
        {
            if (byKey.TryGetValue(job.Key, out var r) && r.State == SceneState.Done && r.OutputPath is { } path) done.Add((job.Key, path));
            else failures.Add((job.Key, byKey.TryGetValue(job.Key, out r) ? r.Error ?? "failed" : "not run"));
        }
        var judgements = settings.JudgementsPath is { } jp ? Judgements.Read(jp) : null;
        var tracker = new Tracker(jobs.Count, 0, results.Sum(r => (long)r.Polygons), progress, clock);
        var report = await MergeAndReportAsync(jobs, settings, done, failures, judgements, new JournalSync(0, 0, 0, 0, 0), results.Count, clock, tracker.Report,
            cancellationToken).ConfigureAwait(false);
        tracker.Report(BatchStage.Finished, null);
        return report;
    }

    private static async Task<BatchReport> MergeAndReportAsync(IReadOnlyList<SceneJob> jobs, BatchSettings settings, List<(string Key, string Output)> done,
        List<(string Key, string Error)> failures, IReadOnlyDictionary<string, Judgement>? judgements, JournalSync sync, int runNow, Stopwatch clock, Action<BatchStage, string?> report,
        CancellationToken cancellationToken)
    {
        report(BatchStage.Merging, "merging overlapping scenes");
        var scene = settings.SceneSettings();
        var merge = await Task.Run(() => new SceneMerger { OverlapFraction = settings.MergeOverlapFraction }.Merge(done, scene, settings.Crs), cancellationToken)
            .ConfigureAwait(false);
        IReadOnlyList<BatchTuban> polygons = new JcbhNumbering { SourceTag = settings.Detection.SourceTag }.Renumber(merge.Polygons);
        if (settings.PreviousPath is { } previousPath)
            polygons = new PreviousLinker { OverlapFraction = settings.LinkOverlapFraction }.Link(polygons, PreviousLinker.ReadPrevious(previousPath, merge.Crs));
        BatchTubanFile.Write(settings.MergedPath, merge.Crs, polygons);

        report(BatchStage.Reporting, "regional figures and reports");
        var regions = RegionalFigures.Compute(polygons, judgements, settings.Ratio);
        var notes = judgements is null ? [] : RegionalFigures.IgnoredDeductions(polygons, judgements, settings.Ratio);
        var result = new BatchReport
        {
            Total = jobs.Count,
            Resume = sync,
            RunNow = runNow,
            Done = done.Count,
            Failures = failures,
            Merge = merge,
            Polygons = polygons,
            Linked = polygons.Count(p => p.Tywzjctbwqbh.Length > 0),
            Regions = regions,
            JudgementNotes = notes,
            Outputs = [settings.MergedPath],
            Elapsed = clock.Elapsed,
        };
        var outputs = BatchReportWriter.WriteAll(result, settings);
        return result with { Outputs = [settings.MergedPath, .. outputs], Elapsed = clock.Elapsed };
    }

    private static async Task RunScenesAsync(List<SceneJob> pending, SceneWorkSettings scene, int workers, BatchJournal journal, Tracker tracker, CancellationToken ct)
    {
        if (pending.Count == 0) return;
        var queue = new ConcurrentQueue<SceneJob>(pending);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lanes = Enumerable.Range(0, Math.Min(workers, pending.Count)).Select(_ => Task.Run(async () =>
        {
            SceneWorker? worker = null;
            try
            {
                while (queue.TryDequeue(out var job))
                {
                    stop.Token.ThrowIfCancellationRequested();
                    worker ??= new SceneWorker(scene);
                    journal.MarkRunning(job.Key);
                    tracker.Started(job.Key);
                    SceneResult result;
                    try
                    {
                        result = await worker.RunAsync(job, null, stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        journal.MarkPending(job.Key, "cancelled");
                        throw;
                    }
                    journal.Record(result);
                    tracker.Finished(result);
                }
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false);   // a lane that cannot go on (the model will not load) stops the others
                throw;
            }
            finally
            {
                worker?.Dispose();
            }
        }, CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(lanes).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // One lane failed and cancelled the others: throw its error, not theirs.
            var error = lanes.Where(l => l.IsFaulted).Select(l => l.Exception!.InnerException).FirstOrDefault(e => e is not OperationCanceledException);
            if (error is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
            throw;
        }
    }

    // Left behind by a killed run: detection work folders and partial outputs. Safe to delete under the folder lock.
    private static void CleanUp(BatchSettings settings)
    {
        var temp = Path.Combine(settings.OutputDirectory, "tmp");
        if (Directory.Exists(temp))
            foreach (var dir in Directory.EnumerateFileSystemEntries(temp))
                try
                {
                    if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                    else File.Delete(dir);
                }
                catch (IOException) { }
        foreach (var folder in new[] { settings.OutputDirectory, settings.ScenesDirectory })
            if (Directory.Exists(folder))
                foreach (var partial in Directory.EnumerateFileSystemEntries(folder, ".*.partial-*"))
                    try
                    {
                        if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
                        else File.Delete(partial);
                    }
                    catch (IOException) { }
    }

    private static FileStream Lock(string folder)
    {
        var path = Path.Combine(folder, ".lock");
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            stream.Write(pid);
            stream.Flush();
            return stream;
        }
        catch (IOException e)
        {
            throw new InputException($"Another reprocess run is using '{folder}' (it holds {path}); wait for it to end or use another output folder.", e) { Setting = nameof(BatchSettings.OutputDirectory) };
        }
    }

    private static string Hash(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    // Counts for the progress display; thread-safe.
    private sealed class Tracker(int total, int skipped, long polygons, IProgress<BatchProgress>? progress, Stopwatch clock)
    {
        private readonly Lock _gate = new();
        private readonly int _skipped = skipped;
        private int _done = skipped, _failed, _running, _finishedNow;
        private long _polygons = polygons;
        private TimeSpan _firstFinish;

        public int Failed { get { lock (_gate) return _failed; } }

        public void Started(string key)
        {
            lock (_gate) { _running++; Report(BatchStage.Scenes, $"start {key}"); }
        }

        public void Finished(SceneResult r)
        {
            lock (_gate)
            {
                _running--;
                _finishedNow++;
                if (_finishedNow == 1) _firstFinish = clock.Elapsed;
                if (r.State == SceneState.Done) { _done++; _polygons += r.Polygons; }
                else _failed++;
                var seconds = r.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                Report(BatchStage.Scenes, r.State == SceneState.Done
                    ? $"done {r.Key} ({r.Polygons} polygons, {seconds} s)"
                    : $"FAILED {r.Key}: {r.Error}");
            }
        }

        public void Report(BatchStage stage, string? message)
        {
            if (progress is null) return;
            lock (_gate)
            {
                var remaining = total - _done - _failed;
                TimeSpan? eta = null;
                if (_finishedNow > 0 && clock.Elapsed > TimeSpan.Zero)
                    eta = remaining == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / _finishedNow * remaining);
                progress.Report(new BatchProgress(stage, total, _done, _failed, _running, _skipped, _polygons, clock.Elapsed, eta, message));
            }
        }
    }
}
