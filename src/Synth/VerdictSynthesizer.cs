using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.SpotCheck;

namespace WeiPian.Synth;

/// <summary>How the synthesised counties report their verdicts.</summary>
public sealed record VerdictSynthOptions
{
    /// <summary>The seed of the choices (which polygons are misreported, which untouched changes are legal).</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Share of the first county's polygons (in code order) it reports as false change (伪变化) whatever they are.</summary>
    public double FalseChangeShare { get; init; } = 0.2;

    /// <summary>Whether the second county reports its demolished-not-farmed changes (rubble) as rectified (已整改).</summary>
    public bool FakeRectification { get; init; } = true;

    /// <summary>Share of untouched changes honestly reported legal (the rest illegal).</summary>
    public double LegalShare { get; init; } = 0.3;
}

/// <summary>What a synthesised verdict set holds.</summary>
/// <param name="Verdicts">verdicts.csv: JCBH, XZQDM, PDLX, PDRQ, as counties report them.</param>
/// <param name="Truth">verdicts_truth.csv: per polygon, the honest verdict, fate, whether the reported one is planted false, and whether imagery can see that.</param>
/// <param name="Counties">verdicts_counties.csv: per county, checkable verdicts and the planted authenticity imagery can measure.</param>
/// <param name="Approvals">approvals.gpkg: an approval polygon over every change honestly reported legal.</param>
/// <param name="Planted">Planted false verdicts.</param>
/// <param name="PlantedVisible">Of them, those the newest image can see (the change still stands there).</param>
public sealed record VerdictSynthResult(string Verdicts, string Truth, string Counties, string Approvals, int Planted, int PlantedVisible);

