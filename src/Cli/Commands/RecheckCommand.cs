using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Recheck;
using WeiPian.Models;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian recheck</c>: rectification monitoring, earlier polygons re-checked on the newest image.</summary>
internal static class RecheckCommand
{
    public static Command Create()
    {
        var defaults = new RecheckOptions();
        var polygons = new Option<string>("--polygons") { Description = "Earlier polygons (a detection's .gpkg, a Shapefile, any layer with JCBH)", Required = true };
        var image = new Option<string>("--image") { Description = "The newest image", Required = true };
        var reference = new Option<string?>("--reference") { Description = "The before date of the earlier detection, on the same grid; without it only spectral indices judge" };
        var after = new Option<string?>("--after") { Description = "The earlier after date, for chips only" };
        var model = new Option<string>("--model") { Description = "Bundled model name or .onnx file (used with --reference)", DefaultValueFactory = _ => "spectral-v1" };
        var output = new Option<string>("--out") { Description = "Results: .gpkg (layer 'recheck'), .shp or .geojson", Required = true };
        var chips = new Option<string?>("--chips") { Description = "Write reference/after/newest chips of every polygon and an index.html into this folder" };
        var layer = new Option<string?>("--layer") { Description = "Layer of --polygons (default: tuban, else the first)" };
        var idField = new Option<string?>("--id-field") { Description = "Field holding the polygon id (default: JCBH when the layer has it, else the feature id)" };
        var margin = new Option<double>("--margin") { Description = "Metres around each polygon also run and reported as change around it", DefaultValueFactory = _ => defaults.MarginMetres };
        var maxObscured = new Option<double>("--max-obscured") { Description = "Cannot tell above this cloud/nodata share", DefaultValueFactory = _ => defaults.MaxObscuredShare };
        var restoredMax = new Option<double>("--restored-max") { Description = "Restored at or below this still-changed share", DefaultValueFactory = _ => defaults.RestoredMaxChangedShare };
        var notRestoredMin = new Option<double>("--not-restored-min") { Description = "Not restored at or above this still-changed share", DefaultValueFactory = _ => defaults.NotRestoredMinChangedShare };
        var vegNdvi = new Option<double>("--veg-ndvi") { Description = "NDVI of vegetation", DefaultValueFactory = _ => defaults.VegetationNdvi };
        var soilNdvi = new Option<double>("--soil-ndvi") { Description = "NDVI of tilled soil", DefaultValueFactory = _ => defaults.SoilNdvi };
        var wholeScene = new Option<bool>("--whole-scene") { Description = "Run the model over every tile of the scene, not only those covering the polygons (same results; for measuring)" };
        var device = DeviceOption.Create();
        var fp16 = DeviceOption.Fp16();
        var batch = new Option<int>("--batch") { Description = $"Tiles per inference call (dynamic-batch models), at most {InferenceLimits.MaxBatch}" };
        var threads = new Option<int>("--threads") { Description = $"Inference threads, at most {InferenceLimits.ThreadsPerCore} x the cores (default: every core)" };
        var bands = new Option<string?>("--bands") { Description = "Band roles of the images in band order, e.g. B,G,R,NIR" };
        var newestDate = new Option<string?>("--newest-date") { Description = "Date of the newest image as YYYYMMDD (default: the GeoTIFF's)" };
        var radiometry = RadiometryOptions.Radiometry();
        var card = RadiometryOptions.Card();
        var referenceDate = new Option<string?>("--reference-date") { Description = "Date of the reference image as YYYYMMDD" };
        var command = new Command("recheck",
            "Rectification monitoring: re-check earlier change polygons on the newest image (restored, partly restored, not restored, cannot tell).")
        {
            polygons, image, reference, after, model, output, chips, layer, idField, margin, maxObscured, restoredMax, notRestoredMin,
            vegNdvi, soilNdvi, wholeScene, device, fp16, batch, threads, bands, newestDate, referenceDate, radiometry, card,
        };
        var grid = GridOptions.AddToRecheck(command);
        command.SetAction(async (parse, ct) =>
        {
            InferenceLimits.CheckBatch(parse.GetValue(batch), "--batch");
            InferenceLimits.CheckThreads(parse.GetValue(threads), "--threads");
            var inference = new InferenceOptions
            {
                Device = DeviceOption.Parse(parse.GetValue(device)!),
                Fp16 = parse.GetValue(fp16),
                BatchSize = parse.GetValue(batch),
                IntraOpThreads = parse.GetValue(threads),
                CardPath = RadiometryOptions.CardPath(parse.GetValue(card)),
            };
            var images = grid.Apply(parse, new RecheckImages(parse.GetValue(image)!)
            {
                Reference = parse.GetValue(reference),
                After = parse.GetValue(after),
                NewestDate = Date(parse.GetValue(newestDate), "--newest-date"),
                ReferenceDate = Date(parse.GetValue(referenceDate), "--reference-date"),
                Bands = parse.GetValue(bands) is { } b ? BandOrder.ParseList(b) : null,
            });
            var options = new RecheckOptions
            {
                MarginMetres = parse.GetValue(margin),
                MaxObscuredShare = parse.GetValue(maxObscured),
                RestoredMaxChangedShare = parse.GetValue(restoredMax),
                NotRestoredMinChangedShare = parse.GetValue(notRestoredMin),
                VegetationNdvi = parse.GetValue(vegNdvi),
                SoilNdvi = parse.GetValue(soilNdvi),
                WholeScene = parse.GetValue(wholeScene),
                Radiometry = RadiometryOptions.Parse(parse.GetValue(radiometry)!),
                Layer = parse.GetValue(layer),
                IdField = parse.GetValue(idField),
                ChipsDirectory = parse.GetValue(chips),
            };
            using var check = new RectificationCheck(images.Reference is null ? null : BundledModels.Resolve(parse.GetValue(model)!), inference);
            var outPath = parse.GetValue(output)!;
            RecheckSummary summary;
            using (var bar = new ProgressLine())
            {
                summary = await check.CheckToFileAsync(parse.GetValue(polygons)!, images, outPath, options, new RecheckProgressLine(bar), ct);
                bar.Show(1, $"done  polygons {summary.Results.Count}", null, milestone: true);
            }
            // After the run, so that a refused input is the first and only line on stderr.
            if (images.Reference is null)
                Console.Error.WriteLine("weipian: warning: no --reference: judged by spectral indices of the newest image alone (see docs/RECHECK.md for what that cannot see).");
            Console.Write(Render(summary, outPath));
            return 0;
        });
        return command;
    }

