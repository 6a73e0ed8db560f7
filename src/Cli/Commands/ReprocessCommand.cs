using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Models;

namespace WeiPian.Cli.Commands;

/// <summary>
/// <c>weipian reprocess</c>: the year-end bulk reprocessing of a manifest of scene pairs, resumable after a crash, with
/// merged polygons, regional figures and the yearly ratio.
/// </summary>
internal static partial class ReprocessCommand
{
    /// <summary>Exit code when the batch finished but some scenes failed.</summary>
    public const int ScenesFailed = 3;

    public static Command Create()
    {
        var manifest = new Option<string>("--manifest") { Description = "CSV of scene pairs: before,after[,key,before_id,after_id,before_date,after_date,region,bands,align]" };
        var survey = new Option<string>("--survey") { Description = "Land survey the detector finds farmland in (DLTB, YJJBNTTB, XZQ)" };
        var current = new Option<string?>("--current-survey") { Description = "Current (year-end) survey to mark polygons against (BCTB, DLBM_NOW, YBG); default: --survey" };
        var output = new Option<string>("--out") { Description = "Batch folder: journal, scenes/, tuban.gpkg, regions.csv, ratio.csv, report.md, report.html; a new or empty folder, or an earlier batch's" };
        var allowNonEmpty = new Option<bool>("--allow-nonempty") { Description = "Let --out be a folder that holds other files and no batch (nothing of theirs is deleted; files named like the batch's outputs are replaced)" };
        var model = new Option<string>("--model") { Description = "Bundled model name or .onnx file", DefaultValueFactory = _ => "spectral-v1" };
        var workers = new Option<int>("--workers") { Description = "Scenes run at once, each with its own model", DefaultValueFactory = _ => 1 };
        var previous = new Option<string?>("--previous") { Description = "Earlier months' polygons (layer tuban with JCBH) to link to (TYWZJCTBWQBH)" };
        var judgements = new Option<string?>("--judgements") { Description = "Verification results CSV: JCBH,PDLX(合法/违法|legal/illegal),KCLX(none/national/provincial)" };
        var allLand = new Option<bool>("--all-land") { Description = "Report change on all land, not only on the survey's farmland" };
        var sourceTag = new Option<string>("--source-tag") { Description = "JCBH source tag", DefaultValueFactory = _ => "WP" };
        var epsg = new Option<int?>("--epsg") { Description = "CRS of the merged output's geometries (default: the first done scene's); areas and X, Y stay those of the scenes' projected CRS" };
        var device = DeviceOption.Create();
        var fp16 = DeviceOption.Fp16();
        var threads = new Option<int>("--threads") { Description = $"Inference threads per lane of a worker, at most {InferenceLimits.ThreadsPerCore} x the cores (default: a worker's share of the cores, shared among its lanes)" };
        var mergeOverlap = new Option<double>("--merge-overlap") { Description = "Share of the smaller polygon (0 to 1) two scenes' polygons must share to be one change", DefaultValueFactory = _ => 0.3 };
        var linkOverlap = new Option<double>("--link-overlap") { Description = "Share of the smaller polygon (0 to 1) a new and an earlier polygon must share to be linked", DefaultValueFactory = _ => 0.5 };
        var cluster = new Option<string?>("--cluster") { Description = "Run on a cluster of `weipian silo`s instead of here: localhost[:GATEWAY_PORTS], redis:HOST:PORT or postgres:...; every path must be on storage all silos reach at the same path" };
        var detach = new Option<bool>("--detach") { Description = "With --cluster: submit, print the batch id and return; the batch goes on" };
        var attach = new Option<string?>("--attach") { Description = "With --cluster: follow the batch with this id (needs no other option)" };
        var batchId = new Option<string?>("--batch-id") { Description = "With --cluster: the id to submit the batch under (default: the --out folder's name and a hash of its path)" };
        var radiometry = RadiometryOptions.Radiometry();
        var card = RadiometryOptions.Card();
        var cancel = new Option<bool>("--cancel") { Description = "With --cluster --attach: cancel the batch" };
        var connectTimeout = new Option<double>("--connect-timeout")
        {
            Description = "With --cluster: seconds to wait for the cluster to answer before giving up (exit 2)", DefaultValueFactory = _ => DefaultConnectTimeout,
        };
        var command = new Command("reprocess",
            "Year-end bulk reprocessing: every scene pair of a manifest, in parallel, resumable after a crash; merged polygons, marks against the current survey, links to earlier polygons, regional figures and the yearly ratio R.")
        {
            manifest, survey, current, output, allowNonEmpty, model, workers, previous, judgements, allLand, sourceTag, epsg, device, fp16, threads, mergeOverlap,
            linkOverlap, cluster, detach, attach, batchId, cancel, connectTimeout, radiometry, card,
        };
        var masks = new MaskOptions(masks: false);
        masks.AddTo(command);
        command.Validators.Add(result =>
        {
            var attaching = result.GetValue(attach) is not null;
            if (attaching && result.GetValue(cluster) is null) result.AddError("--attach needs --cluster.");
            if ((result.GetValue(detach) || result.GetValue(batchId) is not null) && result.GetValue(cluster) is null)
                result.AddError("--detach and --batch-id need --cluster.");
            if (result.GetValue(cancel) && !attaching) result.AddError("--cancel needs --cluster and --attach.");
            if (result.GetValue(cluster) is not null && masks.AnyGiven(result))
                result.AddError("--min-area and --clouds are not sent to a cluster; run the batch here, without --cluster.");
            if (result.GetValue(cluster) is not null && (result.GetResult(card) is not null || result.GetResult(radiometry) is { Implicit: false }))
                result.AddError("--radiometry and --card run here only; a --cluster batch takes the model's own card.");
            if (attaching) return;
            foreach (var required in new Option[] { manifest, survey, output })
                if (result.GetResult(required) is null) result.AddError($"Option '{required.Name}' is required.");
        });
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(cluster) is { } connection)
            {
                WeiPian.Cluster.Hosting.ClusterConnection.Parse(connection);   // a mistyped store is refused before the manifest is read or --out made
                var patience = ConnectTimeout(parse.GetValue(connectTimeout));
                var attachTo = parse.GetValue(attach);
                if (attachTo is not null) return await AttachAsync(connection, attachTo, parse.GetValue(cancel), patience, ct);
                var spec = new WeiPian.Cluster.ClusterBatchSpec
                {
                    OutputDirectory = Path.GetFullPath(parse.GetValue(output)!),
                    ModelPath = Path.GetFullPath(BundledModels.Resolve(parse.GetValue(model)!)),
                    SurveyPath = Path.GetFullPath(parse.GetValue(survey)!),
                    CurrentSurveyPath = parse.GetValue(current) is { } cs ? Path.GetFullPath(cs) : null,
                    PreviousPath = parse.GetValue(previous) is { } ps ? Path.GetFullPath(ps) : null,
                    JudgementsPath = parse.GetValue(judgements) is { } js ? Path.GetFullPath(js) : null,
                    AllLand = parse.GetValue(allLand),
                    SourceTag = parse.GetValue(sourceTag)!,
                    Epsg = parse.GetValue(epsg),
                    Device = parse.GetValue(device)!,
                    Fp16 = parse.GetValue(fp16),
                    Threads = parse.GetValue(threads),
                    MergeOverlap = parse.GetValue(mergeOverlap),
                    LinkOverlap = parse.GetValue(linkOverlap),
                };
                return await SubmitAsync(connection, parse.GetValue(manifest)!, spec, parse.GetValue(batchId), parse.GetValue(detach), parse.GetValue(allowNonEmpty),
                    patience, ct);
            }

