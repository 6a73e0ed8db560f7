namespace WeiPian.Engine.SpotCheck;

/// <summary>
/// A county's verdict on a polygon (判定类型, PDLX) as it reports it after the field check: what the quarterly check
/// (季核) samples and tests for truth (真实性).
/// </summary>
public enum ReportedVerdict
{
    /// <summary>合法: legal (approved: 批文套合 with the approval polygons, or otherwise lawful).</summary>
    Legal,
    /// <summary>违法: illegal land use.</summary>
    Illegal,
    /// <summary>伪变化: no real change on the ground (a shadow, a crop, a misregistration).</summary>
    FalseChange,
    /// <summary>已整改 / 拆除复耕: the change was removed and the land farmed again.</summary>
    Rectified,
    /// <summary>设施农用地未备案: facility agricultural land not filed.</summary>
    FacilityNotFiled,
    /// <summary>农村道路: a rural road.</summary>
    RuralRoad,
    /// <summary>其他: anything else.</summary>
    Other,
}

/// <summary>The verdict names a county file may use, and the ones the engine writes.</summary>
public static class ReportedVerdicts
{
    /// <summary>The English name written to outputs (legal, illegal, false change, rectified, facility not filed, rural road, other).</summary>
    public static string Name(ReportedVerdict v) => v switch
    {
        ReportedVerdict.Legal => "legal",
        ReportedVerdict.Illegal => "illegal",
        ReportedVerdict.FalseChange => "false change",
        ReportedVerdict.Rectified => "rectified",
        ReportedVerdict.FacilityNotFiled => "facility not filed",
        ReportedVerdict.RuralRoad => "rural road",
        _ => "other",
    };

    /// <summary>The Chinese name written to outputs beside the English one.</summary>
    public static string ChineseName(ReportedVerdict v) => v switch
    {
        ReportedVerdict.Legal => "合法",
        ReportedVerdict.Illegal => "违法",
        ReportedVerdict.FalseChange => "伪变化",
        ReportedVerdict.Rectified => "已整改",
        ReportedVerdict.FacilityNotFiled => "设施农用地未备案",
        ReportedVerdict.RuralRoad => "农村道路",
        _ => "其他",
    };

    /// <summary>
    /// Reads a verdict as counties write it: the Chinese name (合法, 违法, 伪变化, 已整改, 拆除复耕, 设施农用地未备案, 未备案,
    /// 农村道路, 其他) or the English one (with '_' or '-' for spaces, any case); null when it is none of them.
    /// </summary>
    public static ReportedVerdict? Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant().Replace('_', ' ').Replace('-', ' ');
        return t switch
        {
            "合法" or "legal" => ReportedVerdict.Legal,
            "违法" or "illegal" => ReportedVerdict.Illegal,
            "伪变化" or "false change" => ReportedVerdict.FalseChange,
            "已整改" or "拆除复耕" or "整改" or "rectified" => ReportedVerdict.Rectified,
            "设施农用地未备案" or "未备案" or "facility not filed" => ReportedVerdict.FacilityNotFiled,
            "农村道路" or "rural road" => ReportedVerdict.RuralRoad,
            "其他" or "other" => ReportedVerdict.Other,
            _ => null,
        };
    }

    /// <summary>Whether the newest image can test the verdict: a false change or a rectification must not still show the change.</summary>
    public static bool ImageryCheckable(ReportedVerdict v) => v is ReportedVerdict.FalseChange or ReportedVerdict.Rectified;
}
