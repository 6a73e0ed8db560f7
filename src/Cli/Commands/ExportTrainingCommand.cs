using System.CommandLine;
using System.Globalization;
using WeiPian.Engine;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Training;
using WeiPian.Models;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian export-training</c>: training chips from the change polygons users have verified.</summary>
internal static class ExportTrainingCommand
{
    public static Command Create()
    {
        var d = new TrainingOptions();
        var inv = CultureInfo.InvariantCulture;
        var pairs = new Option<string>("--pairs") { Description = "The scene pairs: a CSV as reprocess's manifest (before, after, key, align, bands, ...)", Required = true };
        var polygons = new Option<string>("--polygons") { Description = "The verified change polygons: any vector source GDAL opens, any CRS", Required = true };
        var layer = new Option<string?>("--layer") { Description = "Layer of --polygons (default: the first)" };
        var classField = new Option<string>("--class-field") { Description = "Field holding the change type: a TBLX code or class name of the model's card", DefaultValueFactory = _ => d.ClassField };
        var verdictField = new Option<string?>("--verdict-field") { Description = "Field holding the county's verdict (default: PDLX when the layer has it, else every polygon is a real change)" };
        var falseChange = new Option<string>("--false-change") { Description = "Verdict values that mean false change, comma-separated", DefaultValueFactory = _ => string.Join(",", d.FalseChangeValues) };
        var output = new Option<string>("--out") { Description = "Export folder (new, empty, or an earlier export): before/, after/, mask/, index.jsonl, export.json", Required = true };
        var chip = new Option<int>("--chip") { Description = $"Chip side in pixels, {TrainingOptions.MinChipSize} to {TrainingOptions.MaxChipSize}", DefaultValueFactory = _ => d.ChipSize };
        var bands = new Option<string?>("--bands") { Description = "Band roles of the images in band order (for manifest rows without a bands column), e.g. B,G,R,NIR" };
        var splitBlock = new Option<double>("--split-block") { Description = "Side of the blocks hashed to train/validation/test (70/15/15 %), metres; chips straddling two splits are dropped", DefaultValueFactory = _ => d.SplitBlockMetres };
        var model = new Option<string?>("--model") { Description = "Bundled model name or .onnx file whose card gives the bands and class ids (default spectral-v1)" };
        var card = new Option<string?>("--card") { Description = "A model card (JSON) instead of --model" };
        var seed = new Option<long>("--seed") { Description = "Seed of the jitter, unchanged chips and split: the same seed gives the same export", DefaultValueFactory = _ => d.Seed };
        var jitter = new Option<double>("--jitter") { Description = "Greatest shift of a chip's centre from its polygon, as a share of the chip side, 0 to 0.5", DefaultValueFactory = _ => d.Jitter };
        var perChange = new Option<int>("--per-change") { Description = "Chips per verified real change (positives), 1 to 16", DefaultValueFactory = _ => d.ChipsPerChange };
        var perFalse = new Option<int>("--per-false-change") { Description = "Chips per polygon judged false change (hard negatives), 0 to 16", DefaultValueFactory = _ => d.ChipsPerFalseChange };
        var unchanged = new Option<double>("--unchanged") { Description = "Chips of unchanged land per positive chip, 0 to 10, clear of every verified polygon", DefaultValueFactory = _ => d.UnchangedPerPositive };
        var edge = new Option<int>("--edge-ignore") { Description = "Pixels either side of every verified polygon's edge marked 255 (ignore) in the mask, 0 to 16", DefaultValueFactory = _ => d.EdgeIgnorePixels };
        var maxNoData = new Option<double>("--max-nodata") { Description = "Chips with more than this share of nodata pixels are not written, 0 to 1", DefaultValueFactory = _ => d.MaxNoDataShare };
        var command = new Command("export-training",
            "Training chips from verified change polygons: before/after chips in the card's bands and native type, a class mask (card class ids, 0 no change, "
            + string.Create(inv, $"{TrainingOptions.Ignore} ignore under nodata and on polygon edges), an index; positives on real changes, hard negatives on false changes and unchanged land; split by geography."))
        {
            pairs, polygons, layer, classField, verdictField, falseChange, output, chip, bands, splitBlock, model, card, seed, jitter, perChange, perFalse, unchanged, edge, maxNoData,
        };
        command.SetAction((parse, ct) =>
        {
            var modelCard = ReadCard(parse.GetValue(model), RadiometryOptions.CardPath(parse.GetValue(card)));
            var options = new TrainingOptions
            {
                Layer = parse.GetValue(layer),
                ClassField = parse.GetValue(classField)!,
                VerdictField = parse.GetValue(verdictField),
                FalseChangeValues = parse.GetValue(falseChange)!.Split(',', StringSplitOptions.TrimEntries),
                ChipSize = parse.GetValue(chip),
                Bands = parse.GetValue(bands) is { } b ? BandOrder.ParseList(b) : null,
                SplitBlockMetres = parse.GetValue(splitBlock),
                Seed = parse.GetValue(seed),
                Jitter = parse.GetValue(jitter),
                ChipsPerChange = parse.GetValue(perChange),
                ChipsPerFalseChange = parse.GetValue(perFalse),
                UnchangedPerPositive = parse.GetValue(unchanged),
                EdgeIgnorePixels = parse.GetValue(edge),
                MaxNoDataShare = parse.GetValue(maxNoData),
            };
            var outDir = parse.GetValue(output)!;
            TrainingCounts counts;
            using (var bar = new ProgressLine())
            {
                var progress = new Progress(bar);
                counts = TrainingExport.Run(parse.GetValue(pairs)!, parse.GetValue(polygons)!, modelCard, outDir, options, progress, ct);
                bar.Show(1, string.Create(inv, $"done  chips {counts.Total}"), null, milestone: true);
            }
            Console.Write(Render(counts, outDir));
            return Task.FromResult(0);
        });
        return command;
    }

