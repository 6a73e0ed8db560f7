using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Models;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian detect</c>: change polygons (图斑) from a scene pair.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var before = new Option<string>("--before") { Description = "Earlier image (GeoTIFF, COG, VRT)", Required = true };
        var after = new Option<string>("--after") { Description = "Later image, on the same pixel grid (or any, with --align)", Required = true };
        var survey = new Option<string?>("--survey") { Description = "Land survey with DLTB (and YJJBNTTB, XZQ): GeoPackage, FileGDB or a Shapefile folder" };
        var model = new Option<string>("--model") { Description = "Bundled model name or .onnx file", DefaultValueFactory = _ => "spectral-v1" };
        var output = new Option<string>("--out") { Description = "Output polygons: .gpkg (default layer 'tuban'), .shp, .geojson or .gdb", Required = true };
        var classRaster = new Option<string?>("--class-raster") { Description = "Also write the class raster (COG: class, confidence %)" };
        var device = DeviceOption.Create();
        var fp16 = DeviceOption.Fp16();
        var tile = new Option<int>("--tile") { Description = $"Tile size, at most {InferenceLimits.MaxTile} (default: the model card's)" };
        var halo = new Option<int>("--halo") { Description = "Halo per tile side, less than half the tile (default: the model card's)" };
        var batch = new Option<int>("--batch") { Description = $"Tiles per inference call (dynamic-batch models), at most {InferenceLimits.MaxBatch}" };
        var threads = new Option<int>("--threads") { Description = $"Inference threads per lane, at most {InferenceLimits.ThreadsPerCore} x the cores (default: the cores shared among the lanes)" };
        var lanes = new Option<int>("--lanes") { Description = $"Batches in the model at once, each on its own thread, at most {InferenceLimits.ThreadsPerCore} x the cores (default on a CPU: one lane of one thread per core up to 8 cores, three quarters of the cores beyond; 1 on CUDA)" };
        var allLand = new Option<bool>("--all-land") { Description = "Report change on all land, not only on farmland" };
        var bands = new Option<string?>("--bands") { Description = "Band roles of both images in band order, e.g. B,G,R,NIR" };
        var beforeId = new Option<string?>("--before-id") { Description = "QQJH (default: SCENE_ID metadata or file name)" };
        var afterId = new Option<string?>("--after-id") { Description = "DQJH" };
        var beforeDate = new Option<string?>("--before-date") { Description = "QSX as YYYYMMDD (default: the GeoTIFF's date)" };
        var afterDate = new Option<string?>("--after-date") { Description = "HSX as YYYYMMDD" };
        var sourceTag = new Option<string>("--source-tag") { Description = "JCBH source tag", DefaultValueFactory = _ => "WP" };
        var eight = new Option<bool>("--eight-connected") { Description = "Join diagonal neighbours into one polygon" };
        var encoding = new Option<string>("--encoding") { Description = "Shapefile text encoding: GBK (default), GB18030 or UTF-8", DefaultValueFactory = _ => "GBK" };
        // Checked here, before any work: GDAL would only refuse an unknown encoding when the first field is written.
        encoding.AcceptOnlyFromAmong("GBK", "GB18030", "UTF-8");
        var chips = new Option<string?>("--chips") { Description = "Write before/after chips of every polygon and an index.html into this folder" };
        var profile = new Option<bool>("--profile") { Description = "Print the wall time per pipeline stage" };
        var simplify = new Option<double>("--simplify") { Description = "Simplify polygons, keeping topology, with this tolerance in metres (default 0: exact pixel edges)" };
        var radiometry = RadiometryOptions.Radiometry();
        var card = RadiometryOptions.Card();
        var screen = ScreenOptions.Screen();
        var screenThreshold = ScreenOptions.Threshold();
        var splitBy = new Option<string?>("--split-by") { Description = "county: one file per XZQDM, OUT_<XZQDM>.ext beside --out" };
        var command = new Command("detect", "Find change polygons (图斑) between two dates, on farmland by default, with the national attributes.")
        {
            before, after, survey, model, output, classRaster, device, fp16, tile, halo, batch, threads, lanes, allLand, bands, beforeId, afterId,
            beforeDate, afterDate, sourceTag, eight, encoding, chips, profile, simplify, splitBy, radiometry, card, screen, screenThreshold,
        };
        var masks = new MaskOptions(masks: true);
        masks.AddTo(command);
        var grid = GridOptions.AddToDetect(command);
        command.SetAction(async (parse, ct) =>
        {
            InferenceLimits.CheckTile(parse.GetValue(tile), "--tile");
            InferenceLimits.CheckHalo(parse.GetValue(halo), "--halo");
            InferenceLimits.CheckBatch(parse.GetValue(batch), "--batch");
            InferenceLimits.CheckThreads(parse.GetValue(threads), "--threads");
            InferenceLimits.CheckThreads(parse.GetValue(lanes), "--lanes");
            var inference = new InferenceOptions
            {
                Device = DeviceOption.Parse(parse.GetValue(device)!),
                Fp16 = parse.GetValue(fp16),
                TileSize = parse.GetValue(tile),
                Halo = parse.GetValue(halo),
                BatchSize = parse.GetValue(batch),
                IntraOpThreads = parse.GetValue(threads),
                Lanes = parse.GetValue(lanes),
                CardPath = RadiometryOptions.CardPath(parse.GetValue(card)),
                ScreenModelPath = ScreenOptions.ModelPath(parse.GetValue(screen)),
                ScreenThreshold = parse.GetValue(screenThreshold),
            };
            var pair = grid.Apply(parse, new ScenePair(parse.GetValue(before)!, parse.GetValue(after)!)
            {
                BeforeId = parse.GetValue(beforeId),
                AfterId = parse.GetValue(afterId),
                BeforeDate = Date(parse.GetValue(beforeDate), "--before-date"),
                AfterDate = Date(parse.GetValue(afterDate), "--after-date"),
                Bands = parse.GetValue(bands) is { } b ? BandOrder.ParseList(b) : null,
            });
            var options = masks.Apply(parse, new DetectionOptions
            {
                AllLand = parse.GetValue(allLand),
                ClassRasterPath = parse.GetValue(classRaster),
                SourceTag = parse.GetValue(sourceTag)!,
                EightConnected = parse.GetValue(eight),
                ChipsDirectory = parse.GetValue(chips),
                ShapefileEncoding = parse.GetValue(encoding)!,
                SimplifyTolerance = parse.GetValue(simplify),
                Radiometry = RadiometryOptions.Parse(parse.GetValue(radiometry)!),
                SplitBy = parse.GetValue(splitBy)?.ToLowerInvariant() switch
                {
                    null => OutputSplit.None,
                    "county" => OutputSplit.County,
                    var s => throw new InputException($"--split-by {s}: the output can be split by county."),
                },
            });
            using var detector = new ChangeDetector(BundledModels.Resolve(parse.GetValue(model)!), inference);
            var outPath = parse.GetValue(output)!;
            using var bar = new ProgressLine();
            var summary = await detector.DetectToFileAsync(pair, parse.GetValue(survey), outPath,
                options with { Logger = new LineLogger(bar.Line) }, new DetectionProgressLine(bar), ct);
            bar.Dispose();
            Console.Write(SummaryTable.Render(summary, outPath, detector.Card));
            if (parse.GetValue(profile)) Console.Write(SummaryTable.Profile(summary));
            return 0;
        });
        return command;
    }

    private static DateOnly? Date(string? text, string option) =>
        text is null ? null
        : DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d
        : throw new InputException($"{option} {text}: give the date as YYYYMMDD.");
}
