namespace WeiPian.Engine.Survey;

/// <summary>Where the land-change survey keeps what the engine reads, and which land classes count as farmland.</summary>
public sealed record SurveyOptions
{
    /// <summary>Land parcel layer (地类图斑); "DLTB" in the national database.</summary>
    public string ParcelLayer { get; init; } = "DLTB";

    /// <summary>Land-class code field of the parcel layer (third-survey DLBM, not the newer 用地用海 scheme).</summary>
    public string LandClassField { get; init; } = "DLBM";

    /// <summary>Permanent basic farmland layer (永久基本农田); optional in the source.</summary>
    public string BasicFarmlandLayer { get; init; } = "YJJBNTTB";

    /// <summary>County boundary layer (行政区); optional in the source.</summary>
    public string CountyLayer { get; init; } = "XZQ";

    /// <summary>County code field of the county layer.</summary>
    public string CountyCodeField { get; init; } = "XZQDM";

    /// <summary>County name field of the county layer; optional in the source (names are left empty without it).</summary>
    public string CountyNameField { get; init; } = "XZQMC";

    /// <summary>DLBM codes that are farmland: 0101 paddy, 0102 irrigated, 0103 dry by default.</summary>
    public IReadOnlyList<string> FarmlandCodes { get; init; } = ["0101", "0102", "0103"];

    /// <summary>Encoding of Shapefile .dbf files that have no .cpg (e.g. "GBK"); null trusts the .cpg or the DBF's own mark.</summary>
    public string? Encoding { get; init; }
}
