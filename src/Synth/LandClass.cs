namespace WeiPian.Synth;

/// <summary>Land classes of the synthetic survey, with their third-survey DLBM code and name (DLMC).</summary>
internal enum LandClass : byte
{
    Paddy,       // 0101 水田
    Irrigated,   // 0102 水浇地
    Dry,         // 0103 旱地
    Forest,      // 0301 乔木林地
    Grass,       // 0404 其他草地
    Industrial,  // 0601 工业用地
    Mining,      // 0602 采矿用地
    Village,     // 0702 农村宅基地
    Pond,        // 1104 坑塘水面
    Facility,    // 1202 设施农用地
    Bare,        // 1206 裸土地
}

internal static class LandClasses
{
    public static string Dlbm(LandClass c) => c switch
    {
        LandClass.Paddy => "0101",
        LandClass.Irrigated => "0102",
        LandClass.Dry => "0103",
        LandClass.Forest => "0301",
        LandClass.Grass => "0404",
        LandClass.Industrial => "0601",
        LandClass.Mining => "0602",
        LandClass.Village => "0702",
        LandClass.Pond => "1104",
        LandClass.Facility => "1202",
        LandClass.Bare => "1206",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static string Dlmc(LandClass c) => c switch
    {
        LandClass.Paddy => "水田",
        LandClass.Irrigated => "水浇地",
        LandClass.Dry => "旱地",
        LandClass.Forest => "乔木林地",
        LandClass.Grass => "其他草地",
        LandClass.Industrial => "工业用地",
        LandClass.Mining => "采矿用地",
        LandClass.Village => "农村宅基地",
        LandClass.Pond => "坑塘水面",
        LandClass.Facility => "设施农用地",
        LandClass.Bare => "裸土地",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    public static bool IsFarmland(LandClass c) => c is LandClass.Paddy or LandClass.Irrigated or LandClass.Dry;

    /// <summary>Share of blocks per class, in enum order (farmland about 60 %, as in an agricultural county).</summary>
    public static ReadOnlySpan<double> Shares => [0.15, 0.20, 0.25, 0.08, 0.05, 0.04, 0.02, 0.10, 0.06, 0.03, 0.02];
}
