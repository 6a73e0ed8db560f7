using System.Globalization;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.SpotCheck;

/// <summary>One polygon's reported verdict.</summary>
/// <param name="Jcbh">The polygon's JCBH.</param>
/// <param name="Verdict">What the county reported (PDLX).</param>
/// <param name="Xzqdm">The county code the file gives (XZQDM), or null when it has no such column.</param>
/// <param name="Date">When the verdict was reported (PDRQ), or null when the file has no such column or leaves it empty.</param>
public sealed record VerdictRecord(string Jcbh, ReportedVerdict Verdict, string? Xzqdm, DateOnly? Date);

/// <summary>
/// Reads the verdicts counties report back: a CSV (UTF-8, header row) or any vector or table source GDAL opens (a
/// GeoPackage's first layer), with columns <c>JCBH</c>, <c>PDLX</c> (the verdict, <see cref="ReportedVerdicts.Parse"/>),
/// and optionally <c>XZQDM</c> and <c>PDRQ</c> (the date reported, YYYYMMDD or YYYY-MM-DD). Other columns are ignored;
/// each JCBH at most once.
/// </summary>
public static class VerdictFile
{
    /// <summary>Reads every verdict, in file order.</summary>
    /// <exception cref="InputException">No such file, a missing column, an unknown verdict or date, or a JCBH twice; the message names the file and line.</exception>
    public static IReadOnlyList<VerdictRecord> Read(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputException($"Verdicts '{path}' do not exist.");
        var rows = Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase) ? CsvRows(path) : VectorRows(path);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<VerdictRecord>();
        foreach (var (where, jcbh, pdlx, xzqdm, pdrq) in rows)
        {
            if (jcbh.Length == 0) throw new InputException($"Verdicts '{path}', {where}: no JCBH.");
            var verdict = ReportedVerdicts.Parse(pdlx)
                ?? throw new InputException($"Verdicts '{path}', {where}: PDLX '{pdlx}' is not a verdict (合法/legal, 违法/illegal, 伪变化/false change, 已整改/拆除复耕/rectified, 设施农用地未备案/facility not filed, 农村道路/rural road, 其他/other).");
            DateOnly? date = pdrq is { Length: > 0 } d ? ParseDate(d) ?? throw new InputException($"Verdicts '{path}', {where}: PDRQ '{d}' is not a date (YYYYMMDD or YYYY-MM-DD).") : null;
            if (!seen.Add(jcbh)) throw new InputException($"Verdicts '{path}', {where}: JCBH {jcbh} is reported twice.");
            list.Add(new VerdictRecord(jcbh, verdict, xzqdm is { Length: > 0 } x ? x : null, date));
        }
        return list;
    }

    /// <summary>Parses YYYYMMDD or YYYY-MM-DD; null when it is neither.</summary>
    public static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text.Trim(), ["yyyyMMdd", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>A date field as text: a stored date as YYYYMMDD, anything else as it reads.</summary>
    internal static string? DateText(VectorFeature f, string field) =>
        f[field] is DateTime t ? t.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : f.GetString(field);

    private static IEnumerable<(string Where, string Jcbh, string Pdlx, string? Xzqdm, string? Pdrq)> CsvRows(string path)
    {
        var table = Csv.Read(path);
        int jcbh = table.Column("JCBH"), pdlx = table.Column("PDLX"), xzqdm = table.Column("XZQDM"), pdrq = table.Column("PDRQ");
        if (jcbh < 0 || pdlx < 0)
            throw new InputException($"Verdicts '{path}': the header must name JCBH and PDLX (and optionally XZQDM, PDRQ); it has {string.Join(", ", table.Header)}.");
        foreach (var (line, f) in table.Rows)
        {
            string? Get(int i) => i < 0 ? null : i < f.Length ? f[i].Trim() : "";
            yield return ($"line {line}", Get(jcbh)!, Get(pdlx)!, Get(xzqdm), Get(pdrq));
        }
    }

    private static List<(string, string, string, string?, string?)> VectorRows(string path)
    {
        using var ds = VectorDataset.Open(path);
        if (ds.LayerCount == 0) throw new InputException($"Verdicts '{path}' hold no layer.");
        var layer = ds.Layer(0);
        bool Has(string f) => layer.FieldIndex(f) >= 0;
        if (!Has("JCBH") || !Has("PDLX"))
            throw new InputException($"Verdicts '{path}': layer '{layer.Name}' must have fields JCBH and PDLX (and optionally XZQDM, PDRQ); it has {string.Join(", ", layer.Fields.Select(f => f.Name))}.");
        var rows = new List<(string, string, string, string?, string?)>();
        foreach (var f in layer.Features())
        {
            var date = Has("PDRQ") ? DateText(f, "PDRQ") : null;
            rows.Add(($"feature {f.Fid.ToString(CultureInfo.InvariantCulture)}", (f.GetString("JCBH") ?? "").Trim(), f.GetString("PDLX") ?? "",
                Has("XZQDM") ? f.GetString("XZQDM")?.Trim() : null, date));
        }
        return rows;
    }
}