/// <summary>
/// Synthesises the verdicts two counties report on a synthesised scene's planted changes (<c>recheck_truth.gpkg</c> of
/// <c>weipian synth --recheck</c>), with a known share of false ones, for testing and measuring the spot check (季核).
/// Honest verdicts follow each change's fate (<see cref="RecheckFate"/>): restored is rectified (已整改), partly restored
/// and rubble are illegal, untouched is legal or illegal, clouded is rectified when mostly restored underneath, else
/// illegal. The first county (in code order) reports <see cref="VerdictSynthOptions.FalseChangeShare"/> of its polygons
/// as false change; the second reports its rubble (demolished, not farmed) as rectified.
/// </summary>
public static class VerdictSynthesizer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes verdicts.csv, verdicts_truth.csv, verdicts_counties.csv and approvals.gpkg into <paramref name="directory"/>, beside its recheck_truth.gpkg.</summary>
    /// <exception cref="Engine.InputException">No recheck_truth.gpkg there (synthesise with the third date), or a share outside 0..1.</exception>
    public static VerdictSynthResult Run(string directory, VerdictSynthOptions options)
    {
        if (!(options.FalseChangeShare >= 0 && options.FalseChangeShare <= 1) || !(options.LegalShare >= 0 && options.LegalShare <= 1))
            throw new Engine.InputException("The shares of false-change and legal verdicts must be 0 to 1.");
        var truthPath = Path.Combine(directory, "recheck_truth.gpkg");
        if (!File.Exists(truthPath))
            throw new Engine.InputException($"'{truthPath}' does not exist: synthesise the scene with its third date first (weipian synth --recheck).");
        var changes = Read(truthPath, out var crs);
        var counties = changes.Select(c => c.County).Distinct().Order(StringComparer.Ordinal).ToList();
        var rng = new Rng((ulong)options.Seed ^ 0x5EC0DE);
        var falseCounty = counties.ElementAtOrDefault(0);
        var fakeCounty = counties.ElementAtOrDefault(1);
        var inFalse = changes.Where(c => c.County == falseCounty).ToList();
        var pick = inFalse.OrderBy(c => StratifiedSampler.Key(options.Seed, c.Jcbh)).Take((int)Math.Round(options.FalseChangeShare * inFalse.Count, MidpointRounding.AwayFromZero))
            .Select(c => c.Jcbh).ToHashSet(StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (var c in changes)
        {
            var honest = c.Fate switch
            {
                "restored" => ReportedVerdict.Rectified,
                "untouched" => rng.Chance(options.LegalShare) ? ReportedVerdict.Legal : ReportedVerdict.Illegal,
                "clouded" => c.RestoredShare > 0.5 ? ReportedVerdict.Rectified : ReportedVerdict.Illegal,
                _ => ReportedVerdict.Illegal,
            };
            var reported = pick.Contains(c.Jcbh) ? ReportedVerdict.FalseChange
                : options.FakeRectification && c.County == fakeCounty && c.Fate == "rubble" ? ReportedVerdict.Rectified
                : honest;
            rows.Add(new Row(c, honest, reported));
        }
        var result = new VerdictSynthResult(Path.Combine(directory, "verdicts.csv"), Path.Combine(directory, "verdicts_truth.csv"),
            Path.Combine(directory, "verdicts_counties.csv"), Path.Combine(directory, "approvals.gpkg"),
            rows.Count(r => r.Planted), rows.Count(r => r.Planted && r.Visible));
        Write(result.Verdicts, "JCBH,XZQDM,PDLX,PDRQ", rows.Select(r => $"{r.Change.Jcbh},{r.Change.County},{ReportedVerdicts.ChineseName(r.Reported)},{r.Change.Hsx.AddDays(15):yyyyMMdd}"));
        Write(result.Truth, "JCBH,XZQDM,PDLX,honest,fate,planted_false,visible,checkable",
            rows.Select(r => $"{r.Change.Jcbh},{r.Change.County},{ReportedVerdicts.Name(r.Reported)},{ReportedVerdicts.Name(r.Honest)},{r.Change.Fate},{(r.Planted ? 1 : 0)},{(r.Visible ? 1 : 0)},{(r.Checkable ? 1 : 0)}"));
        Write(result.Counties, "XZQDM,reported,checkable,visible_false,authenticity", counties.Select(county =>
        {
            var mine = rows.Where(r => r.Change.County == county).ToList();
            int checkable = mine.Count(r => r.Checkable), visible = mine.Count(r => r.Checkable && r.Visible);
            return string.Create(Inv, $"{county},{mine.Count},{checkable},{visible},{(checkable == 0 ? "" : (1 - (double)visible / checkable).ToString("0.######", Inv))}");
        }));
        WriteApprovals(result.Approvals, crs, rows.Where(r => r.Reported == ReportedVerdict.Legal).Select(r => r.Change).ToList());
        return result;
    }

    private sealed record Change(string Jcbh, string County, string Fate, double RestoredShare, DateOnly Hsx, Geometry Geometry);

    private sealed record Row(Change Change, ReportedVerdict Honest, ReportedVerdict Reported)
    {
        public bool Planted => Reported != Honest;

        // The newest image can contradict the planted verdict: the change still stands (whole, in part, or as rubble).
        public bool Visible => Planted && Change.Fate is "untouched" or "partly" or "rubble";

        // The imagery can check the reported verdict: a false change or a rectification not under cloud.
        public bool Checkable => ReportedVerdicts.ImageryCheckable(Reported) && Change.Fate != "clouded";
    }

    private static List<Change> Read(string path, out SpatialReference? crs)
    {
        using var ds = VectorDataset.Open(path);
        var layer = ds.Layer("recheck_truth");
        crs = layer.SpatialReference;
        var reader = new WKBReader();
        var list = new List<Change>();
        foreach (var f in layer.Features())
        {
            var jcbh = f.GetString("JCBH")!;
            list.Add(new Change(jcbh, jcbh[..6], f.GetString("fate")!, f.GetDouble("restored_share") ?? 0,
                VerdictFile.ParseDate(f.GetString("HSX")!)!.Value, reader.Read(f.Wkb)));
        }
        return list;
    }

    private static void Write(string path, string header, IEnumerable<string> lines)
    {
        using var output = AtomicOutput.Begin(path);
        File.WriteAllText(output.TempPath, header + "\n" + string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));
        output.Commit();
    }

    // One approval polygon per change reported legal: its outline grown by 2 m (an approval covers what was built).
    private static void WriteApprovals(string path, SpatialReference? crs, IReadOnlyList<Change> legal)
    {
        using var output = VectorOutput.Create(path, "GPKG");
        var layer = output.Dataset.CreateLayer("approvals", GeometryKind.Polygon, crs, [new FieldDefinition("PWH", FieldKind.String, 40)]);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false);
        using (var tx = output.Dataset.BeginTransaction())
        {
            foreach (var c in legal) layer.Add(wkb.Write(c.Geometry.Buffer(2)), ["PW-" + c.Jcbh]);
            tx.Commit();
        }
        output.Commit();
    }
}
