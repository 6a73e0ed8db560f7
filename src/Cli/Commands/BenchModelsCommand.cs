using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using WeiPian.Engine;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Files;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Models;

namespace WeiPian.Cli.Commands;

/// <summary>
/// <c>weipian bench-models</c>: models side by side on a set of cases, through the real pipeline: speed, peak memory,
/// per-class pixel F1 and IoU, object recall and precision on farmland, false alarms per km²; on sets with nuisances
/// (synth --nuisances) also the nuisances flagged per kind and building recall per construction stage; a gate for upgrades.
/// </summary>
internal static class BenchModelsCommand
{
    public const int GateFailed = 4;

    public static Command Create()
    {
        var models = new Option<string[]>("--models")
        {
            Description = "Models to compare (bundled names or .onnx files); NAME:fp16 runs that model in float16, NAME:int8 is its bundled int8 quantisation (NAME-int8.onnx), NAME+SCREEN behind a screen model (a screening cascade), e.g. --models fusion-unet-v1 fusion-unet-v1:fp16 fusion-unet-v1:int8 fusion-unet-v1+screen-v1",
            AllowMultipleArgumentsPerToken = true,
        };
        var set = new Option<string>("--set") { Description = "Folder of cases (as weipian synth writes them)", Required = true };
        var output = new Option<string?>("--out") { Description = "Folder for report.md, report.csv and report.json" };
        var baseline = new Option<string?>("--baseline") { Description = "The model candidates are gated against" };
        var maxDrop = new Option<double>("--max-drop") { Description = "Largest allowed drop of any headline metric", DefaultValueFactory = _ => 0.02 };
        var threads = new Option<int>("--threads") { Description = "Inference threads per model run" };
        var device = DeviceOption.Create();
        var card = RadiometryOptions.Card();
        var radiometry = RadiometryOptions.Radiometry();
        var baselineRadiometry = new Option<string?>("--baseline-radiometry")
        {
            Description = "--radiometry of the --baseline model alone (default: --radiometry), e.g. percentile for a bundled model on a history at another bit depth while the candidate's card fits it",
        };
        baselineRadiometry.AcceptOnlyFromAmong("card", "percentile", "match");
        var split = new Option<string?>("--split")
        {
            Description = "--set is a training export (weipian export-training): score on the chips of this split, e.g. test (land no chip of train or validation touches); objects over all land, the class masks as truth",
        };
        var single = new Option<string?>("--single") { Description = "(internal) score one model and print JSON", Hidden = true };
        var singleScreen = new Option<string?>("--single-screen") { Description = "(internal) the screen of --single", Hidden = true };
        var command = new Command("bench-models", "Compare models side by side on a benchmark set: Mpx/s, peak memory, per-class F1/IoU, object recall/precision, false alarms per km²; optionally gate candidates against a baseline.")
        {
            models, set, output, baseline, maxDrop, threads, device, card, radiometry, baselineRadiometry, split, single, singleScreen,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cases = parse.GetValue(split) is { } part ? BenchCase.FromTrainingExport(parse.GetValue(set)!, part) : BenchCase.Find(parse.GetValue(set)!);
            var detection = new DetectionOptions { Radiometry = RadiometryOptions.Parse(parse.GetValue(radiometry)!) };
            var inference = new InferenceOptions
            {
                IntraOpThreads = parse.GetValue(threads), Device = DeviceOption.Parse(parse.GetValue(device)!), CardPath = RadiometryOptions.CardPath(parse.GetValue(card)),
            };
            if (parse.GetValue(single) is { } one)
            {
                var (path, fp16) = Entry(one);
                var score = await ModelBenchmark.RunAsync(path, cases, inference with { Fp16 = fp16, ScreenModelPath = parse.GetValue(singleScreen) }, cancellationToken: ct, detection: detection);
                Console.WriteLine(ScoreJson.Write(score with { PeakMemoryMb = PeakResidentMb() }));
                return 0;
            }
            var list = (parse.GetValue(models) ?? []).ToList();
            var gate = parse.GetValue(baseline);
            if (gate is not null && !list.Contains(gate)) list.Insert(0, gate);
            if (list.Count == 0) throw new InputException("Give at least one model with --models.");
            if (inference.CardPath is not null && list.Count > 1)
                throw new InputException($"--card {parse.GetValue(card)}: one card describes one model, but {list.Count} models were given; compare them one at a time.");
            // Every input is checked before the first model runs, so that a refusal is the only line the run prints.
            var resolved = list.Select(m => (Name: m, Model: Resolve(m, m == gate ? "--baseline" : "--models"))).ToList();
            CheckMaxDrop(parse.GetValue(maxDrop));
            CheckThreads(parse.GetValue(threads));
            if (parse.GetValue(output) is { } reportDir) CheckReportFolder(reportDir, cases);
            var scores = new List<ModelScore>();
            using (var bar = new ProgressLine())
            {
                // Each model runs in its own process: the bar moves per model, the pace of those done gives the estimate.
                foreach (var (name, (path, screen)) in resolved)
                {
                    var eta = scores.Count > 0 ? bar.Elapsed / scores.Count * (resolved.Count - scores.Count) : (TimeSpan?)null;
                    bar.Show((double)scores.Count / resolved.Count, $"model {scores.Count + 1}/{resolved.Count} {name} on {cases.Count} case(s)", eta, milestone: true);
                    var mode = name == gate ? parse.GetValue(baselineRadiometry) ?? parse.GetValue(radiometry)! : parse.GetValue(radiometry)!;
                    var passOn = new[] { "--radiometry", mode }.Concat(parse.GetValue(split) is { } s ? ["--split", s] : Array.Empty<string>());
                    scores.Add(await RunChild(path, screen, parse.GetValue(set)!, parse.GetValue(threads), parse.GetValue(device)!, inference.CardPath, passOn, ct));
                }
                bar.Show(1, $"done  {scores.Count} model(s) on {cases.Count} case(s)", null, milestone: true);
            }
            var table = Markdown(scores, cases.Count);
            Console.Write(table);
            if (parse.GetValue(output) is { } dir)
            {
                try
                {
                    Directory.CreateDirectory(dir);
                }
                catch (IOException e)
                {
                    throw new InputException($"--out {dir}: cannot write the report there: {e.Message}", e);
                }
                WriteReport(Path.Combine(dir, "report.md"), table);
                WriteReport(Path.Combine(dir, "report.csv"), Csv(scores));
                WriteReport(Path.Combine(dir, "report.json"), "[" + string.Join(",\n", scores.Select(ScoreJson.Write)) + "]\n");
            }
            if (gate is null) return 0;
            var failed = false;
            var reference = scores[0];
            foreach (var candidate in scores.Skip(1))
            {
                var drops = ModelBenchmark.Regressions(reference, candidate, parse.GetValue(maxDrop));
                Console.WriteLine(drops.Count == 0
                    ? $"gate: {candidate.Model} passes against {reference.Model}"
                    : $"gate: {candidate.Model} FAILS against {reference.Model}: {string.Join("; ", drops)}");
                failed |= drops.Count > 0;
            }
            return failed ? GateFailed : 0;
        });
        return command;
    }

    private const string Fp16Suffix = ":fp16";

    private static readonly string[] ReportFiles = ["report.md", "report.csv", "report.json"];

    // "NAME:fp16" is NAME in float16; the suffix travels to the child process with the resolved path.
    private static (string Model, bool Fp16) Entry(string entry) =>
        entry.EndsWith(Fp16Suffix, StringComparison.OrdinalIgnoreCase) ? (entry[..^Fp16Suffix.Length], true) : (entry, false);

    // The model file of an entry of --models or --baseline, with its variant suffix, and its screen's file after a '+'
    // ("fusion-unet-v1+spectral-v1"); an existing file is taken as named even with a colon or a plus in it, anything else
    // after the last colon must be :fp16 or a bundled variant (fusion-unet-v1:int8 is fusion-unet-v1-int8.onnx).
    private static (string Model, string? Screen) Resolve(string entry, string option)
    {
        var plus = entry.LastIndexOf('+');
        if (plus > 0 && !File.Exists(entry))
        {
            var screen = entry[(plus + 1)..];
            try
            {
                return (Resolve(entry[..plus], option).Model, BundledModels.Resolve(screen));
            }
            catch (FileNotFoundException e)
            {
                throw new InputException($"{option} {entry}: the screen after '+': {e.Message}", e);
            }
        }
        var (name, fp16) = Entry(entry);
        var colon = name.LastIndexOf(':');
        var variant = colon >= 0 && !File.Exists(name) ? name[(colon + 1)..] : "";
        try
        {
            return (BundledModels.Resolve(name) + (fp16 ? Fp16Suffix : ""), null);
        }
        catch (FileNotFoundException e) when (!fp16 && variant.Length > 0 && variant.All(char.IsLetterOrDigit))
        {
            throw new InputException(
                $"{option} {entry}: unknown variant ':{variant}'; the variants are {Fp16Suffix} (the model in float16) and the bundled NAME-VARIANT.onnx files, e.g. fusion-unet-v1:int8.", e);
        }
        catch (FileNotFoundException e)
        {
            throw new InputException($"{option}: {e.Message}", e);
        }
    }

    private static void CheckMaxDrop(double maxDrop)
    {
        // The headline metrics are shares, so a drop outside 0..1 would gate nothing or everything.
        if (!(maxDrop is >= 0 and <= 1))
            throw new InputException(FormattableString.Invariant($"--max-drop {maxDrop}: give the largest allowed drop as a share from 0 to 1, e.g. 0.02."));
    }

    private static void CheckThreads(int threads)
    {
        if (threads < 0)
            throw new InputException(FormattableString.Invariant($"--threads {threads}: use 0 (the cores shared among the lanes) or more."));
        InferenceLimits.CheckThreads(threads, "--threads");
    }

    // --out is a folder for the three reports; it may not be a file, and no report may replace a file of the set.
    private static void CheckReportFolder(string dir, IReadOnlyList<BenchCase> cases)
    {
        if (File.Exists(dir))
            throw new InputException($"--out {dir}: it is a file; --out names the folder for {string.Join(", ", ReportFiles)}.");
        var inputs = cases.Select(c => c.Directory).Distinct().SelectMany(Directory.EnumerateFiles).ToList();
        foreach (var report in ReportFiles) OutputPaths.EnsureApart(Path.Combine(dir, report), inputs);
    }

    // Each model runs in its own process so its peak memory is its own.
    private static async Task<ModelScore> RunChild(string model, string? screen, string set, int threads, string device, string? card,
        IEnumerable<string> passOn, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        var self = Environment.GetCommandLineArgs()[0];
        if (self.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) start.ArgumentList.Add(self);
        foreach (var a in new[] { "bench-models", "--single", model, "--set", set, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--device", device })
            start.ArgumentList.Add(a);
        if (card is not null) foreach (var a in new[] { "--card", card }) start.ArgumentList.Add(a);
        foreach (var a in passOn) start.ArgumentList.Add(a);
        if (screen is not null) foreach (var a in new[] { "--single-screen", screen }) start.ArgumentList.Add(a);
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEndAsync(ct);
        var stderr = child.StandardError.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        // The child already said what is wrong with its input, in one line: pass it on as it is.
        if (child.ExitCode == CliErrors.InputError) throw new InputException((await stderr).Trim().Replace("weipian: ", "", StringComparison.Ordinal));
        if (child.ExitCode != 0) throw new InvalidOperationException($"Benchmarking '{model}' failed: {(await stderr).Trim()}");
        return ScoreJson.Read(await stdout);
    }

    private static double PeakResidentMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        return 0;
    }

    internal static string Markdown(IReadOnlyList<ModelScore> scores, int cases)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Models side by side on {cases} case(s); objects on farmland (found when half covered), pixels over all land.");
        sb.AppendLine();
        sb.Append("| metric |");
        foreach (var s in scores) sb.Append(' ').Append(s.Model).Append(" |");
        sb.AppendLine();
        sb.Append("|---|").AppendLine(string.Concat(scores.Select(_ => "---|")));
        void Row(string name, Func<ModelScore, string> value)
        {
            sb.Append("| ").Append(name).Append(" |");
            foreach (var s in scores) sb.Append(' ').Append(value(s)).Append(" |");
            sb.AppendLine();
        }
        Row("Mpx/s (detect, end to end)", s => s.MegapixelsPerSecond.ToString("0.00", inv));
        Row("peak memory MB", s => s.PeakMemoryMb.ToString("0", inv));
        Row("object recall (farmland)", s => F(s.Objects.Recall));
        Row("object precision", s => F(s.Objects.Precision));
        Row("object F1", s => F(s.Objects.F1));
        Row("false alarms / km²", s => s.Objects.FalseAlarmsPerKm2.ToString("0.00", inv));
        Row("mean change F1 (pixels)", s => F(s.MeanChangeF1));
        Row("mean change IoU (pixels)", s => F(s.MeanChangeIoU));
        var classes = scores.Max(s => s.Pixels.Classes);
        for (var k = 1; k < classes; k++)
        {
            var id = k;
            Row($"class {id} F1 / IoU", s => id < s.Pixels.Classes ? $"{F(s.Pixels.Scores[id].F1)} / {F(s.Pixels.Scores[id].IoU)}" : "-");
        }
        var kinds = Keys(scores, s => s.NuisanceAlarms);
        var stages = Keys(scores, s => s.BuildingStages);
        if (kinds.Count + stages.Count == 0) return sb.ToString();
        // Only for sets with nuisances (synth --nuisances), so a report on any other set reads as it always has.
        sb.AppendLine();
        sb.AppendLine(inv, $"Nuisances (nuisance.gpkg, over all land): an object is hit when predicted change of any class covers at least {NuisanceAlarms.MinOverlapShare:0%} of it or {NuisanceAlarms.MinOverlapM2:0} m², whichever is smaller. Building stages (truth.gpkg STAGE, on farmland): found when half covered.");
        sb.AppendLine();
        sb.Append("| metric |");
        foreach (var s in scores) sb.Append(' ').Append(s.Model).Append(" |");
        sb.AppendLine();
        sb.Append("|---|").AppendLine(string.Concat(scores.Select(_ => "---|")));
        foreach (var kind in kinds) Row(NuisanceRow(kind), s => Tally(s.NuisanceAlarms, kind));
        foreach (var stage in stages) Row(StageRow(stage), s => Tally(s.BuildingStages, stage));
        return sb.ToString();
    }

    /// <summary>The report.md row of nuisances of one KIND.</summary>
    internal static string NuisanceRow(string kind) => $"false alarms on {kind} (objects hit / all)";

    /// <summary>The report.md row of buildings at one STAGE.</summary>
    internal static string StageRow(string stage) => $"building recall, {stage} (found / all)";

    // "0.250 (3/12)"; "-" where a model's cases had none of that key.
    private static string Tally(IReadOnlyDictionary<string, ObjectTally> tallies, string key) =>
        tallies.TryGetValue(key, out var t) ? FormattableString.Invariant($"{F(t.Share)} ({t.Hit}/{t.Objects})") : "-";

    private static List<string> Keys(IReadOnlyList<ModelScore> scores, Func<ModelScore, IReadOnlyDictionary<string, ObjectTally>> tallies) =>
        scores.SelectMany(s => tallies(s).Keys).Distinct().Order(StringComparer.Ordinal).ToList();

    internal static string Csv(IReadOnlyList<ModelScore> scores)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder("model,path,cases,mpx_per_s,peak_mb,object_recall,object_precision,object_f1,false_alarms_per_km2,mean_change_f1,mean_change_iou");
        var classes = scores.Max(s => s.Pixels.Classes);
        for (var k = 1; k < classes; k++) sb.Append(inv, $",class{k}_f1,class{k}_iou");
        // Appended after the existing columns, and only for sets with nuisances: readers by column name or position keep working.
        var kinds = Keys(scores, s => s.NuisanceAlarms);
        var stages = Keys(scores, s => s.BuildingStages);
        foreach (var kind in kinds) sb.Append(inv, $",nuisance_{kind}_hit,nuisance_{kind}_objects,nuisance_{kind}_share");
        foreach (var stage in stages) sb.Append(inv, $",building_{stage}_found,building_{stage}_truth,building_{stage}_recall");
        sb.AppendLine();
        foreach (var s in scores)
        {
            sb.Append(inv, $"{s.Model},{s.ModelPath},{s.Cases},{s.MegapixelsPerSecond:0.000},{s.PeakMemoryMb:0},{F(s.Objects.Recall)},{F(s.Objects.Precision)},{F(s.Objects.F1)},{s.Objects.FalseAlarmsPerKm2:0.000},{F(s.MeanChangeF1)},{F(s.MeanChangeIoU)}");
            for (var k = 1; k < classes; k++)
                sb.Append(k < s.Pixels.Classes ? $",{F(s.Pixels.Scores[k].F1)},{F(s.Pixels.Scores[k].IoU)}" : ",,");
            foreach (var kind in kinds)
                sb.Append(s.NuisanceAlarms.TryGetValue(kind, out var t) ? FormattableString.Invariant($",{t.Hit},{t.Objects},{F(t.Share)}") : ",,,");
            foreach (var stage in stages)
                sb.Append(s.BuildingStages.TryGetValue(stage, out var t) ? FormattableString.Invariant($",{t.Hit},{t.Objects},{F(t.Share)}") : ",,,");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    // Under a temporary name, renamed into place: a run stopped while writing leaves the last complete report.
    private static void WriteReport(string path, string text)
    {
        using var output = AtomicOutput.Begin(path);
        File.WriteAllText(output.TempPath, text);
        output.Commit();
    }
}

