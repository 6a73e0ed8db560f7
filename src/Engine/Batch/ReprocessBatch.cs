using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Vector;

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
/// <c>regions.csv</c>, <c>ratio.csv</c> (with judgements), <c>report.md</c>, <c>report.html</c>, and its own
/// <c>.weipian-batch/</c> (lock, work files). One run at a time per folder (the lock says so). Only a new, empty or
/// earlier batch folder is used (see <see cref="BatchFolder"/>).</para>
/// </remarks>
public static class ReprocessBatch
{
    /// <summary>Runs (or resumes) a batch.</summary>
    /// <param name="jobs">The manifest's jobs in order (see <see cref="SceneManifest.Read"/>).</param>
    /// <param name="settings">Model, surveys, options, workers, outputs.</param>
    /// <param name="progress">Receives a report when a scene starts or ends and at each later stage.</param>
    /// <param name="cancellationToken">Stops the run: running scenes go back to pending, nothing half-written remains,
    /// and running the batch again resumes it.</param>
    /// <returns>What was done; failed scenes are listed, not thrown.</returns>
    /// <exception cref="InputException">An input is unusable (see <see cref="Validate"/>), the batch folder may not hold a
    /// batch (see <see cref="BatchFolder.Check"/>), another run holds it, or its journal is unreadable.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static async Task<BatchReport> RunAsync(IReadOnlyList<SceneJob> jobs, BatchSettings settings, IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        Validate(jobs, settings);
        var judgements = settings.JudgementsPath is { } jp ? Judgements.Read(jp) : null;

        using var folder = BatchFolder.Acquire(settings.OutputDirectory, settings.AllowNonEmptyFolder);
        var scene = settings.SceneSettings();
        using var journal = BatchJournal.Open(settings.JournalPath);
        folder.CleanUp(journal.Scenes().Select(r => r.Key).Concat(jobs.Select(j => j.Key)));
        var settingsFingerprint = scene.Fingerprint();
        var sync = journal.Synchronise(jobs, j => Hash(j.Fingerprint() + settingsFingerprint));
        var keys = jobs.Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
        var records = journal.Scenes().Where(r => keys.Contains(r.Key)).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var pending = jobs.Where(j => records[j.Key].State == SceneState.Pending).ToList();
        var runId = journal.BeginRun(jobs.Count, sync.AlreadyDone, sync.Interrupted);

