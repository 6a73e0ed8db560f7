namespace WeiPian.Engine.Batch;

/// <summary>
/// The third national land survey's land-class codes (DLBM, 三调 / 年度国土变更调查) and the change types (TBLX)
/// that the reprocessing mode reasons with. DLBM here is always the survey's scheme: in it 0602 is mining land
/// (采矿用地), whereas the newer 用地用海 classification uses 0602 for facility agricultural land.
/// </summary>
internal static class LandUseCodes
{
    /// <summary>Farmland: 0101 paddy, 0102 irrigated, 0103 dry.</summary>
    public static IReadOnlySet<string> Farmland { get; } = new HashSet<string>(StringComparer.Ordinal) { "0101", "0102", "0103" };

    /// <summary>Construction land (建设用地) in DLBM.</summary>
    public static IReadOnlySet<string> Construction { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "05H1", "0508", "0601", "0602", "0603", "0701", "0702", "08H1", "08H2", "08H2A", "0809", "0810", "0810A", "09",
        "1001", "1002", "1003", "1004", "1005", "1007", "1008", "1009", "1109", "1201",
    };

    /// <summary>Pond water (坑塘水面) in DLBM: 1104 and its 1104A (养殖坑塘) and 1104K (可调整养殖坑塘).</summary>
    public static IReadOnlySet<string> Pond { get; } = new HashSet<string>(StringComparer.Ordinal) { "1104", "1104A", "1104K" };

    /// <summary>Mining land (采矿用地) in DLBM: 0602 (not facility agriculture, which 0602 means only in 用地用海).</summary>
    public static IReadOnlySet<string> Mining { get; } = new HashSet<string>(StringComparer.Ordinal) { "0602" };

    /// <summary>Facility agricultural land (设施农用地) in DLBM: 1202.</summary>
    public static IReadOnlySet<string> FacilityAgriculture { get; } = new HashSet<string>(StringComparer.Ordinal) { "1202" };

    /// <summary>
    /// Change types that are new construction for the yearly ratio R: 20 buildings and structures, YH hardened ground,
    /// GF photovoltaic fields, and CK mining (mining land, 0602, is construction land in the survey's scheme).
    /// Not KT (a dug pond becomes water, 1104, not construction land), not SN facility agriculture (agricultural land,
    /// 1202), not the earthwork types DT/TD/TP (a stage of work, not a land use: the building that follows is counted).
    /// </summary>
    public static IReadOnlySet<string> NewConstructionTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { "20", "YH", "GF", "CK" };

    /// <summary>
    /// The DLBM codes that mean the survey already records the land use a change type turns land into, or null when
    /// the type has none (earthworks, QT): construction types → construction land; KT → pond water; CK → mining land
    /// 0602; SN (the engine's facility-agriculture code) → 1202.
    /// </summary>
    public static IReadOnlySet<string>? NewUseOf(string tblx) => tblx switch
    {
        "20" or "YH" or "GF" => Construction,
        "KT" => Pond,
        "CK" => Mining,
        "SN" => FacilityAgriculture,
        _ => null,
    };

    /// <summary>Change types that make a supplementary polygon (补充图斑) when the survey still records farmland: construction, pond, mining.</summary>
    public static IReadOnlySet<string> SupplementaryTypes { get; } = new HashSet<string>(StringComparer.Ordinal) { "20", "YH", "GF", "KT", "CK" };
}
