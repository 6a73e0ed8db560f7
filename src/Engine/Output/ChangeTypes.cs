namespace WeiPian.Engine.Output;

/// <summary>
/// The national change-type codes (图斑类型, TBLX) and their Chinese names, as the bureaus' tables print them.
/// "SN" (facility agriculture) is the engine's own code: the national list has none; a model card may map its
/// facility class to another code.
/// </summary>
internal static class ChangeTypes
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["20"] = "建（构）筑物",
        ["YH"] = "硬化地表",
        ["DT"] = "堆土",
        ["TD"] = "推土",
        ["TP"] = "推填土",
        ["KT"] = "坑塘",
        ["CK"] = "采矿",
        ["GF"] = "光伏",
        ["SN"] = "设施农业",
        ["QT"] = "其他",
    };

    /// <summary>The Chinese name of a TBLX code, or "其他" for codes not on the list.</summary>
    public static string ChineseName(string tblx) => Names.GetValueOrDefault(tblx, "其他");

    /// <summary>Every code the engine knows, with its name.</summary>
    public static IReadOnlyDictionary<string, string> All => Names;
}
