using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.SpotCheck;

/// <summary>
/// Writes a spot check's outputs, each under a temporary name renamed into place: <c>sample.gpkg</c> (layer
/// <c>sample</c>: every sampled verdict with its stratum, weight, outcome and evidence), <c>strata.csv</c> (N_h, n_h,
/// weight), <c>authenticity.csv</c> (per county and province), <c>report.html</c>, and <c>doubtful.gpkg</c> (layer
/// <c>tuban</c>: the doubtful polygons with JCBH, XZQDM, TBLX, as <c>weipian recheck --polygons</c> takes them).
/// </summary>
internal static class SpotCheckWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The fields of sample.gpkg, in order.</summary>
    public static IReadOnlyList<FieldDefinition> SampleFields { get; } =
    [
        new("JCBH", FieldKind.String, 30), new("XZQDM", FieldKind.String, 12), new("TBLX", FieldKind.String, 8), new("PDLX", FieldKind.String, 20),
        new("PDLXMC", FieldKind.String, 20), new("stratum", FieldKind.String, 60), new("stratum_N", FieldKind.Integer), new("drawn", FieldKind.Integer),
        new("weight", FieldKind.Real, 12, 4), new("outcome", FieldKind.String, 12), new("checked_by", FieldKind.String, 10),
        new("reason", FieldKind.String, 200), new("rc_verdict", FieldKind.String, 16), new("changed", FieldKind.Real, 8, 4),
        new("obscured", FieldKind.Real, 8, 4), new("restored", FieldKind.Real, 8, 4), new("back", FieldKind.Real, 8, 4),
        new("ndvi", FieldKind.Real, 8, 4), new("ZDBH", FieldKind.String, 60), new("approval", FieldKind.Real, 8, 4), new("JCMJ", FieldKind.Real, 18, 2),
    ];

    /// <summary>Writes every output into <paramref name="directory"/>; returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(SpotCheckReport report, SpatialReference? crs, string directory)
    {
        var written = new List<string>();
        void Text(string name, string text) => written.Add(WriteText(Path.Combine(directory, name), text));
        var sample = Path.Combine(directory, "sample.gpkg");
        WriteLayer(sample, "sample", crs, SampleFields, report.Sample, SampleValues);
        written.Add(sample);
        Text("strata.csv", StrataCsv(report));
        Text("authenticity.csv", AuthenticityCsv(report));
        Text("report.html", SpotCheckHtml.Render(report));
        var doubtful = Path.Combine(directory, "doubtful.gpkg");
        WriteLayer(doubtful, "tuban", crs, DoubtfulFields, report.Sample.Where(s => s.Outcome == SpotCheckOutcome.Doubtful).ToList(), DoubtfulValues);
        written.Add(doubtful);
        return written;
    }

    /// <summary>Writes UTF-8 text (no BOM) under a temporary name renamed into place; returns the path.</summary>
    internal static string WriteText(string path, string text)
    {
        using var output = AtomicOutput.Begin(path);
        File.WriteAllText(output.TempPath, text, new UTF8Encoding(false));
        output.Commit();
        return path;
    }

    private static readonly FieldDefinition[] DoubtfulFields =
    [
        new("JCBH", FieldKind.String, 30), new("XZQDM", FieldKind.String, 12), new("TBLX", FieldKind.String, 8), new("PDLX", FieldKind.String, 20),
        new("reason", FieldKind.String, 200),
    ];

    private static object?[] DoubtfulValues(SampledPolygon s) =>
        [s.Reported.Jcbh, s.County, s.Polygon.Tblx, ReportedVerdicts.Name(s.Reported.Verdict), s.Reason];

    private static object?[] SampleValues(SampledPolygon s)
    {
        var r = s.Imagery;
        static object? Share(double? v) => v is { } x && !double.IsNaN(x) ? Math.Round(x, 4) : null;
        return
        [
            s.Reported.Jcbh, s.County, s.Polygon.Tblx, ReportedVerdicts.Name(s.Reported.Verdict), ReportedVerdicts.ChineseName(s.Reported.Verdict),
            s.Stratum.Key, s.Stratum.Population, s.Stratum.Sampled, Math.Round(s.Stratum.Weight, 4), Outcome(s.Outcome), s.CheckedBy, s.Reason,
            r is null ? null : Recheck.RecheckVerdicts.Name(r.Verdict), Share(r?.ChangedShare), Share(r?.ObscuredShare), Share(r?.ModelRestoredShare),
            Share(r?.BackShare), Share(r?.MeanNdvi), r?.Method, Share(s.ApprovalShare), Math.Round(s.Polygon.Geometry.Area, 2),
        ];
    }

    private static void WriteLayer(string path, string layerName, SpatialReference? crs, IReadOnlyList<FieldDefinition> fields,
        IReadOnlyList<SampledPolygon> rows, Func<SampledPolygon, object?[]> values)
    {
        using var output = VectorOutput.Create(path, "GPKG");
        var layer = output.Dataset.CreateLayer(layerName, GeometryKind.MultiPolygon, crs, fields);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false);
        using (var tx = output.Dataset.BeginTransaction())
        {
            foreach (var s in rows)
            {
                var g = s.Polygon.Geometry is Polygon one ? one.Factory.CreateMultiPolygon([one]) : s.Polygon.Geometry;
                layer.Add(wkb.Write(g), values(s));
            }
            tx.Commit();
        }
        output.Commit();
    }

    /// <summary>The name of an outcome as written (consistent, doubtful, field).</summary>
    public static string Outcome(SpotCheckOutcome o) => o switch
    {
        SpotCheckOutcome.Consistent => "consistent",
        SpotCheckOutcome.Doubtful => "doubtful",
        _ => "field",
    };

    /// <summary>strata.csv: stratum, its values, N_h, n_h, weight N_h/n_h.</summary>
    public static string StrataCsv(SpotCheckReport report)
    {
        var sb = new StringBuilder("stratum,").Append(string.Join(",", report.Options.Stratify.Select(f => f.ToUpperInvariant()))).Append(",N_h,n_h,weight\n");
        foreach (var s in report.Strata)
            sb.Append(Csv.Line([s.Key, .. s.Key.Split('|'), s.Population.ToString(Inv), s.Sampled.ToString(Inv), Csv.Number(s.Weight, 4)])).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// authenticity.csv: level, code, reported, sampled, checkable, consistent, doubtful, field (sampled verdicts listed for
    /// field checks), rate, lower, upper (the interval at the options' confidence), n_eff, flagged (Y when the rate is below
    /// the threshold).
    /// </summary>
    public static string AuthenticityCsv(SpotCheckReport report)
    {
        var sb = new StringBuilder("level,code,reported,sampled,checkable,consistent,doubtful,field,rate,lower,upper,n_eff,flagged\n");
        static string Rate(double? v) => v is { } x ? Csv.Number(x, 4) : "";
        foreach (var r in report.Regions)
        {
            var e = r.Estimate;
            sb.Append(Csv.Line([r.Level, r.Code, r.Reported.ToString(Inv), e.Sampled.ToString(Inv), e.Checkable.ToString(Inv), e.Consistent.ToString(Inv),
                e.Doubtful.ToString(Inv), (e.Sampled - e.Checkable).ToString(Inv), Rate(e.Rate), Rate(e.Lower), Rate(e.Upper),
                double.IsPositiveInfinity(e.EffectiveSize) ? "census" : Csv.Number(e.EffectiveSize, 1), r.Flagged ? "Y" : "N"])).Append('\n');
        }
        return sb.ToString();
    }
}
