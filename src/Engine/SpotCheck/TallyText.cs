using System.Globalization;
using System.Net;
using System.Text;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.SpotCheck;

/// <summary>The monthly tally as CSV and HTML (the columns a provincial report needs).</summary>
internal static class TallyText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] VerdictColumns = Enum.GetValues<ReportedVerdict>().Select(v => ReportedVerdicts.Name(v).Replace(' ', '_')).ToArray();

    /// <summary>tally.csv: level, code, issued, on_time, late, unverified, overdue, one column per verdict, then areas in m² and 亩.</summary>
    public static string Csv(TallyReport report)
    {
        var sb = new StringBuilder("level,code,issued,on_time,late,unverified,overdue,")
            .Append(string.Join(",", VerdictColumns))
            .Append(",area_m2,farmland_m2,basic_farmland_m2,illegal_farmland_m2,farmland_mu,basic_farmland_mu,illegal_farmland_mu\n");
        foreach (var r in report.Rows)
            sb.Append(Batch.Csv.Line([r.Level, r.Code, N(r.Issued), N(r.OnTime), N(r.Late), N(r.Unverified), N(r.Overdue), .. r.ByVerdict.Select(N),
                Batch.Csv.Number(r.Area, 2), Batch.Csv.Number(r.Farmland, 2), Batch.Csv.Number(r.BasicFarmland, 2), Batch.Csv.Number(r.IllegalFarmland, 2),
                Batch.Csv.Number(Mu(r.Farmland), 2), Batch.Csv.Number(Mu(r.BasicFarmland), 2), Batch.Csv.Number(Mu(r.IllegalFarmland), 2)])).Append('\n');
        return sb.ToString();
    }

    /// <summary>tally.html: the same table, overdue counts in red.</summary>
    public static string Html(TallyReport report)
    {
        var month = report.Month.ToString("yyyy-MM", Inv);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Monthly tally (月清) ").Append(month).Append("</title>\n<style>")
          .Append("body{font-family:sans-serif;margin:2em;max-width:90em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:2px 8px}")
          .Append("td.n{text-align:right}.flag{color:#b00;font-weight:bold}</style></head><body>\n<h1>Monthly tally (月清) ").Append(month).Append("</h1>\n<ul>\n")
          .Append(Inv, $"<li>polygons issued in {month}, due by {report.Month.AddMonths(2).AddDays(-1):yyyy-MM-dd} (the end of the following month)</li>\n")
          .Append(Inv, $"<li>verdicts without a date (PDRQ), counted on time: {report.Undated}</li>\n</ul>\n<table><tr><th>level</th><th>code</th><th>issued</th><th>on time</th><th>late</th><th>unverified</th><th>overdue</th>");
        foreach (var v in Enum.GetValues<ReportedVerdict>()) sb.Append("<th>").Append(ReportedVerdicts.ChineseName(v)).Append("</th>");
        sb.Append("<th>area 亩</th><th>farmland 亩</th><th>basic farmland 亩</th><th>illegal farmland 亩</th></tr>\n");
        foreach (var r in report.Rows)
        {
            sb.Append(Inv, $"<tr><td>{r.Level}</td><td>{WebUtility.HtmlEncode(r.Code)}</td><td class=\"n\">{r.Issued}</td><td class=\"n\">{r.OnTime}</td><td class=\"n\">{r.Late}</td><td class=\"n\">{r.Unverified}</td><td class=\"n{(r.Overdue > 0 ? " flag" : "")}\">{r.Overdue}</td>");
            foreach (var n in r.ByVerdict) sb.Append(Inv, $"<td class=\"n\">{n}</td>");
            sb.Append(Inv, $"<td class=\"n\">{Mu(r.Area):0.00}</td><td class=\"n\">{Mu(r.Farmland):0.00}</td><td class=\"n\">{Mu(r.BasicFarmland):0.00}</td><td class=\"n\">{Mu(r.IllegalFarmland):0.00}</td></tr>\n");
        }
        sb.Append("</table>\n</body></html>\n");
        return sb.ToString();
    }

    private static string N(int n) => n.ToString(Inv);

    private static double Mu(double m2) => m2 / Tuban.SquareMetresPerMu;
}
