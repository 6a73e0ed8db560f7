using System.Globalization;
using System.Net;
using System.Text;

namespace WeiPian.Engine.SpotCheck;

/// <summary>
/// The spot check's HTML report, in the style of the reprocess report: the design in a list, the authenticity table per
/// county and province with a bar per region (the rate, its interval as a whisker, the threshold as a dashed line), the
/// doubtful verdicts with their evidence, and the verdicts listed for field or document checks.
/// </summary>
internal static class SpotCheckHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The page.</summary>
    public static string Render(SpotCheckReport report)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var o = report.Options;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Quarterly spot check (季核)</title>\n<style>")
          .Append("body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:2px 8px}")
          .Append("td.n{text-align:right}.flag{color:#b00;font-weight:bold}</style></head><body>\n<h1>Quarterly spot check (季核)</h1>\n<ul>\n");
        void Item(string k, string v) => sb.Append("<li>").Append(E(k)).Append(": ").Append(E(v)).Append("</li>\n");
        Item("verdicts reported", string.Create(Inv, $"{report.Reported} in {report.Inputs.Reported}"));
        Item("sample", string.Create(Inv, $"{report.Sample.Count} drawn ({o.Sample} of each stratum, at least {o.MinPerStratum}), strata by {string.Join(", ", o.Stratify)}, seed {o.Seed}"));
        Item("imagery check", $"{report.Inputs.Image}{(report.Inputs.Reference is { } r ? $" against {r}" : " (indices only: no reference)")} by {report.Method}");
        Item("approvals", report.Inputs.Approvals is { } a ? string.Create(Inv, $"{a}: legal verdicts need {o.ApprovalMinShare:P0} overlap") : "none: legal verdicts go to the field list");
        Item("estimator", string.Create(Inv, $"stratified ratio (weights N_h/n_h), linearised variance with finite-population correction, Wilson interval at {o.Confidence:P0} on the effective sample size; flagged below {o.Threshold:P0}"));
        sb.Append("</ul>\n<h2>Authenticity (真实性)</h2>\n<table><tr><th>level</th><th>code</th><th>reported</th><th>sampled</th><th>checkable</th><th>consistent</th><th>doubtful</th><th>field</th><th>rate</th><th>interval</th><th></th></tr>\n");
        foreach (var g in report.Regions)
        {
            var e = g.Estimate;
            sb.Append(Inv, $"<tr><td>{g.Level}</td><td>{E(g.Code)}</td><td class=\"n\">{g.Reported}</td><td class=\"n\">{e.Sampled}</td><td class=\"n\">{e.Checkable}</td><td class=\"n\">{e.Consistent}</td><td class=\"n\">{e.Doubtful}</td><td class=\"n\">{e.Sampled - e.Checkable}</td>")
              .Append(Inv, $"<td class=\"n{(g.Flagged ? " flag" : "")}\">{Percent(e.Rate)}</td><td class=\"n\">{Percent(e.Lower)} – {Percent(e.Upper)}</td><td>{Bar(e, o.Threshold, g.Flagged)}</td></tr>\n");
        }
        sb.Append("</table>\n");
        var doubtful = report.Sample.Where(s => s.Outcome == SpotCheckOutcome.Doubtful).ToList();
        sb.Append(Inv, $"<h2>Doubtful verdicts ({doubtful.Count}; doubtful.gpkg feeds the next recheck)</h2>\n");
        Rows(sb, doubtful);
        var field = report.Sample.Where(s => s.Outcome == SpotCheckOutcome.FieldCheck).ToList();
        sb.Append(Inv, $"<h2>For field or document checks ({field.Count})</h2>\n");
        Rows(sb, field);
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void Rows(StringBuilder sb, List<SampledPolygon> rows)
    {
        if (rows.Count == 0)
        {
            sb.Append("<p>none</p>\n");
            return;
        }
        sb.Append("<table><tr><th>JCBH</th><th>XZQDM</th><th>TBLX</th><th>reported</th><th>weight</th><th>evidence</th></tr>\n");
        foreach (var s in rows.OrderBy(s => s.County, StringComparer.Ordinal).ThenBy(s => s.Reported.Jcbh, StringComparer.Ordinal))
            sb.Append(Inv, $"<tr><td>{WebUtility.HtmlEncode(s.Reported.Jcbh)}</td><td>{WebUtility.HtmlEncode(s.County)}</td><td>{WebUtility.HtmlEncode(s.Polygon.Tblx ?? "")}</td>")
              .Append(Inv, $"<td>{ReportedVerdicts.ChineseName(s.Reported.Verdict)} {ReportedVerdicts.Name(s.Reported.Verdict)}</td><td class=\"n\">{s.Stratum.Weight:0.00}</td><td>{WebUtility.HtmlEncode(s.Reason)}</td></tr>\n");
        sb.Append("</table>\n");
    }

    // The rate as a bar on 0..100 %, the interval as a whisker, the threshold as a dashed line.
    private static string Bar(AuthenticityEstimate e, double threshold, bool flagged)
    {
        const int width = 200;
        if (e.Rate is not { } rate) return "";
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width + 4}\" height=\"16\" role=\"img\" aria-label=\"{Percent(rate)}\">");
        sb.Append(Inv, $"<rect x=\"0\" y=\"3\" width=\"{rate * width:0.0}\" height=\"10\" fill=\"{(flagged ? "#c22" : "#36c")}\"/>");
        if (e.Lower is { } lo && e.Upper is { } hi)
            sb.Append(Inv, $"<line x1=\"{lo * width:0.0}\" y1=\"8\" x2=\"{hi * width:0.0}\" y2=\"8\" stroke=\"#000\"/><line x1=\"{lo * width:0.0}\" y1=\"4\" x2=\"{lo * width:0.0}\" y2=\"12\" stroke=\"#000\"/><line x1=\"{hi * width:0.0}\" y1=\"4\" x2=\"{hi * width:0.0}\" y2=\"12\" stroke=\"#000\"/>");
        sb.Append(Inv, $"<line x1=\"{threshold * width:0.0}\" y1=\"0\" x2=\"{threshold * width:0.0}\" y2=\"16\" stroke=\"#000\" stroke-dasharray=\"2,2\"/></svg>");
        return sb.ToString();
    }

    private static string Percent(double? r) => r is { } v ? (v * 100).ToString("0.0", Inv) + " %" : "n/a";
}
