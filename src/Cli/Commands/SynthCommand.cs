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
        var command = new Command("synth", "Synthesise a two-date GF-2-like scene pair with its land survey and ground truth.")
        {
            outDir, size, height, seed, gsd, epsg, density, noShp, recheck,
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
            };
            var clock = Stopwatch.StartNew();
            var r = SceneSynthesizer.Run(options, parse.GetValue(outDir)!, cancellationToken: ct);
            var changes = string.Join(", ", r.Changes.Select(kv => $"{ChangeClasses.Name(kv.Key)} {kv.Value}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {r.Directory}: {r.Width}x{r.Height} px, {r.BeforeDate:yyyy-MM-dd} -> {r.AfterDate:yyyy-MM-dd}, changes: {changes} ({r.ChangesOnFarmland} on farmland), clouds {r.Clouds}, {clock.Elapsed.TotalSeconds:0.0} s"));
            if (r.NewestDate is { } newest)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"newest {newest:yyyy-MM-dd}: {string.Join(", ", r.Fates.Select(kv => $"{RecheckTruth.Name(kv.Key)} {kv.Value}"))}"));
            return Task.FromResult(0);
        });
        return command;
    }
}
