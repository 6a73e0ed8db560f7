using System.Globalization;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.SpotCheck;

/// <summary>One issued polygon as the monthly tally reads it.</summary>
/// <param name="Jcbh">JCBH.</param>
/// <param name="County">XZQDM.</param>
/// <param name="Issued">The date it was issued (XFRQ, else the after image date HSX).</param>
/// <param name="Area">JCMJ, m² (0 when the file has no JCMJ).</param>
/// <param name="Farmland">JCGDMJ, m².</param>
/// <param name="BasicFarmland">YJJBNTMJ, m².</param>
public sealed record IssuedPolygon(string Jcbh, string County, DateOnly Issued, double Area, double Farmland, double BasicFarmland);

/// <summary>A county's or province's figures for the month.</summary>
public sealed record TallyRow
{
    /// <summary>county or province.</summary>
    public required string Level { get; init; }

    /// <summary>XZQDM.</summary>
    public required string Code { get; init; }

    /// <summary>Polygons issued in the month.</summary>
    public int Issued { get; set; }

    /// <summary>Verdicts reported by the deadline (the end of the month after the issue; a verdict without a date counts here).</summary>
    public int OnTime { get; set; }

    /// <summary>Verdicts reported after the deadline.</summary>
    public int Late { get; set; }

    /// <summary>Polygons without a verdict.</summary>
    public int Unverified { get; set; }

    /// <summary>Overdue: late or unverified.</summary>
    public int Overdue => Late + Unverified;

    /// <summary>Verdicts by kind, in <see cref="ReportedVerdict"/> order.</summary>
    public int[] ByVerdict { get; } = new int[Enum.GetValues<ReportedVerdict>().Length];

    /// <summary>JCMJ summed, m².</summary>
    public double Area { get; set; }

    /// <summary>JCGDMJ summed, m².</summary>
    public double Farmland { get; set; }

    /// <summary>YJJBNTMJ summed, m².</summary>
    public double BasicFarmland { get; set; }

    /// <summary>JCGDMJ of polygons reported illegal, m².</summary>
    public double IllegalFarmland { get; set; }
}

/// <summary>The month's tally (月清).</summary>
/// <param name="Month">The first day of the month.</param>
/// <param name="Rows">Counties, then provinces.</param>
/// <param name="Undated">Verdicts of the month's polygons without a date (counted on time).</param>
public sealed record TallyReport(DateOnly Month, IReadOnlyList<TallyRow> Rows, int Undated);

