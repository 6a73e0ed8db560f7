using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Union;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Recheck;

namespace WeiPian.Engine.SpotCheck;

/// <summary>
/// The quarterly spot check (季核) of the verdicts counties report: draws a reproducible stratified random sample of
/// them, checks each sampled verdict with what can check it (the newest image for a false change or a rectification,
/// through the recheck's machinery; the approval polygons for a legal verdict), estimates each county's and province's
/// authenticity rate (真实性) with its confidence interval, and writes the sample, the tables, an HTML report and the
/// doubtful polygons for the next recheck or field work. See docs/SPOTCHECK.md.
/// </summary>
public static class VerdictSpotCheck
{
    /// <summary>The output files, in the output folder.</summary>
    public static IReadOnlyList<string> OutputNames { get; } = ["sample.gpkg", "strata.csv", "authenticity.csv", "report.html", "doubtful.gpkg"];

    /// <summary>
    /// Runs the spot check and writes its outputs into <paramref name="outputDirectory"/> (created when missing; each file
    /// under a temporary name renamed into place; other files there are left alone). Every input is checked before work.
    /// </summary>
    /// <exception cref="InputException">A missing or unreadable input, a missing field, an unknown verdict, a verdict without
    /// its polygon or a polygon without a verdict, an option out of range, or an output that is an input.</exception>
    public static async Task<SpotCheckReport> RunAsync(SpotCheckInputs inputs, SpotCheckOptions options, string outputDirectory,
        InferenceOptions? inference = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        options.Recheck.Validate();
        string?[] inputPaths = [inputs.Reported, inputs.Polygons, inputs.Image, inputs.Reference, inputs.Approvals, inputs.Model];
        foreach (var name in OutputNames) OutputPaths.EnsureApart(Path.Combine(outputDirectory, name), inputPaths);
        if (inputs.Reference is not null && inputs.Model is null)
            throw new InputException("A reference image needs a change model to compare it with the newest image.") { Setting = nameof(SpotCheckInputs.Model) };
        if (!File.Exists(inputs.Image)) throw new FileNotFoundException($"Newest image '{inputs.Image}' does not exist.", inputs.Image);
        if (inputs.Reference is { } refPath && !File.Exists(refPath)) throw new FileNotFoundException($"Reference image '{refPath}' does not exist.", refPath);
        SpatialReference? crs;
        using (var image = RasterDataset.Open(inputs.Image)) crs = image.SpatialReference;
        var verdicts = VerdictFile.Read(inputs.Reported);
        var polygons = EarlierPolygon.Read(inputs.Polygons, crs, options.Recheck);
        var approvals = inputs.Approvals is { } a ? EarlierPolygon.Read(a, crs) : null;
        var units = Join(verdicts, polygons, inputs);
        var stratify = options.Stratify.Select(f => f.ToUpperInvariant()).ToList();
        var (strata, drawn) = StratifiedSampler.Draw(units, u => u.Reported.Jcbh, u => StratumKey(u, stratify), options.Sample, options.MinPerStratum, options.Seed);

        var images = new RecheckImages(inputs.Image) { Reference = inputs.Reference };
        var toImage = drawn.Where(d => ReportedVerdicts.ImageryCheckable(d.Unit.Reported.Verdict)).Select(d => d.Unit.Polygon).ToList();
        var imagery = new Dictionary<string, RecheckResult>(StringComparer.Ordinal);
        var method = "indices";
        AtomicOutput.CreateFolderOf(Path.Combine(outputDirectory, OutputNames[0]));
        if (toImage.Count > 0)
        {
            using var check = new RectificationCheck(inputs.Reference is null ? null : inputs.Model, inference);
            using var chips = options.Chips ? new RecheckChips(Path.Combine(outputDirectory, "chips"), images, options.Recheck.Chips) : null;
            await foreach (var r in check.CheckAsync(toImage, images, options.Recheck with { ChipsDirectory = null }, null, cancellationToken).ConfigureAwait(false))
            {
                imagery[r.Jcbh] = r;
                method = r.Method;
                chips?.Add(r);
            }
            chips?.Finish();
        }
        var approvalIndex = approvals is null ? null : Index(approvals);
        var sample = drawn.Select(d => Judge(d.Unit, d.Stratum, imagery, approvalIndex, options)).ToList();
        var regions = Regions(units, sample, options);
        var report = new SpotCheckReport
        {
            Strata = strata, Sample = sample, Regions = regions, Reported = units.Count, Method = method, Inputs = inputs, Options = options,
        };
        return report with { Files = SpotCheckWriter.WriteAll(report, crs, outputDirectory) };
    }