        var tracker = new Tracker(jobs.Count, sync.AlreadyDone, records.Values.Where(r => r.State == SceneState.Done).Sum(r => (long)(r.Polygons ?? 0)), progress, clock);
        if (sync.MovedFrom is { } from)
            tracker.Report(BatchStage.Scenes, $"the batch folder was '{from}' (moved or copied): only the scene files in this folder are used");
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
        BatchReport report;
        try
        {
            report = await MergeAndReportAsync(jobs, settings, done, failures, judgements, sync, pending.Count, clock, tracker.Report, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            journal.EndRun(runId, failures.Count, "cancelled");
            throw;
        }
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
    /// <exception cref="InputException">The judgements file is unusable.</exception>
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

    /// <summary>
    /// Checks every input of a batch before any scene runs, so that a bad file is refused at once instead of after hours
    /// of scenes: the jobs (at least one, unique keys, both images of each scene present), the settings' numbers, the
    /// model, both surveys (layers and fields), the judgements (read whole) and the earlier polygons (read whole); and
    /// that no input lies in what the batch writes in its folder (<see cref="BatchFolder.Writes"/>).
    /// A scene image that is present but unreadable is not refused here: it fails its scene alone, as in a year's batch
    /// one bad scene must not stop the others.
    /// </summary>
    /// <exception cref="InputException">The first problem found, naming the file or setting.</exception>
    public static void Validate(IReadOnlyList<SceneJob> jobs, BatchSettings settings)
    {
        if (jobs.Count == 0) throw new InputException("The batch has no scenes.");
        var duplicate = jobs.GroupBy(j => j.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InputException($"Scene key '{duplicate.Key}' is used twice.");
        if (settings.Workers < 1)
            throw new InputException($"{settings.Workers} workers: give at least 1.") { Setting = nameof(BatchSettings.Workers) };
        Share(settings.MergeOverlapFraction, "merge overlap", nameof(BatchSettings.MergeOverlapFraction));
        Share(settings.LinkOverlapFraction, "link overlap", nameof(BatchSettings.LinkOverlapFraction));
        foreach (var job in jobs)
            foreach (var (role, path) in new[] { ("before", job.Before), ("after", job.After) })
                if (!File.Exists(path))
                    throw new InputException($"Scene '{job.Key}': the {role} image '{path}' does not exist.");
        if (!File.Exists(settings.ModelPath)) throw new InputException($"Model file '{settings.ModelPath}' does not exist.");
        ValidateSurvey(settings.SurveyPath, settings);
        if (settings.CurrentSurveyPath is { } current) ValidateSurvey(current, settings);
        if (settings.JudgementsPath is { } jp) Judgements.Read(jp);
        if (settings.PreviousPath is { } pp) PreviousLinker.ReadPrevious(pp, null);
        string?[] inputs = [settings.ModelPath, settings.Inference?.CardPath, settings.SurveyPath, settings.CurrentSurveyPath,
            settings.Inference?.ScreenModelPath, settings.JudgementsPath, settings.PreviousPath, settings.Detection.BeforeMask, settings.Detection.AfterMask,
            .. jobs.SelectMany(j => new[] { j.Before, j.After })];
        foreach (var input in inputs.OfType<string>())
            if (BatchFolder.Writes(settings.OutputDirectory, input) is { } written)
                throw new InputException(
                    $"'{input}' lies in what the batch writes in '{settings.OutputDirectory}' ({written}); an output never replaces an input: move it out, or name another batch folder.");
    }

    private static void ValidateSurvey(string path, BatchSettings settings)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputException($"Survey '{path}' does not exist.");
        LandSurvey.Validate(path, settings.Detection.Survey);
    }

    private static void Share(double value, string name, string setting)
    {
        if (!(value is >= 0 and <= 1))
            throw new InputException(string.Create(CultureInfo.InvariantCulture, $"The {name} {value} is not a share of the smaller polygon: give a number from 0 to 1."))
            {
                Setting = setting,
            };
    }

    private static async Task<BatchReport> MergeAndReportAsync(IReadOnlyList<SceneJob> jobs, BatchSettings settings, List<(string Key, string Output)> done,
        List<(string Key, string Error)> failures, IReadOnlyDictionary<string, Judgement>? judgements, JournalSync sync, int runNow, Stopwatch clock, Action<BatchStage, string?> report,
        CancellationToken cancellationToken)
    {
        report(BatchStage.Merging, "merging overlapping scenes");
        var scene = settings.SceneSettings();
        // Merging, numbering (reading order by X, Y in metres) and linking work in the scenes' projected CRS, where the
        // areas are measured; the output CRS changes the geometries written and nothing else.
        var merge = await Task.Run(() => new SceneMerger { OverlapFraction = settings.MergeOverlapFraction }.Merge(done, scene), cancellationToken)
            .ConfigureAwait(false);
        IReadOnlyList<BatchTuban> polygons = new JcbhNumbering { SourceTag = settings.Detection.SourceTag }.Renumber(merge.Polygons);
        if (settings.PreviousPath is { } previousPath)
            polygons = new PreviousLinker { OverlapFraction = settings.LinkOverlapFraction }.Link(polygons, PreviousLinker.ReadPrevious(previousPath, merge.Crs));
        var crs = settings.Crs ?? merge.Crs;
        polygons = Reproject(polygons, merge.Crs, crs);
        // Between stages, not inside them: each output is whole or absent, and a stop arrives within a stage's time.
        cancellationToken.ThrowIfCancellationRequested();
        BatchTubanFile.Write(settings.MergedPath, crs, polygons);
        cancellationToken.ThrowIfCancellationRequested();

        report(BatchStage.Reporting, "regional figures and reports");
        var regions = RegionalFigures.Compute(polygons, judgements, settings.Ratio);
        var notes = judgements is null ? [] : RegionalFigures.IgnoredDeductions(polygons, judgements, settings.Ratio);
        var result = new BatchReport
        {
            Total = jobs.Count,
            Resume = sync,
            RunNow = runNow,
            Crs = crs,
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
                    if (result.State == SceneState.Failed && stop.Token.IsCancellationRequested)
                    {
                        // Failed while the batch was stopping (a read cut short): not known to be a bad scene.
                        journal.MarkPending(job.Key, "cancelled");
                        stop.Token.ThrowIfCancellationRequested();
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

    private static IReadOnlyList<BatchTuban> Reproject(IReadOnlyList<BatchTuban> polygons, SpatialReference from, SpatialReference to)
    {
        if (from.IsSame(to)) return polygons;
        using var t = new CoordinateTransform(from, to);
        return polygons.Select(p => p with { Tuban = p.Tuban with { Geometry = Reprojection.Apply(p.Tuban.Geometry, t) } }).ToList();
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
