namespace WeiPian.Engine.Recheck;

/// <summary>What the newest image says of an earlier change polygon.</summary>
public enum RecheckVerdict
{
    /// <summary>整改到位: the change is gone and the ground is back to vegetation or cultivation.</summary>
    Restored,
    /// <summary>部分整改: part of the polygon is restored, part still shows the change.</summary>
    PartlyRestored,
    /// <summary>未整改: the change still stands (or was demolished and left as rubble: not 复耕).</summary>
    NotRestored,
    /// <summary>无法判断: too much of the polygon is under cloud or shadow, or outside the image.</summary>
    CannotTell,
}

/// <summary>What a verdict rests on.</summary>
public enum RecheckBasis
{
    /// <summary>The change model over (reference, newest): still change relative to the date before the change.</summary>
    Model,
    /// <summary>Spectral indices of the newest image alone (no reference image was given).</summary>
    Indices,
}

/// <summary>The verdict rules, and the names written to outputs.</summary>
public static class RecheckVerdicts
{
    /// <summary>
    /// Decides a polygon's verdict from its shares, in this order:
    /// <list type="number">
    /// <item>no pixel centre inside, none visible, or obscured share &gt; <see cref="RecheckOptions.MaxObscuredShare"/>: cannot tell;</item>
    /// <item>still-changed share (of the visible part) &gt;= <see cref="RecheckOptions.NotRestoredMinChangedShare"/>: not restored;</item>
    /// <item>still-changed share &lt;= <see cref="RecheckOptions.RestoredMaxChangedShare"/>: restored;</item>
    /// <item>otherwise: partly restored.</item>
    /// </list>
    /// A visible pixel is still changed when the model classes it as any change between the reference and the newest
    /// date, or when the indices do not find it back to vegetation or cultivation (<see cref="GroundCovers.IsBack"/>);
    /// with no reference image, by the indices alone.
    /// </summary>
    /// <param name="pixels">Pixel centres inside the polygon (outside the image included).</param>
    /// <param name="obscuredShare">Share of them with no data on either date or outside the image.</param>
    /// <param name="changedShare">Share of the visible ones still changed.</param>
    /// <param name="options">The thresholds.</param>
    public static RecheckVerdict Decide(long pixels, double obscuredShare, double changedShare, RecheckOptions options)
    {
        if (pixels == 0 || obscuredShare > options.MaxObscuredShare || !(obscuredShare < 1)) return RecheckVerdict.CannotTell;
        if (changedShare >= options.NotRestoredMinChangedShare) return RecheckVerdict.NotRestored;
        if (changedShare <= options.RestoredMaxChangedShare) return RecheckVerdict.Restored;
        return RecheckVerdict.PartlyRestored;
    }

    /// <summary>The English name written to the <c>verdict</c> field: restored, partly restored, not restored, cannot tell.</summary>
    public static string Name(RecheckVerdict v) => v switch
    {
        RecheckVerdict.Restored => "restored",
        RecheckVerdict.PartlyRestored => "partly restored",
        RecheckVerdict.NotRestored => "not restored",
        RecheckVerdict.CannotTell => "cannot tell",
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    /// <summary>The Chinese status written to the <c>ZGZT</c> (整改状态) field.</summary>
    public static string ChineseName(RecheckVerdict v) => v switch
    {
        RecheckVerdict.Restored => "已整改",
        RecheckVerdict.PartlyRestored => "部分整改",
        RecheckVerdict.NotRestored => "未整改",
        RecheckVerdict.CannotTell => "无法判断",
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    /// <summary>Parses <see cref="Name"/> back (case-insensitive; also accepts "partly" and the Chinese names).</summary>
    public static RecheckVerdict Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "restored" or "已整改" => RecheckVerdict.Restored,
        "partly restored" or "partly" or "部分整改" => RecheckVerdict.PartlyRestored,
        "not restored" or "未整改" => RecheckVerdict.NotRestored,
        "cannot tell" or "无法判断" => RecheckVerdict.CannotTell,
        _ => throw new InputException($"'{text}' is not a verdict (restored, partly restored, not restored, cannot tell)."),
    };
}