    /// <summary>A verdict joined to its polygon, with the county it counts for.</summary>
    internal sealed record Unit(VerdictRecord Reported, EarlierPolygon Polygon, string County);

    private static List<Unit> Join(IReadOnlyList<VerdictRecord> verdicts, IReadOnlyList<EarlierPolygon> polygons, SpotCheckInputs inputs)
    {
        var byId = new Dictionary<string, EarlierPolygon>(StringComparer.Ordinal);
        foreach (var p in polygons) byId.TryAdd(p.Jcbh, p);
        var missing = verdicts.Where(v => !byId.ContainsKey(v.Jcbh)).Select(v => v.Jcbh).ToList();
        if (missing.Count > 0)
            throw new InputException($"Verdicts '{inputs.Reported}': {Count(missing.Count, "JCBH")} not among the polygons of '{inputs.Polygons}' ({First(missing)}); a verdict can be checked only with its polygon.");
        var reported = verdicts.Select(v => v.Jcbh).ToHashSet(StringComparer.Ordinal);
        var unreported = polygons.Where(p => !reported.Contains(p.Jcbh)).Select(p => p.Jcbh).ToList();
        if (unreported.Count > 0)
            throw new InputException($"Polygons '{inputs.Polygons}': {Count(unreported.Count, "polygon")} without a verdict in '{inputs.Reported}' ({First(unreported)}); give the reported polygons only (weipian tally counts those overdue).");
        var units = new List<Unit>(verdicts.Count);
        foreach (var v in verdicts)
        {
            var p = byId[v.Jcbh];
            var county = v.Xzqdm ?? p.Xzqdm;
            if (county is not { Length: > 0 })
                throw new InputException($"Verdicts '{inputs.Reported}': JCBH {v.Jcbh} has no county: neither the verdicts nor the polygons of '{inputs.Polygons}' give XZQDM.");
            units.Add(new Unit(v, p, county));
        }
        return units;
    }

    private static string Count(int n, string what) => n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");

    private static string First(List<string> ids) => string.Join(", ", ids.Take(3)) + (ids.Count > 3 ? ", ..." : "");

    private static string StratumKey(Unit u, IReadOnlyList<string> fields) => string.Join("|", fields.Select(f => f switch
    {
        "XZQDM" => u.County,
        "PDLX" => ReportedVerdicts.Name(u.Reported.Verdict),
        _ => u.Polygon.Tblx ?? "",
    }));

    private static STRtree<Geometry> Index(IReadOnlyList<EarlierPolygon> approvals)
    {
        var tree = new STRtree<Geometry>();
        foreach (var a in approvals) tree.Insert(a.Geometry.EnvelopeInternal, a.Geometry);
        tree.Build();
        return tree;
    }

    /// <summary>Share of <paramref name="polygon"/>'s area inside the union of the approval polygons (overlapping approvals count once).</summary>
    internal static double ApprovalShare(Geometry polygon, STRtree<Geometry> approvals)
    {
        var area = polygon.Area;
        if (area <= 0) return 0;
        var pieces = approvals.Query(polygon.EnvelopeInternal).Where(a => a.Intersects(polygon)).Select(a => a.Intersection(polygon)).ToList();
        return pieces.Count == 0 ? 0 : Math.Min(1, UnaryUnionOp.Union(pieces).Area / area);
    }