    private static string Render(RecheckSummary s, string outPath)
    {
        var inv = CultureInfo.InvariantCulture;
        var w = new StringWriter(inv);
        w.WriteLine($"{s.Results.Count} polygons re-checked on {(s.NewestDate.Length > 0 ? s.NewestDate : "the newest image")} by {s.Method} -> {outPath}");
        w.WriteLine($"  {"verdict",-16} {"polygons",8} {"m²",12}");
        foreach (var (v, n) in s.ByVerdict)
            w.WriteLine(string.Create(inv, $"  {RecheckVerdicts.Name(v),-16} {n,8} {s.Results.Where(r => r.Verdict == v).Sum(r => r.Area),12:0}"));
        if (s.TilesInScene > 0)
            w.WriteLine(string.Create(inv,
                $"  tiles run {s.TilesRun} of {s.TilesInScene} in the scene ({(double)s.TilesRun / s.TilesInScene:P0}); model {s.ModelTime.TotalSeconds:0.0} s of {s.Elapsed.TotalSeconds:0.0} s (tiles read {s.TileTime.TotalSeconds:0.0} s, polygons judged {s.JudgeTime.TotalSeconds:0.0} s)"));
        else w.WriteLine(string.Create(inv, $"  indices only, {s.Elapsed.TotalSeconds:0.0} s"));
        return w.ToString();
    }

    private static DateOnly? Date(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new InputException($"{option} {text}: give the date as YYYYMMDD.");

    // The model runs over the tiles while the polygons they cover are judged, so the two counts move together: with a
    // model the tiles weigh 60 % and the polygons 39 %, without one the polygons 99 %; the outputs and chips follow, so
    // 100 % is drawn once the whole check has returned.
    private sealed class RecheckProgressLine(ProgressLine line) : IProgress<RecheckProgress>
    {
        private readonly Lock _gate = new();
        private RecheckProgress? _tiles;
        private RecheckProgress? _polygons;

        public void Report(RecheckProgress p)
        {
            double fraction;
            string detail;
            bool milestone;
            lock (_gate)
            {
                milestone = p.Done >= p.Total;
                if (p.Stage == RecheckStage.Inference) _tiles = p;
                else _polygons = p;
                var judged = Share(_polygons);
                fraction = _tiles is null ? 0.99 * judged : 0.6 * Share(_tiles) + 0.39 * judged;
                detail = (_tiles is { } t ? string.Create(CultureInfo.InvariantCulture, $"tiles {t.Done}/{t.Total}  ") : "")
                    + string.Create(CultureInfo.InvariantCulture, $"polygons judged {_polygons?.Done ?? 0}/{_polygons?.Total.ToString(CultureInfo.InvariantCulture) ?? "?"}");
            }
            line.Show(fraction, detail, null, milestone);
        }

        private static double Share(RecheckProgress? p) => p is null ? 0 : p.Total <= 0 ? 1.0 : Math.Clamp((double)p.Done / p.Total, 0, 1);
    }
}
