namespace WeiPian.Synth;

/// <summary>
/// The four kinds of true change the synthesiser plants, with the ids written to <c>truth.tif</c> and the
/// <c>class_id</c>, <c>class_name</c> and <c>TBLX</c> fields of <c>truth.gpkg</c> (other tools read these).
/// </summary>
public enum ChangeClass : byte
{
    /// <summary>No change (0 in truth.tif).</summary>
    None = 0,
    /// <summary>A new building or structure (TBLX 20).</summary>
    Building = 1,
    /// <summary>A pond dug in farmland (TBLX KT).</summary>
    Pond = 2,
    /// <summary>A mining pit with terraces and spoil (TBLX CK).</summary>
    Mining = 3,
    /// <summary>Facility agriculture: greenhouse film (TBLX SN, the engine's code; the national list has none).</summary>
    Facility = 4,
}

/// <summary>Names and codes of <see cref="ChangeClass"/>.</summary>
public static class ChangeClasses
{
    /// <summary>The classes that are change, in id order.</summary>
    public static IReadOnlyList<ChangeClass> All { get; } = [ChangeClass.Building, ChangeClass.Pond, ChangeClass.Mining, ChangeClass.Facility];

    /// <summary>The <c>class_name</c> written to truth.gpkg.</summary>
    public static string Name(ChangeClass c) => c switch
    {
        ChangeClass.None => "no change",
        ChangeClass.Building => "building",
        ChangeClass.Pond => "pond",
        ChangeClass.Mining => "mining",
        ChangeClass.Facility => "facility agriculture",
        _ => throw new ArgumentOutOfRangeException(nameof(c)),
    };

    /// <summary>The national change-type code (TBLX); "SN" for facility agriculture is the engine's choice.</summary>
    public static string Tblx(ChangeClass c) => c switch
    {
        ChangeClass.Building => "20",
        ChangeClass.Pond => "KT",
        ChangeClass.Mining => "CK",
        ChangeClass.Facility => "SN",
        _ => "",
    };
}
