using System.Diagnostics.CodeAnalysis;
using NetTopologySuite.Geometries;

namespace WeiPian.Engine.Output;

/// <summary>
/// One change polygon (卫片执法图斑) with the national record's attributes. Areas in m² (CRS units² for a
/// metre-based projected CRS); dates as YYYYMMDD.
/// </summary>
public sealed record Tuban
{
    /// <summary>A record to fill with object initialisers; the geometry-derived attributes are filled by TubanSite.</summary>
    public Tuban() { }

    /// <summary>A record around <paramref name="geometry"/> with its other attributes unset (text empty, numbers 0), for a
    /// reader that fills them field by field (<see cref="TubanSchema.Read"/>); hence the text defaults below.</summary>
    [SetsRequiredMembers]
    internal Tuban(Geometry geometry) => Geometry = geometry;

    /// <summary>1 亩 in m².</summary>
    public const double SquareMetresPerMu = 10000.0 / 15.0;

    /// <summary>监测编号: county code + source tag + 2-digit year + 5-digit serial, unique in a run.</summary>
    public required string Jcbh { get; init; } = "";

    /// <summary>
    /// 行政区代码: the county the polygon lies in (from the survey's XZQ layer). A change crossing a county border is
    /// split at the border into one record per county, so a record lies in one county only.
    /// </summary>
    public required string Xzqdm { get; init; } = "";

    /// <summary>行政区名称: the county's name from the XZQ layer (its XZQMC), empty when the survey has none.</summary>
    public string Xzqmc { get; init; } = "";

    /// <summary>图斑类型: national change-type code of the class (20 building, KT pond, CK mining, ...).</summary>
    public required string Tblx { get; init; } = "";

    /// <summary>前时相 date (YYYYMMDD), empty when unknown.</summary>
    public required string Qsx { get; init; } = "";

    /// <summary>后时相 date (YYYYMMDD), empty when unknown.</summary>
    public required string Hsx { get; init; } = "";

    /// <summary>前时相 scene id.</summary>
    public required string Qqjh { get; init; } = "";

    /// <summary>后时相 scene id.</summary>
    public required string Dqjh { get; init; } = "";

    /// <summary>监测面积: polygon area, m². It and the attributes down to <see cref="Bzb"/> follow from the geometry
    /// (TubanSite measures them).</summary>
    public double Jcmj { get; init; }

    /// <summary>监测耕地面积: area on farmland (overlay with the survey's farmland parcels), m².</summary>
    public double Jcgdmj { get; init; }

    /// <summary>永久基本农田面积: area on permanent basic farmland, m².</summary>
    public double Yjjbntmj { get; init; }

    /// <summary>是否压占永久基本农田: touches permanent basic farmland.</summary>
    public bool Sfyn { get; init; }

    /// <summary>Projected x (easting) of a point inside the polygon.</summary>
    public double X { get; init; }

    /// <summary>Projected y (northing) of that point.</summary>
    public double Y { get; init; }

    /// <summary>Longitude of that point, CGCS2000 (EPSG:4490).</summary>
    public double Lzb { get; init; }

    /// <summary>Latitude of that point, CGCS2000.</summary>
    public double Bzb { get; init; }

    /// <summary>自动提取编号: the model that found it, name@version.</summary>
    public required string Zdbh { get; init; } = "";

    /// <summary>自动提取类型: the model's class name.</summary>
    public required string Zdlx { get; init; } = "";

    /// <summary>发现方式: how it was found (engine and model).</summary>
    public required string Fxfs { get; init; } = "";

    /// <summary>Mean model probability of the class inside the polygon, 0..1.</summary>
    public required double Confidence { get; init; }

    /// <summary>The model's class id.</summary>
    public required int ClassId { get; init; }

    /// <summary>The model's class name.</summary>
    public required string ClassName { get; init; } = "";

    /// <summary>The polygon in the scene's CRS (pixel-edge boundary, holes included).</summary>
    public required Geometry Geometry { get; init; }

    /// <summary>JCMJ in 亩 (1 亩 = 10000/15 m²); written as JCMJ_MU.</summary>
    public double JcmjMu => Jcmj / SquareMetresPerMu;
}
