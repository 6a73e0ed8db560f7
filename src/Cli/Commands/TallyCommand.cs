using System.CommandLine;
using System.Globalization;
using WeiPian.Engine.SpotCheck;

namespace WeiPian.Cli.Commands;

/// <summary><c>weipian tally</c>: the month's figures (月清) per county and province.</summary>
internal static class TallyCommand
{
    public static Command Create()
    {
        var issued = new Option<string[]>("--issued") { Description = "The issued polygons (tuban .gpkg files; JCBH, XZQDM, JCGDMJ, YJJBNTMJ, XFRQ or HSX)", Required = true, AllowMultipleArgumentsPerToken = true };
        var reported = new Option<string>("--reported") { Description = "The counties' verdicts: .csv or .gpkg with JCBH, PDLX (optional PDRQ, the date reported)", Required = true };
        var month = new Option<string>("--month") { Description = "The month the polygons were issued, YYYY-MM", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: tally.csv, tally.html", Required = true };
        var command = new Command("tally", "The month's figures (月清): polygons issued, verified on time, overdue, verdicts and farmland areas per county and province.")
        {
            issued, reported, month, output,
        };
        command.SetAction((parse, ct) =>
        {
            var m = MonthlyTally.ParseMonth(parse.GetValue(month)!);
            var outDir = parse.GetValue(output)!;
            var report = MonthlyTally.Run(parse.GetValue(issued)!, parse.GetValue(reported)!, m, outDir);
            var inv = CultureInfo.InvariantCulture;
            Console.WriteLine(string.Create(inv, $"{m:yyyy-MM}: {report.Rows.Where(r => r.Level == "province").Sum(r => r.Issued)} polygons issued -> {outDir}"));
            Console.WriteLine($"  {"level",-8} {"code",-8} {"issued",6} {"on time",7} {"overdue",7}");
            foreach (var r in report.Rows) Console.WriteLine(string.Create(inv, $"  {r.Level,-8} {r.Code,-8} {r.Issued,6} {r.OnTime,7} {r.Overdue,7}"));
            return Task.FromResult(0);
        });
        return command;
    }
}
