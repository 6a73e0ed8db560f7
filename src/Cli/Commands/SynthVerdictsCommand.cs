using System.CommandLine;
using System.Globalization;
using WeiPian.Synth;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian synth-verdicts</c>: the verdicts two counties report on a synthesised scene, some of them planted false.</summary>
internal static class SynthVerdictsCommand
{
    public static Command Create()
    {
        var defaults = new VerdictSynthOptions();
        var scene = new Option<string>("--scene") { Description = "A folder written by 'weipian synth --recheck' (its recheck_truth.gpkg); the verdict files are written beside it", Required = true };
        var seed = new Option<long>("--seed") { Description = "Seed of the choices", DefaultValueFactory = _ => defaults.Seed };
        var share = new Option<double>("--false-change-share") { Description = "Share of the first county's polygons it reports as false change (伪变化)", DefaultValueFactory = _ => defaults.FalseChangeShare };
        var honest = new Option<bool>("--no-fake-rectification") { Description = "The second county reports its rubble honestly (illegal) instead of as rectified" };
        var command = new Command("synth-verdicts",
            "Synthesise county verdicts on a synthesised scene's planted changes, with planted false ones: verdicts.csv, verdicts_truth.csv, verdicts_counties.csv, approvals.gpkg.")
        {
            scene, seed, share, honest,
        };
        command.SetAction(parse =>
        {
            var r = VerdictSynthesizer.Run(parse.GetValue(scene)!, new VerdictSynthOptions
            {
                Seed = parse.GetValue(seed), FalseChangeShare = parse.GetValue(share), FakeRectification = !parse.GetValue(honest),
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {r.Verdicts}: {r.Planted} planted false verdicts, {r.PlantedVisible} of them visible on the newest image"));
            return 0;
        });
        return command;
    }
}
