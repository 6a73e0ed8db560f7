using System.CommandLine;
using System.Globalization;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Recheck;
using WeiPian.Engine.SpotCheck;
using WeiPian.Models;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian spotcheck</c>: the quarterly spot check (季核) of the verdicts counties report.</summary>
internal static class SpotCheckCommand
{
    public static Command Create()
    {
        var defaults = new SpotCheckOptions();
        var reported = new Option<string>("--reported") { Description = "The counties' verdicts: .csv or .gpkg with JCBH, PDLX (optional XZQDM, PDRQ)", Required = true };
        var polygons = new Option<string>("--polygons") { Description = "The polygons the verdicts are about (a detection's tuban.gpkg, any layer with JCBH)", Required = true };
        var image = new Option<string>("--image") { Description = "The newest image", Required = true };
        var reference = new Option<string?>("--reference") { Description = "The before date of the detection, on the newest image's grid; without it only spectral indices judge" };
        var model = new Option<string>("--model") { Description = "Bundled model name or .onnx file (used with --reference)", DefaultValueFactory = _ => "spectral-v1" };
        var approvals = new Option<string?>("--approvals") { Description = "Approval polygons (批文): legal verdicts are checked by their overlap" };
        var sample = new Option<string>("--sample") { Description = "Share of each stratum (10%) or a total allocated in proportion (120)", DefaultValueFactory = _ => defaults.Sample.ToString() };
        var stratify = new Option<string>("--stratify") { Description = $"Fields whose values make the strata, of {string.Join(", ", SpotCheckOptions.StratifyFields)}", DefaultValueFactory = _ => string.Join(",", defaults.Stratify) };
        var minimum = new Option<int>("--min-per-stratum") { Description = "Fewest verdicts drawn from a stratum (all of a smaller one)", DefaultValueFactory = _ => defaults.MinPerStratum };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives the same sample", DefaultValueFactory = _ => defaults.Seed };
        var confidence = new Option<double>("--confidence") { Description = "Confidence of the intervals, 0.8 to 0.999", DefaultValueFactory = _ => defaults.Confidence };
        var threshold = new Option<double>("--threshold") { Description = "Authenticity below which a county or province is flagged", DefaultValueFactory = _ => defaults.Threshold };
        var approvalMin = new Option<double>("--approval-min") { Description = "Share of a legal polygon inside approvals that supports the verdict", DefaultValueFactory = _ => defaults.ApprovalMinShare };
        var chips = new Option<bool>("--chips") { Description = "Also write reference/newest chips of the polygons the imagery checked (chips/ in --out)" };
        var layer = new Option<string?>("--layer") { Description = "Layer of --polygons (default: tuban, else the first)" };
        var idField = new Option<string?>("--id-field") { Description = "Field of --polygons holding JCBH (default JCBH)" };
        var device = DeviceOption.Create();
        var threads = new Option<int>("--threads") { Description = $"Inference threads, at most {InferenceLimits.ThreadsPerCore} x the cores (default: every core)" };
        var output = new Option<string>("--out") { Description = "Output folder: sample.gpkg, strata.csv, authenticity.csv, report.html, doubtful.gpkg", Required = true };
        var command = new Command("spotcheck",
            "The quarterly spot check (季核): a stratified random sample of the reported verdicts, checked against the newest image and the approvals, with each county's and province's authenticity rate.")
        {
            reported, polygons, image, reference, model, approvals, sample, stratify, minimum, seed, confidence, threshold, approvalMin, chips, layer, idField,
            device, threads, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            InferenceLimits.CheckThreads(parse.GetValue(threads), "--threads");
            var options = new SpotCheckOptions
            {
                Sample = SampleSize.Parse(parse.GetValue(sample)!),
                Stratify = parse.GetValue(stratify)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                MinPerStratum = parse.GetValue(minimum),
                Seed = parse.GetValue(seed),
                Confidence = parse.GetValue(confidence),
                Threshold = parse.GetValue(threshold),
                ApprovalMinShare = parse.GetValue(approvalMin),
                Chips = parse.GetValue(chips),
                Recheck = new RecheckOptions { MarginMetres = 0, Layer = parse.GetValue(layer), IdField = parse.GetValue(idField) },
            };
            var referencePath = parse.GetValue(reference);
            var inputs = new SpotCheckInputs(parse.GetValue(reported)!, parse.GetValue(polygons)!, parse.GetValue(image)!)
            {
                Reference = referencePath,
                Model = referencePath is null ? null : BundledModels.Resolve(parse.GetValue(model)!),
                Approvals = parse.GetValue(approvals),
            };
            var inference = new InferenceOptions { Device = DeviceOption.Parse(parse.GetValue(device)!), IntraOpThreads = parse.GetValue(threads) };
            var outDir = parse.GetValue(output)!;
            var report = await VerdictSpotCheck.RunAsync(inputs, options, outDir, inference, ct);
            if (referencePath is null)
                Console.Error.WriteLine("weipian: warning: no --reference: the imagery check uses spectral indices of the newest image alone (see docs/RECHECK.md).");
            Console.Write(Render(report, outDir));
            return 0;
        });
        return command;
    }

    private static string Render(SpotCheckReport r, string outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        var w = new StringWriter(inv);
        w.WriteLine(string.Create(inv, $"{r.Sample.Count} of {r.Reported} verdicts sampled in {r.Strata.Count} strata (seed {r.Options.Seed}), checked by {r.Method} -> {outDir}"));
        w.WriteLine($"  {"level",-8} {"code",-8} {"sampled",7} {"checkable",9} {"doubtful",8} {"rate",7} {"interval",15}");
        foreach (var g in r.Regions)
        {
            var e = g.Estimate;
            string P(double? v) => v is { } x ? (x * 100).ToString("0.0", inv) : "n/a";
            w.WriteLine(string.Create(inv, $"  {g.Level,-8} {g.Code,-8} {e.Sampled,7} {e.Checkable,9} {e.Doubtful,8} {P(e.Rate),7} {P(e.Lower) + "-" + P(e.Upper),15}{(g.Flagged ? "  below " + (r.Options.Threshold * 100).ToString("0", inv) + " %" : "")}"));
        }
        return w.ToString();
    }
}