    // The card of --card, else of --model's ONNX file (spectral-v1 when neither is given); both is ambiguous.
    private static ModelCard ReadCard(string? model, string? cardPath)
    {
        if (model is not null && cardPath is not null)
            throw new InputException("--model and --card both name the card to export for; give one.");
        return cardPath is not null ? ModelCard.ParseFile(cardPath) : ChangeModel.ReadCard(BundledModels.Resolve(model ?? "spectral-v1"));
    }

    private static string Render(TrainingCounts c, string outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        var w = new StringWriter(inv);
        w.WriteLine(string.Create(inv, $"{c.Total} chips from {c.Scenes} scene pair(s) and {c.Polygons - c.PolygonsOffImages} of {c.Polygons} verified polygons -> {outDir}"));
        w.WriteLine($"  {"split",-11} {"positive",9} {"false-change",13} {"unchanged",10}");
        foreach (var split in Enum.GetValues<SplitName>())
            w.WriteLine(string.Create(inv, $"  {GeographicSplit.Name(split),-11} {c.Written.GetValueOrDefault((split, ChipKind.Positive)),9} {c.Written.GetValueOrDefault((split, ChipKind.FalseChange)),13} {c.Written.GetValueOrDefault((split, ChipKind.Unchanged)),10}"));
        w.WriteLine(string.Create(inv,
            $"  dropped: {c.Straddling} straddling two splits, {c.MostlyNoData} mostly nodata; {c.UnchangedShort} unchanged chips found no room; {c.PolygonsOffImages} polygons on no image"));
        return w.ToString();
    }

    private sealed class Progress(ProgressLine line) : IProgress<TrainingProgress>
    {
        private string? _scene;

        public void Report(TrainingProgress p)
        {
            var milestone = p.Scene != _scene;
            _scene = p.Scene;
            line.Show(p.Total == 0 ? 0.99 : 0.99 * p.Done / p.Total, string.Create(CultureInfo.InvariantCulture, $"chips {p.Done}/{p.Total}  scene {p.Scene}"), null, milestone);
        }
    }
}