            InferenceLimits.CheckThreads(parse.GetValue(threads), "--threads");
            var jobs = SceneManifest.Read(parse.GetValue(manifest)!);
            var settings = new BatchSettings
            {
                OutputDirectory = Path.GetFullPath(parse.GetValue(output)!),
                AllowNonEmptyFolder = parse.GetValue(allowNonEmpty),
                ModelPath = Path.GetFullPath(BundledModels.Resolve(parse.GetValue(model)!)),
                SurveyPath = Path.GetFullPath(parse.GetValue(survey)!),
                CurrentSurveyPath = parse.GetValue(current) is { } c ? Path.GetFullPath(c) : null,
                Workers = parse.GetValue(workers),
                PreviousPath = parse.GetValue(previous) is { } p ? Path.GetFullPath(p) : null,
                JudgementsPath = parse.GetValue(judgements) is { } j ? Path.GetFullPath(j) : null,
                Crs = parse.GetValue(epsg) is { } code ? BatchSettings.CrsFromEpsg(code) : null,
                Detection = masks.Apply(parse, new DetectionOptions { AllLand = parse.GetValue(allLand), SourceTag = parse.GetValue(sourceTag)!, Radiometry = RadiometryOptions.Parse(parse.GetValue(radiometry)!) }),
                Inference = new InferenceOptions
                {
                    Device = DeviceOption.Parse(parse.GetValue(device)!),
                    Fp16 = parse.GetValue(fp16),
                    IntraOpThreads = parse.GetValue(threads),
                    CardPath = RadiometryOptions.CardPath(parse.GetValue(card)),
                },
                MergeOverlapFraction = parse.GetValue(mergeOverlap),
                LinkOverlapFraction = parse.GetValue(linkOverlap),
            };
            BatchReport report;
            using (var bar = new ProgressLine())
            {
                // Each scene's detection tells what it saw (a model giving NaN) on a line of its own beside the bar.
                var logged = settings with { Detection = settings.Detection with { Logger = new LineLogger(bar.Line) } };
                report = await ReprocessBatch.RunAsync(jobs, logged, new BatchProgressLine(bar), ct);
                bar.Show(1, string.Create(CultureInfo.InvariantCulture,
                    $"done  polygons {report.Polygons.Count} after merging {report.Merge.ScenePolygons} from the scenes"), null, milestone: true);
            }
            Console.Write(Render(report, settings));
            return report.AnyFailed ? ScenesFailed : 0;
        });
        return command;
    }

    private static string Render(BatchReport r, BatchSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append(inv, $"scenes: {r.Total} in the manifest, {r.Done} done ({r.Resume.AlreadyDone} by an earlier run, {r.RunNow} run now");
        if (r.Resume.Interrupted > 0) sb.Append(inv, $", {r.Resume.Interrupted} interrupted and redone");
        sb.Append(inv, $"), {r.Failures.Count} failed\n");
        if (r.Resume.MovedFrom is { } from) sb.Append(inv, $"note: the batch folder was '{from}' (moved or copied); only the scene files in '{settings.OutputDirectory}' were used\n");
        sb.Append(inv, $"polygons: {r.Polygons.Count} after merging {r.Merge.ScenePolygons} from the scenes ({r.Merge.MergedGroups} seen by more than one scene)");
        sb.Append(inv, $"; BCTB {r.Polygons.Count(p => p.Bctb)}, YBG {r.Polygons.Count(p => p.Ybg)}");
        if (settings.PreviousPath is not null) sb.Append(inv, $", linked to earlier {r.Linked}");
        sb.Append('\n');
        foreach (var region in r.Regions.Where(x => x.Ratio is { Flagged: true }))
            sb.Append(inv, $"FLAG {region.Level.ToString().ToLowerInvariant()} {region.Code}: R = {region.Ratio!.R * 100:0.00} % (≥ {region.Ratio.Threshold * 100:0} %)\n");
        foreach (var (key, error) in r.Failures) sb.Append("FAILED ").Append(key).Append(": ").Append(error).Append('\n');
        foreach (var note in r.JudgementNotes) sb.Append("note: ").Append(note).Append('\n');
        foreach (var path in r.Outputs) sb.Append("wrote ").Append(path).Append('\n');
        sb.Append(inv, $"in {r.Elapsed.TotalSeconds:0.0} s\n");
        return sb.ToString();
    }

    /// <summary>
    /// The batch on a <see cref="ProgressLine"/>: the scenes take the bar to 90 %, merging and reporting are steps after
    /// them; the command draws 100 % itself once the batch has returned, with the merged polygon count its summary gives
    /// (the batch counts the scenes' polygons, before merging). An event (a scene started, done, failed, resumed) is a line of its
    /// own in a log; on a terminal only failures and resumes are, the rest just redraw the bar.
    /// </summary>
    private sealed class BatchProgressLine(ProgressLine line) : IProgress<BatchProgress>
    {
        private readonly Lock _gate = new();
        private BatchStage _stage = BatchStage.Scenes;

        public void Report(BatchProgress p)
        {
            bool milestone;
            lock (_gate)
            {
                milestone = p.Stage != _stage;
                _stage = p.Stage;
            }
            var fraction = p.Stage switch
            {
                BatchStage.Scenes => 0.9 * (p.Total <= 0 ? 1.0 : (double)(p.Done + p.Failed) / p.Total),
                BatchStage.Merging => 0.93,
                BatchStage.Reporting => 0.96,
                _ => 0.99,
            };
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{p.Stage.ToString().ToLowerInvariant()}  scenes {p.Done + p.Failed}/{p.Total}: {p.Done} done, {p.Failed} failed, {p.Running} running  scene polygons {p.Polygons}  {p.ScenesPerMinute:0.0} scenes/min");
            var eta = p.Stage == BatchStage.Scenes ? p.Eta : null;
            if (p.Event is not { } ev)
            {
                line.Show(fraction, detail, eta, milestone);
                return;
            }
            if (!line.Terminal)
            {
                line.Show(fraction, $"{detail} | {ev}", eta, milestone: true);
                return;
            }
            if (ev.StartsWith("FAILED", StringComparison.Ordinal) || ev.StartsWith("resuming", StringComparison.Ordinal)) line.Line(ev);
            line.Show(fraction, detail, eta, milestone || ev.StartsWith("done", StringComparison.Ordinal));
        }
    }
}
