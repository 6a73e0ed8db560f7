using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using WeiPian.Synth;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian synth</c>: a synthetic GF-2-like scene pair with survey and truth.</summary>
internal static class SynthCommand
{
    public static Command Create()
    {
        var outDir = new Option<string>("--out") { Description = "Output folder", Required = true };
        var size = new Option<int>("--size") { Description = $"Columns (and rows unless --height), 16 to {SynthOptions.MaxSide}; the rasters need about 17 bytes a pixel of free disk (26 with --recheck)", DefaultValueFactory = _ => 1024 };
        var height = new Option<int?>("--height") { Description = $"Rows, for a non-square scene, 16 to {SynthOptions.MaxSide}" };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives the same bytes", DefaultValueFactory = _ => 1 };
        var gsd = new Option<double>("--gsd") { Description = $"Ground sample distance in metres, above 0 and at most {SynthOptions.MaxGsd}", DefaultValueFactory = _ => 0.8 };
        var epsg = new Option<int>("--epsg") { Description = "Output CRS (CGCS2000 3-degree Gauss-Kruger zone)", DefaultValueFactory = _ => 4546 };
        var density = new Option<double>("--changes-per-km2") { Description = $"True changes per km² (0: nuisance change only), at most {SynthOptions.MaxChangesPerKm2} and {SynthOptions.MaxChanges} in the scene", DefaultValueFactory = _ => 25 };
        var noShp = new Option<bool>("--no-shapefiles") { Description = "Skip the GBK Shapefile copy of the survey" };
        var recheck = new Option<bool>("--recheck")
        {
            Description = "Also a third date for rectification monitoring: newest.tif, recheck_truth.gpkg/.tif, recheck.json (the other files are unchanged)",
        };
        var bitDepth = new Option<int>("--bit-depth")
        {
            Description = "Bits of the values of both dates: 10 (UInt16 1-1023), 12 or 16 (UInt16, scaled), 8 (Byte, a 2-98 % percentile stretch per band, clipped)",
            DefaultValueFactory = _ => 10,
        };
        var afterBitDepth = new Option<int?>("--after-bit-depth") { Description = "Bits of the after date's values alone (8, 10, 12, 16); default: --bit-depth" };
        var afterGsd = new Option<double?>("--after-gsd") { Description = "The after date's pixel size in metres (the same ground on its own grid); default: --gsd" };
        var afterShift = new Option<string?>("--after-shift") { Description = "DX,DY: the after date's grid origin moved by that many of its pixels east and south (fractions allowed); the ground stays put" };
        var afterEpsg = new Option<int?>("--after-epsg") { Description = "The after date's CRS (e.g. 4547, the next GK zone east): the scene's extent there on whole pixels; default: --epsg" };
        var clouds = new Option<CloudMode>("--clouds")
        {
            Description = "The after date's clouds and shadows: flagged (nodata, the default), unflagged (painted: white, hazy edges, dark shadows), none; after_clouds.tif records them",
            DefaultValueFactory = _ => CloudMode.Flagged,
        };
        var afterSensor = new Option<string>("--after-sensor")
        {
            Description = "The after date's sensor response: native (default), gf1, aerial, or gains=G,G,G,G;offsets=O,O,O,O;width=W (B, G, R, NIR; offsets in 10-bit DN; width: share of each neighbouring band mixed in, 0-0.3)",
            DefaultValueFactory = _ => "native",
        };
        var nuisances = new Option<double>("--nuisances")
        {
            Description = "Nuisance objects per km² that change between the dates but are not violations (mulch, paddy_flooded, pond_drained, "
                + "pond_refilled, haze, season_swap, road, rubble), 10 m clear of changes and clouds, written to nuisance.gpkg (KIND, DATE); "
                + $"some building changes then show a construction stage (STAGE in truth.gpkg: finished, cleared, foundation). At most {SynthOptions.MaxNuisancesPerKm2}; "
                + "0 (default): none, every file as without this option",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("synth", "Synthesise a two-date GF-2-like scene pair with its land survey and ground truth, optionally with nuisance change that is not a violation (--nuisances).")
        {
            outDir, size, height, seed, gsd, epsg, density, noShp, recheck, bitDepth, afterBitDepth, afterGsd, afterShift, afterEpsg, clouds, afterSensor, nuisances,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new SynthOptions
            {
                Size = parse.GetValue(size),
                Height = parse.GetValue(height),
                Seed = parse.GetValue(seed),
                Gsd = parse.GetValue(gsd),
                Epsg = parse.GetValue(epsg),
                ChangesPerKm2 = parse.GetValue(density),
                WriteShapefiles = !parse.GetValue(noShp),
                RecheckDate = parse.GetValue(recheck),
                BitDepth = parse.GetValue(bitDepth),
                AfterBitDepth = parse.GetValue(afterBitDepth),
                AfterGsd = parse.GetValue(afterGsd),
                AfterEpsg = parse.GetValue(afterEpsg),
                Clouds = parse.GetValue(clouds),
                AfterSensor = SensorResponse.Parse(parse.GetValue(afterSensor)!),
                Nuisances = parse.GetValue(nuisances),
            };
            if (parse.GetValue(afterShift) is { } shift)
            {
                var (dx, dy) = ParseShift(shift);
                options = options with { AfterShiftColumns = dx, AfterShiftRows = dy };
            }
            var clock = Stopwatch.StartNew();
            var r = SceneSynthesizer.Run(options, parse.GetValue(outDir)!, cancellationToken: ct);
            var changes = string.Join(", ", r.Changes.Select(kv => $"{ChangeClasses.Name(kv.Key)} {kv.Value}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.Directory}: {r.Width}x{r.Height} px, {r.BeforeDate:yyyy-MM-dd} -> {r.AfterDate:yyyy-MM-dd}, changes: {changes} ({r.ChangesOnFarmland} on farmland), clouds {r.Clouds}, {clock.Elapsed.TotalSeconds:0.0} s"));
            if (r.Nuisances.Count > 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"nuisances: {string.Join(", ", r.Nuisances.Select(kv => $"{NuisanceKinds.Name(kv.Key)} {kv.Value}"))}; building stages: {string.Join(", ", r.BuildingStages.Select(kv => $"{BuildingStages.Name(kv.Key)} {kv.Value}"))}"));
            if (r.NewestDate is { } newest)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"newest {newest:yyyy-MM-dd}: {string.Join(", ", r.Fates.Select(kv => $"{RecheckTruth.Name(kv.Key)} {kv.Value}"))}"));
            return Task.FromResult(0);
        });
        return command;
    }

    private static (double Dx, double Dy) ParseShift(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2
            && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var dx)
            && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var dy)
            ? (dx, dy)
            : throw new WeiPian.Engine.InputException($"--after-shift {text}: give DX,DY, two numbers of pixels (e.g. 2.5,0).");
    }
}
