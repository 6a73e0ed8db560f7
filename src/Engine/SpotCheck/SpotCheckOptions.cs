using System.Globalization;
using WeiPian.Engine.Recheck;

namespace WeiPian.Engine.SpotCheck;

/// <summary>The files a quarterly spot check (季核) reads.</summary>
/// <param name="Reported">The counties' verdicts (CSV or a vector/table file: JCBH, PDLX, optional XZQDM, PDRQ).</param>
/// <param name="Polygons">The polygons the verdicts are about (a detection's tuban.gpkg, any polygon layer with JCBH).</param>
/// <param name="Image">The newest image the imagery check looks at.</param>
public sealed record SpotCheckInputs(string Reported, string Polygons, string Image)
{
    /// <summary>The before date of the detection, on the newest image's grid: lets the change model compare (see docs/RECHECK.md). Null: indices only.</summary>
    public string? Reference { get; init; }

    /// <summary>The change model (.onnx with its card) used with <see cref="Reference"/>.</summary>
    public string? Model { get; init; }

    /// <summary>Approval polygons (批文): a "legal" verdict is checked by its overlap with them. Null: legal verdicts go to the field list.</summary>
    public string? Approvals { get; init; }
}

/// <summary>How the spot check samples, checks and judges. docs/SPOTCHECK.md explains each choice.</summary>
public sealed record SpotCheckOptions
{
    /// <summary>How many verdicts to sample (a share of each stratum, or a total allocated in proportion).</summary>
    public SampleSize Sample { get; init; } = new() { Share = 0.1 };

    /// <summary>The fields whose values make the strata: XZQDM (county), PDLX (reported verdict), TBLX (change type).</summary>
    public IReadOnlyList<string> Stratify { get; init; } = ["XZQDM", "PDLX"];

    /// <summary>The fewest verdicts drawn from a stratum (the whole stratum when it is smaller), so every county and verdict is seen.</summary>
    public int MinPerStratum { get; init; } = 5;

    /// <summary>The seed: the same seed, verdicts and options give the same sample.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Confidence of the intervals, 0.8 to 0.999.</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>The authenticity rate below which a county or province is flagged (the notice's 90 %).</summary>
    public double Threshold { get; init; } = 0.9;

    /// <summary>A "legal" verdict is supported when at least this share of the polygon's area lies in approval polygons (批文套合).</summary>
    public double ApprovalMinShare { get; init; } = 0.5;

    /// <summary>Also write reference/newest chips of every polygon the imagery checked, with an index.html, under chips/ in the output folder.</summary>
    public bool Chips { get; init; }

    /// <summary>The recheck's thresholds, layer and id field, used for the imagery check of the sampled polygons.</summary>
    public RecheckOptions Recheck { get; init; } = new() { MarginMetres = 0 };

    /// <summary>The fields <see cref="Stratify"/> may name.</summary>
    public static IReadOnlyList<string> StratifyFields { get; } = ["XZQDM", "PDLX", "TBLX"];

    internal void Validate()
    {
        var inv = CultureInfo.InvariantCulture;
        var unknown = Stratify.Where(f => !StratifyFields.Contains(f.ToUpperInvariant())).ToList();
        if (Stratify.Count == 0 || unknown.Count > 0)
            throw new InputException($"Cannot stratify by '{string.Join(",", unknown)}': the strata are made of {string.Join(", ", StratifyFields)}.")
            {
                Setting = nameof(Stratify),
            };
        if (MinPerStratum < 1 || MinPerStratum > 10_000)
            throw new InputException($"The minimum per stratum {MinPerStratum.ToString(inv)} is outside 1 to 10000.") { Setting = nameof(MinPerStratum) };
        if (!(Confidence >= 0.8 && Confidence <= 0.999))
            throw new InputException($"The confidence {Confidence.ToString(inv)} is outside 0.8 to 0.999.") { Setting = nameof(Confidence) };
        if (!(Threshold > 0 && Threshold <= 1))
            throw new InputException($"The authenticity threshold {Threshold.ToString(inv)} is a share: above 0, at most 1.") { Setting = nameof(Threshold) };
        if (!(ApprovalMinShare > 0 && ApprovalMinShare <= 1))
            throw new InputException($"The approval overlap {ApprovalMinShare.ToString(inv)} is a share of the polygon's area: above 0, at most 1.") { Setting = nameof(ApprovalMinShare) };
        if (Sample.Share is null == Sample.Total is null) throw new InputException("Give the sample as a share or a total, not both.") { Setting = nameof(Sample) };
    }
}
