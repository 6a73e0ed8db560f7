using System.Globalization;
using System.Net;
using System.Text;

namespace WeiPian.Engine.Batch;

/// <summary>
/// Writes a batch's figures: <c>regions.csv</c> (counts and areas per region and TBLX), <c>ratio.csv</c> (the yearly ratio
/// per region, with judgements), <c>report.md</c> and <c>report.html</c> (the same, readable, counties named beside
/// their codes where the survey names them, with a bar chart per region in inline SVG). Each file is written under a temporary name and renamed into place.
/// </summary>
internal static class BatchReportWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes all report files into the batch folder; returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(BatchReport report, BatchSettings settings)
    {
        var dir = settings.OutputDirectory;
        var written = new List<string>();
        void Put(string name, string text)
        {
            var path = Path.Combine(dir, name);
            using var output = Files.AtomicOutput.Begin(path);
            File.WriteAllText(output.TempPath, text, new UTF8Encoding(false));
            output.Commit();
            written.Add(path);
        }
        Put("regions.csv", RegionsCsv(report.Regions));
        if (report.Regions.Any(r => r.Ratio is not null)) Put("ratio.csv", RatioCsv(report.Regions));
        Put("report.md", Markdown(report, settings));
        Put("report.html", Html(report, settings));
        return written;
    }

    /// <summary>regions.csv: level, code, TBLX ("all" for the total), count, areas in m² and 亩, linked and BCTB counts.</summary>
    public static string RegionsCsv(IEnumerable<RegionFigures> regions)
    {
        var sb = new StringBuilder("level,code,TBLX,count,area_m2,area_mu,farmland_m2,farmland_mu,basic_farmland_m2,basic_farmland_mu,linked,supplementary\n");
        foreach (var r in regions)
            foreach (var t in r.ByType.Append(r.Total))
                sb.Append(Csv.Line([Level(r.Level), r.Code, t.Tblx, t.Count.ToString(Inv), Csv.Number(t.Area, 2), Csv.Number(t.AreaMu, 2),
                    Csv.Number(t.FarmlandArea, 2), Csv.Number(t.FarmlandAreaMu, 2), Csv.Number(t.BasicFarmlandArea, 2), Csv.Number(t.BasicFarmlandAreaMu, 2),
                    t.Linked.ToString(Inv), t.Supplementary.ToString(Inv)])).Append('\n');
        return sb.ToString();
    }

    /// <summary>ratio.csv: level, code, the area terms (m²), R as a fraction and in per cent, the flag and the unjudged count.</summary>
    public static string RatioCsv(IEnumerable<RegionFigures> regions)
    {
        var sb = new StringBuilder("level,code,construction_farmland_m2,illegal_farmland_m2,deducted_m2,R,R_percent,flagged,unjudged\n");
        foreach (var r in regions)
        {
            if (r.Ratio is not { } x) continue;
            sb.Append(Csv.Line([Level(r.Level), r.Code, Csv.Number(x.ConstructionFarmland, 2), Csv.Number(x.IllegalFarmland, 2), Csv.Number(x.Deducted, 2),
                x.R is { } v ? Csv.Number(v, 6) : "", x.R is { } p ? Csv.Number(p * 100, 2) : "", x.Flagged ? "Y" : "N", x.Unjudged.ToString(Inv)])).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The Markdown report.</summary>
    public static string Markdown(BatchReport report, BatchSettings settings)
    {
        var names = CountyNames(report);
        var sb = new StringBuilder();
        sb.Append("# Year-end reprocessing report\n\n");
        foreach (var (k, v) in Summary(report, settings)) sb.Append("- ").Append(k).Append(": ").Append(v).Append('\n');
        sb.Append('\n');
        if (report.Failures.Count > 0)
        {
            sb.Append("## Failed scenes\n\n| scene | error |\n|---|---|\n");
            foreach (var (key, error) in report.Failures) sb.Append("| ").Append(key).Append(" | ").Append(error.Replace("|", "\\|", StringComparison.Ordinal)).Append(" |\n");
            sb.Append('\n');
        }
        foreach (var level in new[] { RegionLevel.Province, RegionLevel.City, RegionLevel.County })
        {
            var rows = report.Regions.Where(r => r.Level == level).ToList();
            if (rows.Count == 0) continue;
            sb.Append("## ").Append(LevelTitle(level)).Append("\n\n");
            sb.Append("| code | TBLX | polygons | area 亩 | farmland 亩 | basic farmland 亩 | BCTB | linked |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var r in rows)
                foreach (var t in r.ByType.Append(r.Total))
                    sb.Append(Inv, $"| {Region(r, names)} | {(t.Tblx == "all" ? "**all**" : t.Tblx)} | {t.Count} | {t.AreaMu:0.00} | {t.FarmlandAreaMu:0.00} | {t.BasicFarmlandAreaMu:0.00} | {t.Supplementary} | {t.Linked} |\n");
            sb.Append('\n');
        }
        if (report.Regions.Any(r => r.Ratio is not null))
        {
            sb.Append("## Yearly ratio R\n\nR = (illegal farmland occupation − D) / (farmland occupied by new construction − D); ")
              .Append("new construction = TBLX ").Append(string.Join(", ", settings.Ratio.ConstructionTypes.Order(StringComparer.Ordinal)))
              .Append("; D = illegal farmland of national projects, and of provincial ones below province level. Areas in 亩.\n\n");
            sb.Append("| level | code | new construction | illegal | D | R | ≥ 15 % | unjudged |\n|---|---|---:|---:|---:|---:|---|---:|\n");
            foreach (var r in report.Regions)
            {
                if (r.Ratio is not { } x) continue;
                sb.Append(Inv, $"| {Level(r.Level)} | {Region(r, names)} | {Mu(x.ConstructionFarmland):0.00} | {Mu(x.IllegalFarmland):0.00} | {Mu(x.Deducted):0.00} | {Percent(x.R)} | {(x.Flagged ? "**FLAG**" : "")} | {x.Unjudged} |\n");
            }
            sb.Append('\n');
        }
        if (report.JudgementNotes.Count > 0)
        {
            sb.Append("## Judgement notes\n\n");
            foreach (var n in report.JudgementNotes) sb.Append("- ").Append(n).Append('\n');
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>The HTML report: the Markdown's content with a bar chart per region (area and farmland area by TBLX, and R against 15 %).</summary>
    public static string Html(BatchReport report, BatchSettings settings)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var names = CountyNames(report);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>Year-end reprocessing report</title>\n<style>")
          .Append("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:2px 8px}")
          .Append("td.n{text-align:right}.flag{color:#b00;font-weight:bold}.region{display:inline-block;vertical-align:top;margin:0 1.5em 1.5em 0}")
          .Append("</style></head><body>\n<h1>Year-end reprocessing report</h1>\n<ul>\n");
        foreach (var (k, v) in Summary(report, settings)) sb.Append("<li>").Append(E(k)).Append(": ").Append(E(v)).Append("</li>\n");
        sb.Append("</ul>\n");
        if (report.Failures.Count > 0)
        {
            sb.Append("<h2>Failed scenes</h2>\n<table><tr><th>scene</th><th>error</th></tr>\n");
            foreach (var (key, error) in report.Failures) sb.Append("<tr><td>").Append(E(key)).Append("</td><td>").Append(E(error)).Append("</td></tr>\n");
            sb.Append("</table>\n");
        }
        var types = report.Regions.SelectMany(r => r.ByType).Select(t => t.Tblx).Distinct().Order(StringComparer.Ordinal).ToList();
        var max = report.Regions.SelectMany(r => r.ByType).Select(t => t.AreaMu).DefaultIfEmpty(0).Max();
        foreach (var level in new[] { RegionLevel.Province, RegionLevel.City, RegionLevel.County })
        {
            var rows = report.Regions.Where(r => r.Level == level).ToList();
            if (rows.Count == 0) continue;
            sb.Append("<h2>").Append(E(LevelTitle(level))).Append("</h2>\n<table><tr><th>code</th><th>TBLX</th><th>polygons</th><th>area 亩</th><th>farmland 亩</th><th>basic farmland 亩</th><th>BCTB</th><th>linked</th><th>R</th></tr>\n");
            foreach (var r in rows)
                foreach (var t in r.ByType.Append(r.Total))
                {
                    var ratio = t.Tblx == "all" && r.Ratio is { } x ? $"<span class=\"{(x.Flagged ? "flag" : "")}\">{Percent(x.R)}</span>" : "";
                    sb.Append(Inv, $"<tr><td>{E(Region(r, names))}</td><td>{(t.Tblx == "all" ? "<b>all</b>" : E(t.Tblx))}</td><td class=\"n\">{t.Count}</td><td class=\"n\">{t.AreaMu:0.00}</td><td class=\"n\">{t.FarmlandAreaMu:0.00}</td><td class=\"n\">{t.BasicFarmlandAreaMu:0.00}</td><td class=\"n\">{t.Supplementary}</td><td class=\"n\">{t.Linked}</td><td class=\"n\">{ratio}</td></tr>\n");
                }
            sb.Append("</table>\n<div>\n");
            foreach (var r in rows) sb.Append(Chart(r, Region(r, names), types, max)).Append('\n');
            sb.Append("</div>\n");
        }
        if (report.JudgementNotes.Count > 0)
        {
            sb.Append("<h2>Judgement notes</h2>\n<ul>\n");
            foreach (var n in report.JudgementNotes) sb.Append("<li>").Append(E(n)).Append("</li>\n");
            sb.Append("</ul>\n");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    // One region: a horizontal bar per TBLX (grey: area; green: of it on farmland), to a common scale, and R against 15 %.
    private static string Chart(RegionFigures r, string region, IReadOnlyList<string> types, double max)
    {
        const int label = 44, width = 260, row = 18;
        var height = types.Count * row + (r.Ratio is not null ? row + 8 : 0) + 28;
        var sb = new StringBuilder();
        sb.Append(Inv, $"<div class=\"region\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{label + width + 90}\" height=\"{height}\" role=\"img\" aria-label=\"{Level(r.Level)} {WebUtility.HtmlEncode(region)}\">");
        sb.Append(Inv, $"<text x=\"0\" y=\"14\" font-size=\"13\" font-weight=\"bold\">{Level(r.Level)} {WebUtility.HtmlEncode(region)}</text>");
        var y = 24;
        foreach (var tblx in types)
        {
            var t = r.ByType.FirstOrDefault(x => x.Tblx == tblx);
            var a = t is null || max <= 0 ? 0 : t.AreaMu / max * width;
            var f = t is null || max <= 0 ? 0 : t.FarmlandAreaMu / max * width;
            sb.Append(Inv, $"<text x=\"0\" y=\"{y + 12}\" font-size=\"11\">{WebUtility.HtmlEncode(tblx)}</text>");
            sb.Append(Inv, $"<rect x=\"{label}\" y=\"{y + 2}\" width=\"{a:0.0}\" height=\"12\" fill=\"#bbb\"><title>{tblx}: {t?.AreaMu ?? 0:0.00} 亩</title></rect>");
            sb.Append(Inv, $"<rect x=\"{label}\" y=\"{y + 5}\" width=\"{f:0.0}\" height=\"6\" fill=\"#3a3\"><title>{tblx} on farmland: {t?.FarmlandAreaMu ?? 0:0.00} 亩</title></rect>");
            sb.Append(Inv, $"<text x=\"{label + a + 4:0.0}\" y=\"{y + 12}\" font-size=\"10\">{t?.AreaMu ?? 0:0.0} 亩</text>");
            y += row;
        }
        if (r.Ratio is { } ratio)
        {
            y += 8;
            var v = Math.Clamp(ratio.R ?? 0, 0, 1) * width;
            var line = label + ratio.Threshold * width;
            sb.Append(Inv, $"<text x=\"0\" y=\"{y + 12}\" font-size=\"11\">R</text>");
            sb.Append(Inv, $"<rect x=\"{label}\" y=\"{y + 2}\" width=\"{v:0.0}\" height=\"12\" fill=\"{(ratio.Flagged ? "#c22" : "#36c")}\"><title>R = {Percent(ratio.R)}</title></rect>");
            sb.Append(Inv, $"<line x1=\"{line:0.0}\" y1=\"{y}\" x2=\"{line:0.0}\" y2=\"{y + 16}\" stroke=\"#000\" stroke-dasharray=\"2,2\"/>");
            sb.Append(Inv, $"<text x=\"{label + v + 4:0.0}\" y=\"{y + 12}\" font-size=\"10\">{Percent(ratio.R)}</text>");
        }
        sb.Append("</svg></div>");
        return sb.ToString();
    }

    private static IEnumerable<(string, string)> Summary(BatchReport report, BatchSettings settings)
    {
        yield return ("scenes", string.Create(Inv, $"{report.Total} in the manifest: {report.Done} done ({report.Resume.AlreadyDone} by an earlier run), {report.Failures.Count} failed"));
        yield return ("polygons", string.Create(Inv, $"{report.Polygons.Count} after merging {report.Merge.ScenePolygons} scene polygons ({report.Merge.MergedGroups} changes seen by more than one scene, from {report.Merge.MergedParts} parts)"));
        yield return ("supplementary candidates (BCTB = Y)", report.Polygons.Count(p => p.Bctb).ToString(Inv));
        yield return ("already recorded by the current survey (YBG = Y)", report.Polygons.Count(p => p.Ybg).ToString(Inv));
        if (settings.PreviousPath is not null) yield return ("linked to earlier polygons", report.Linked.ToString(Inv));
        yield return ("model", Path.GetFileName(settings.ModelPath));
        yield return ("survey", settings.SurveyPath + (settings.CurrentSurveyPath is { } c ? $"; current survey {c}" : ""));
        yield return ("CRS", report.Crs.IsSame(report.Merge.Crs) ? report.Crs.ToString() : $"{report.Crs} (areas, X and Y in {report.Merge.Crs})");
    }

    // County names as the survey's XZQ layer gives them (the polygons' XZQMC); it has none for provinces and cities.
    private static Dictionary<string, string> CountyNames(BatchReport report) =>
        report.Polygons.Select(p => p.Tuban).Where(t => t.Xzqmc.Length > 0)
            .GroupBy(t => t.Xzqdm, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Xzqmc, StringComparer.Ordinal);

    // "430102 芙蓉区" for a county the survey names, else the code alone.
    private static string Region(RegionFigures r, Dictionary<string, string> countyNames) =>
        r.Level == RegionLevel.County && countyNames.TryGetValue(r.Code, out var name) ? $"{r.Code} {name}" : r.Code;

    private static double Mu(double m2) => m2 / Output.Tuban.SquareMetresPerMu;

    private static string Percent(double? r) => r is { } v ? (v * 100).ToString("0.00", Inv) + " %" : "n/a";

    private static string Level(RegionLevel l) => l switch { RegionLevel.Province => "province", RegionLevel.City => "city", _ => "county" };

    private static string LevelTitle(RegionLevel l) => l switch
    {
        RegionLevel.Province => "Provinces (省)",
        RegionLevel.City => "Cities (市)",
        _ => "Counties (县)",
    };
}