/// <summary>
/// The monthly figures (月清): per county and province, the polygons issued in a month, those verified on time (by the
/// end of the following month: counties verify last month's polygons within the month), late or not at all, the verdict
/// breakdown and the areas on farmland and permanent basic farmland. Written as tally.csv and tally.html.
/// </summary>
public static class MonthlyTally
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Parses a month as YYYY-MM.</summary>
    /// <exception cref="InputException">Not a month.</exception>
    public static DateOnly ParseMonth(string text) =>
        DateOnly.TryParseExact(text.Trim() + "-01", "yyyy-MM-dd", Inv, DateTimeStyles.None, out var d) ? d
        : throw new InputException($"The month '{text}' is not YYYY-MM.") { Setting = "Month" };

    /// <summary>Reads the issued polygons of one or more files (layer tuban, else the first): JCBH, XZQDM, JCGDMJ, YJJBNTMJ, JCMJ when present, and XFRQ (issue date) or HSX.</summary>
    /// <exception cref="InputException">A missing file or field, a date that is none, or a JCBH twice.</exception>
    public static IReadOnlyList<IssuedPolygon> ReadIssued(IReadOnlyList<string> paths)
    {
        var list = new List<IssuedPolygon>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!File.Exists(path) && !Directory.Exists(path)) throw new InputException($"Issued polygons '{path}' do not exist.");
            using var ds = VectorDataset.Open(path);
            if (ds.LayerCount == 0) throw new InputException($"Issued polygons '{path}' hold no layer.");
            var layer = ds.HasLayer("tuban") ? ds.Layer("tuban") : ds.Layer(0);
            bool Has(string f) => layer.FieldIndex(f) >= 0;
            var missing = new[] { "JCBH", "XZQDM", "JCGDMJ", "YJJBNTMJ" }.Where(f => !Has(f)).ToList();
            var dateField = Has("XFRQ") ? "XFRQ" : Has("HSX") ? "HSX" : null;
            if (dateField is null) missing.Add("XFRQ or HSX");
            if (missing.Count > 0)
                throw new InputException($"Issued polygons '{path}': layer '{layer.Name}' lacks {string.Join(", ", missing)}; it has {string.Join(", ", layer.Fields.Select(f => f.Name))}.");
            foreach (var f in layer.Features())
            {
                var jcbh = (f.GetString("JCBH") ?? "").Trim();
                var text = VerdictFile.DateText(f, dateField!) ?? "";
                var date = VerdictFile.ParseDate(text)
                    ?? throw new InputException($"Issued polygons '{path}', feature {f.Fid.ToString(Inv)}: {dateField} '{text}' is not a date (YYYYMMDD or YYYY-MM-DD).");
                if (!seen.Add(jcbh)) throw new InputException($"Issued polygons '{path}': JCBH {jcbh} is issued twice.");
                list.Add(new IssuedPolygon(jcbh, (f.GetString("XZQDM") ?? "").Trim(), date, Has("JCMJ") ? f.GetDouble("JCMJ") ?? 0 : 0,
                    f.GetDouble("JCGDMJ") ?? 0, f.GetDouble("YJJBNTMJ") ?? 0));
            }
        }
        return list;
    }

    /// <summary>Tallies the polygons issued in <paramref name="month"/> against the verdicts.</summary>
    public static TallyReport Tally(IReadOnlyList<IssuedPolygon> issued, IReadOnlyList<VerdictRecord> verdicts, DateOnly month)
    {
        var first = new DateOnly(month.Year, month.Month, 1);
        var deadline = first.AddMonths(2).AddDays(-1);
        var byId = verdicts.ToDictionary(v => v.Jcbh, StringComparer.Ordinal);
        var rows = new Dictionary<(int, string), TallyRow>();
        TallyRow Row(int order, string level, string code) =>
            rows.TryGetValue((order, code), out var r) ? r : rows[(order, code)] = new TallyRow { Level = level, Code = code };
        var undated = 0;
        foreach (var p in issued.Where(p => p.Issued.Year == first.Year && p.Issued.Month == first.Month))
        {
            byId.TryGetValue(p.Jcbh, out var v);
            if (v is { Date: null }) undated++;
            foreach (var row in new[] { Row(0, "county", p.County), Row(1, "province", SampledPolygon.ProvinceOf(p.County)) })
            {
                row.Issued++;
                if (v is null) row.Unverified++;
                else if (v.Date is { } d && d > deadline) row.Late++;
                else row.OnTime++;
                if (v is not null) row.ByVerdict[(int)v.Verdict]++;
                row.Area += p.Area;
                row.Farmland += p.Farmland;
                row.BasicFarmland += p.BasicFarmland;
                if (v?.Verdict == ReportedVerdict.Illegal) row.IllegalFarmland += p.Farmland;
            }
        }
        return new TallyReport(first, rows.OrderBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal).Select(kv => kv.Value).ToList(), undated);
    }

    /// <summary>Reads, tallies and writes tally.csv and tally.html into <paramref name="outputDirectory"/> (created when missing; each atomically).</summary>
    public static TallyReport Run(IReadOnlyList<string> issuedPaths, string verdictsPath, DateOnly month, string outputDirectory)
    {
        foreach (var name in new[] { "tally.csv", "tally.html" })
            OutputPaths.EnsureApart(Path.Combine(outputDirectory, name), [.. issuedPaths, verdictsPath]);
        var report = Tally(ReadIssued(issuedPaths), VerdictFile.Read(verdictsPath), month);
        AtomicOutput.CreateFolderOf(Path.Combine(outputDirectory, "tally.csv"));
        SpotCheckWriter.WriteText(Path.Combine(outputDirectory, "tally.csv"), TallyText.Csv(report));
        SpotCheckWriter.WriteText(Path.Combine(outputDirectory, "tally.html"), TallyText.Html(report));
        return report;
    }
}