    private static SampledPolygon Judge(Unit u, Stratum stratum, Dictionary<string, RecheckResult> imagery, STRtree<Geometry>? approvals, SpotCheckOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var verdict = u.Reported.Verdict;
        SampledPolygon Result(SpotCheckOutcome outcome, string by, string reason) => new()
        {
            Reported = u.Reported, Polygon = u.Polygon, County = u.County, Stratum = stratum, Outcome = outcome, CheckedBy = by, Reason = reason,
        };
        if (ReportedVerdicts.ImageryCheckable(verdict) && imagery.TryGetValue(u.Polygon.Jcbh, out var r))
        {
            var shares = string.Create(inv, $"{r.ChangedShare:P0} still changed, {r.ObscuredShare:P0} obscured ({RecheckVerdicts.Name(r.Verdict)}, {r.Method})");
            var claim = verdict == ReportedVerdict.FalseChange ? "reported false change" : "reported rectified";
            var (outcome, reason) = r.Verdict switch
            {
                RecheckVerdict.Restored => (SpotCheckOutcome.Consistent, $"{claim}; the newest image shows no change: {shares}"),
                RecheckVerdict.CannotTell => (SpotCheckOutcome.FieldCheck, $"{claim}; the newest image cannot tell: {shares}"),
                _ => (SpotCheckOutcome.Doubtful, $"{claim}, but the newest image still shows the change: {shares}"),
            };
            return Result(outcome, outcome == SpotCheckOutcome.FieldCheck ? "field" : "imagery", reason) with { Imagery = r };
        }
        if (verdict == ReportedVerdict.Legal && approvals is not null)
        {
            var share = ApprovalShare(u.Polygon.Geometry, approvals);
            var text = string.Create(inv, $"{share:P0} of the polygon inside approval polygons");
            return share >= options.ApprovalMinShare
                ? Result(SpotCheckOutcome.Consistent, "approvals", $"reported legal; {text} (批文套合)") with { ApprovalShare = share }
                : Result(SpotCheckOutcome.Doubtful, "approvals", string.Create(inv, $"reported legal, but only {text} (below {options.ApprovalMinShare:P0})")) with { ApprovalShare = share };
        }
        return Result(SpotCheckOutcome.FieldCheck, "field", $"reported {ReportedVerdicts.Name(verdict)}: imagery cannot judge it{(verdict == ReportedVerdict.Legal ? " (no approvals given)" : "")}; field or document check");
    }

    private static List<RegionAuthenticity> Regions(List<Unit> units, List<SampledPolygon> sample, SpotCheckOptions options)
    {
        var z = AuthenticityEstimate.NormalQuantile(options.Confidence);
        var list = new List<RegionAuthenticity>();
        void Add(string level, string code, Func<string, bool> inRegion)
        {
            var touched = sample.Where(s => inRegion(s.County)).Select(s => s.Stratum).ToHashSet();
            var verdicts = sample.Where(s => touched.Contains(s.Stratum))
                .Select(s => new SampledVerdict(s.Stratum, inRegion(s.County), s.Outcome != SpotCheckOutcome.FieldCheck, s.Outcome == SpotCheckOutcome.Consistent))
                .ToList();
            var estimate = AuthenticityEstimate.Estimate(verdicts, z);
            list.Add(new RegionAuthenticity(level, code, units.Count(u => inRegion(u.County)), estimate, estimate.Rate < options.Threshold));
        }
        foreach (var county in units.Select(u => u.County).Distinct().Order(StringComparer.Ordinal)) Add("county", county, c => c == county);
        foreach (var province in units.Select(u => SampledPolygon.ProvinceOf(u.County)).Distinct().Order(StringComparer.Ordinal))
            Add("province", province, c => SampledPolygon.ProvinceOf(c) == province);
        return list;
    }
}
