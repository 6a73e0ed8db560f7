using WeiPian.Engine.Recheck;

namespace WeiPian.Engine.SpotCheck;

/// <summary>What the check of a sampled verdict found.</summary>
public enum SpotCheckOutcome
{
    /// <summary>The check supports the verdict.</summary>
    Consistent,
    /// <summary>The check contradicts it: a false change or a rectification where the newest image still shows the change, or a legal verdict without approval.</summary>
    Doubtful,
    /// <summary>Neither imagery nor the approvals can judge it (illegal, road, facility, other; legal without approvals; a polygon under cloud): listed for a field or document check.</summary>
    FieldCheck,
}

/// <summary>One sampled verdict and its check.</summary>
public sealed record SampledPolygon
{
    /// <summary>The reported verdict.</summary>
    public required VerdictRecord Reported { get; init; }

    /// <summary>The polygon (in the newest image's CRS).</summary>
    public required EarlierPolygon Polygon { get; init; }

    /// <summary>The county (XZQDM) the verdict counts for.</summary>
    public required string County { get; init; }

    /// <summary>The stratum it was drawn from (its weight is the polygon's sampling weight).</summary>
    public required Stratum Stratum { get; init; }

    /// <summary>The outcome.</summary>
    public required SpotCheckOutcome Outcome { get; init; }

    /// <summary>What checked it: imagery, approvals, or field (nothing here could).</summary>
    public required string CheckedBy { get; init; }

    /// <summary>Why, in words (the evidence in one line).</summary>
    public required string Reason { get; init; }

    /// <summary>The imagery check (the recheck of the polygon on the newest image), when the verdict was one imagery can test.</summary>
    public RecheckResult? Imagery { get; init; }

    /// <summary>Share of the polygon's area inside approval polygons, when approvals were given and the verdict is legal.</summary>
    public double? ApprovalShare { get; init; }

    /// <summary>The province (the county code's first two digits and 0000).</summary>
    public string Province => ProvinceOf(County);

    /// <summary>The province code of a county code.</summary>
    public static string ProvinceOf(string county) => county.Length >= 2 ? county[..2] + "0000" : county;
}

/// <summary>A county's or province's authenticity figures.</summary>
/// <param name="Level">county or province.</param>
/// <param name="Code">XZQDM.</param>
/// <param name="Reported">Verdicts the region reported (the population).</param>
/// <param name="Estimate">The estimate from its sampled verdicts.</param>
/// <param name="Flagged">Whether its estimated rate is below the threshold.</param>
public sealed record RegionAuthenticity(string Level, string Code, int Reported, AuthenticityEstimate Estimate, bool Flagged);

/// <summary>Everything a spot check found.</summary>
public sealed record SpotCheckReport
{
    /// <summary>The strata with their population, sample size and weight.</summary>
    public required IReadOnlyList<Stratum> Strata { get; init; }

    /// <summary>The sampled verdicts with their checks, by stratum.</summary>
    public required IReadOnlyList<SampledPolygon> Sample { get; init; }

    /// <summary>Counties, then provinces.</summary>
    public required IReadOnlyList<RegionAuthenticity> Regions { get; init; }

    /// <summary>Verdicts reported (the population sampled).</summary>
    public required int Reported { get; init; }

    /// <summary>The imagery check's method: the model (name@version) or indices.</summary>
    public required string Method { get; init; }

    /// <summary>The inputs.</summary>
    public required SpotCheckInputs Inputs { get; init; }

    /// <summary>The options.</summary>
    public required SpotCheckOptions Options { get; init; }

    /// <summary>The files written.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];
}