/// <summary>A <see cref="ModelScore"/> as one JSON object: what a child process hands back and what report.json holds.</summary>
internal static class ScoreJson
{
    public static string Write(ModelScore s)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream))
        {
            j.WriteStartObject();
            j.WriteString("model", s.Model);
            j.WriteString("path", s.ModelPath);
            j.WriteNumber("cases", s.Cases);
            j.WriteNumber("megapixelsPerSecond", s.MegapixelsPerSecond);
            j.WriteNumber("peakMemoryMb", s.PeakMemoryMb);
            j.WritePropertyName("objects");
            Objects(j, s.Objects);
            j.WriteStartObject("objectsByClass");
            foreach (var (c, m) in s.Objects.ByClass)
            {
                j.WritePropertyName(c.ToString(CultureInfo.InvariantCulture));
                Objects(j, m);
            }
            j.WriteEndObject();
            j.WriteStartArray("confusion");
            foreach (var row in s.Pixels.Matrix)
            {
                j.WriteStartArray();
                foreach (var v in row) j.WriteNumberValue(v);
                j.WriteEndArray();
            }
            j.WriteEndArray();
            // Only for sets with nuisances, so report.json on any other set holds what it always has.
            Tallies(j, "nuisanceAlarms", s.NuisanceAlarms, "hit", "objects", "share");
            Tallies(j, "buildingStageRecall", s.BuildingStages, "found", "truth", "recall");
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static ModelScore Read(string json)
    {
        using var doc = JsonDocument.Parse(json.Trim().Split('\n')[^1]);
        var r = doc.RootElement;
        var byClass = r.GetProperty("objectsByClass").EnumerateObject()
            .ToDictionary(p => int.Parse(p.Name, CultureInfo.InvariantCulture), p => Objects(p.Value));
        return new ModelScore
        {
            Model = r.GetProperty("model").GetString()!,
            ModelPath = r.GetProperty("path").GetString()!,
            Cases = r.GetProperty("cases").GetInt32(),
            MegapixelsPerSecond = r.GetProperty("megapixelsPerSecond").GetDouble(),
            PeakMemoryMb = r.GetProperty("peakMemoryMb").GetDouble(),
            Objects = Objects(r.GetProperty("objects")) with { ByClass = byClass },
            Pixels = PixelMetrics.FromMatrix(r.GetProperty("confusion").EnumerateArray()
                .Select(row => (IReadOnlyList<long>)row.EnumerateArray().Select(v => v.GetInt64()).ToList()).ToList()),
            NuisanceAlarms = Tallies(r, "nuisanceAlarms", "hit", "objects"),
            BuildingStages = Tallies(r, "buildingStageRecall", "found", "truth"),
        };
    }

    // {"mulch": {"hit": 3, "objects": 12, "share": 0.25}, ...}; the share is for readers, the counts are what is read back.
    private static void Tallies(Utf8JsonWriter j, string name, IReadOnlyDictionary<string, ObjectTally> tallies, string hit, string objects, string share)
    {
        if (tallies.Count == 0) return;
        j.WriteStartObject(name);
        foreach (var (key, t) in tallies)
        {
            j.WriteStartObject(key);
            j.WriteNumber(hit, t.Hit);
            j.WriteNumber(objects, t.Objects);
            j.WriteNumber(share, t.Share);
            j.WriteEndObject();
        }
        j.WriteEndObject();
    }

    private static IReadOnlyDictionary<string, ObjectTally> Tallies(JsonElement r, string name, string hit, string objects) =>
        r.TryGetProperty(name, out var e)
            ? e.EnumerateObject().ToDictionary(p => p.Name, p => new ObjectTally(p.Value.GetProperty(hit).GetInt32(), p.Value.GetProperty(objects).GetInt32()))
            : new Dictionary<string, ObjectTally>();

    private static void Objects(Utf8JsonWriter j, ObjectMetrics m)
    {
        j.WriteStartObject();
        j.WriteNumber("truth", m.TruthCount);
        j.WriteNumber("found", m.Found);
        j.WriteNumber("predicted", m.PredictedCount);
        j.WriteNumber("matched", m.Matched);
        j.WriteNumber("areaKm2", m.AreaKm2);
        j.WriteEndObject();
    }

    private static ObjectMetrics Objects(JsonElement e) => new()
    {
        TruthCount = e.GetProperty("truth").GetInt32(),
        Found = e.GetProperty("found").GetInt32(),
        PredictedCount = e.GetProperty("predicted").GetInt32(),
        Matched = e.GetProperty("matched").GetInt32(),
        AreaKm2 = e.GetProperty("areaKm2").GetDouble(),
    };
}
