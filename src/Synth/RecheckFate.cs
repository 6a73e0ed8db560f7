namespace WeiPian.Synth;

/// <summary>
/// What became of a planted change by the third date (<c>newest.tif</c>, written with
/// <see cref="SynthOptions.RecheckDate"/>): the ground truth of rectification monitoring (拆除复耕 re-checked).
/// The names are written to the <c>fate</c> field of <c>recheck_truth.gpkg</c>.
/// </summary>
public enum RecheckFate : byte
{
    /// <summary>Wholly restored: building or film removed, pond or pit filled, and the ground ploughed or cropped again.</summary>
    Restored = 1,
    /// <summary>Part of it restored (40-60 % of the outline along its long axis), the rest untouched.</summary>
    Partly = 2,
    /// <summary>Nothing done: the change stands as on the after date.</summary>
    Untouched = 3,
    /// <summary>Demolished but not reclaimed: rubble and spoil left where the building or greenhouse stood.</summary>
    Rubble = 4,
    /// <summary>Hidden under a cloud or its shadow (nodata) on the newest date, whatever happened underneath.</summary>
    Clouded = 5,
}

/// <summary>How restored ground looks on the newest date.</summary>
public enum RestoredSurface : byte
{
    /// <summary>Not restored (or not visible).</summary>
    None = 0,
    /// <summary>Crops back: growing vegetation in rows.</summary>
    Crops = 1,
    /// <summary>Freshly ploughed soil with furrows.</summary>
    Ploughed = 2,
}

/// <summary>The verdict a recheck should reach on a planted change, as the <c>verdict</c> field of <c>recheck_truth.gpkg</c> spells it.</summary>
public static class RecheckTruth
{
    /// <summary>The name written to the <c>fate</c> field.</summary>
    public static string Name(RecheckFate f) => f switch
    {
        RecheckFate.Restored => "restored",
        RecheckFate.Partly => "partly",
        RecheckFate.Untouched => "untouched",
        RecheckFate.Rubble => "rubble",
        RecheckFate.Clouded => "clouded",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>
    /// The true verdict: restored, partly restored, not restored (untouched, or rubble left: demolition without
    /// reclamation is not 复耕), cannot tell (under cloud).
    /// </summary>
    public static string Verdict(RecheckFate f) => f switch
    {
        RecheckFate.Restored => "restored",
        RecheckFate.Partly => "partly restored",
        RecheckFate.Untouched or RecheckFate.Rubble => "not restored",
        RecheckFate.Clouded => "cannot tell",
        _ => throw new ArgumentOutOfRangeException(nameof(f)),
    };

    /// <summary>The name of a restored surface.</summary>
    public static string Name(RestoredSurface s) => s switch
    {
        RestoredSurface.Crops => "crops",
        RestoredSurface.Ploughed => "ploughed",
        _ => "",
    };
}

/// <summary>The plan of one planted change for the newest date.</summary>
internal sealed class RecheckPlan
{
    /// <summary>What happened.</summary>
    public required RecheckFate Fate { get; init; }

    /// <summary>For <see cref="RecheckFate.Clouded"/>: what happened underneath (restored or untouched), rendered but unseen.</summary>
    public required RecheckFate Hidden { get; init; }

    /// <summary>How the restored part looks.</summary>
    public required RestoredSurface Surface { get; init; }

    /// <summary>Partly restored: the cut runs across the long axis; true when the long axis is the object's a axis (else b).</summary>
    public required bool CutAlongA { get; init; }

    /// <summary>Partly restored: side of the cut that is restored (+1: coordinate below the cut, -1: above).</summary>
    public required int CutSign { get; init; }

    /// <summary>Partly restored: the cut's position on the long axis, metres from the centre.</summary>
    public required double Cut { get; init; }

    /// <summary>What the pixels show: the hidden state under a cloud, else the fate itself.</summary>
    public RecheckFate Shown => Fate == RecheckFate.Clouded ? Hidden : Fate;
}
