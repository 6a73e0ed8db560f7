using NetTopologySuite.Geometries;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Output;

/// <summary>
/// The 图斑 record as files hold it, declared once: every field with its national name, OGR type, width and
/// precision, the value written from a <see cref="Tuban"/> and how it is read back. <see cref="TubanWriter"/>,
/// the county files, the batch files and their reader, and the field table in docs/FIELDS.md are all built from
/// <see cref="Fields"/>.
/// </summary>
/// <remarks>
/// Adding a field is a property in <see cref="Tuban"/>, one row here and the line that fills it (detection's
/// TubanAttributes, or TubanSite for what follows from the geometry); a round-trip test walks the rows.
/// </remarks>
internal static class TubanSchema
{
    /// <summary>XZQDM, the county code: what <see cref="CountySplitSink"/> splits by.</summary>
    public static RecordField<Tuban> CountyCode { get; } =
        RecordField<Tuban>.Text("XZQDM", 12, "行政区代码: 6-digit county code of the county the polygon lies in", t => t.Xzqdm, (t, v) => t with { Xzqdm = v });

    /// <summary>The fields in file order.</summary>
    public static IReadOnlyList<RecordField<Tuban>> Fields { get; } =
    [
        RecordField<Tuban>.Text("JCBH", 30, "监测编号: county code + source tag + 2-digit year + 5-digit serial", t => t.Jcbh, (t, v) => t with { Jcbh = v }),
        CountyCode,
        RecordField<Tuban>.Text("XZQMC", 60, "行政区名称: county name from the survey's XZQ layer", t => t.Xzqmc, (t, v) => t with { Xzqmc = v }),
        RecordField<Tuban>.Text("TBLX", 8, "图斑类型: national change-type code (20 building, KT pond, CK mining, ...)", t => t.Tblx, (t, v) => t with { Tblx = v }),
        RecordField<Tuban>.Derived(new("TBLXMC", FieldKind.String, 20), "图斑类型名称: Chinese name of TBLX", t => ChangeTypes.ChineseName(t.Tblx)),
        RecordField<Tuban>.Text("QSX", 8, "前时相: before date, YYYYMMDD", t => t.Qsx, (t, v) => t with { Qsx = v }),
        RecordField<Tuban>.Text("HSX", 8, "后时相: after date, YYYYMMDD", t => t.Hsx, (t, v) => t with { Hsx = v }),
        RecordField<Tuban>.Text("QQJH", 80, "前时相 scene id", t => t.Qqjh, (t, v) => t with { Qqjh = v }),
        RecordField<Tuban>.Text("DQJH", 80, "后时相 scene id", t => t.Dqjh, (t, v) => t with { Dqjh = v }),
        RecordField<Tuban>.Real("JCMJ", 18, 2, "监测面积: polygon area, m²", t => Math.Round(t.Jcmj, 2), (t, v) => t with { Jcmj = v }),
        RecordField<Tuban>.Derived(new("JCMJ_MU", FieldKind.Real, 18, 4), "监测面积 in 亩 (JCMJ x 0.0015)", t => Math.Round(t.JcmjMu, 4)),
        RecordField<Tuban>.Real("JCGDMJ", 18, 2, "监测耕地面积: area on farmland, m²", t => Math.Round(t.Jcgdmj, 2), (t, v) => t with { Jcgdmj = v }),
        RecordField<Tuban>.Real("YJJBNTMJ", 18, 2, "永久基本农田面积: area on permanent basic farmland, m²", t => Math.Round(t.Yjjbntmj, 2), (t, v) => t with { Yjjbntmj = v }),
        RecordField<Tuban>.Flag("SFYN", "是否压占永久基本农田: Y when on permanent basic farmland", t => t.Sfyn, (t, v) => t with { Sfyn = v }),
        RecordField<Tuban>.Real("X", 18, 3, "easting of a point inside the polygon, CRS units", t => t.X, (t, v) => t with { X = v }),
        RecordField<Tuban>.Real("Y", 18, 3, "northing of that point, CRS units", t => t.Y, (t, v) => t with { Y = v }),
        RecordField<Tuban>.Real("LZB", 18, 8, "经度: longitude of that point, CGCS2000", t => t.Lzb, (t, v) => t with { Lzb = v }),
        RecordField<Tuban>.Real("BZB", 18, 8, "纬度: latitude of that point, CGCS2000", t => t.Bzb, (t, v) => t with { Bzb = v }),
        RecordField<Tuban>.Text("ZDBH", 60, "自动提取编号: the model, name@version", t => t.Zdbh, (t, v) => t with { Zdbh = v }),
        RecordField<Tuban>.Text("ZDLX", 40, "自动提取类型: the model's class name", t => t.Zdlx, (t, v) => t with { Zdlx = v }),
        RecordField<Tuban>.Text("FXFS", 80, "发现方式: engine and model that found it", t => t.Fxfs, (t, v) => t with { Fxfs = v }),
        RecordField<Tuban>.Real("confidence", 8, 4, "mean class probability inside the polygon, 0..1", t => Math.Round(t.Confidence, 4), (t, v) => t with { Confidence = v }),
        RecordField<Tuban>.Integer("class_id", "the model's class id", t => t.ClassId, (t, v) => t with { ClassId = v }),
        RecordField<Tuban>.Text("class_name", 40, "the model's class name", t => t.ClassName, (t, v) => t with { ClassName = v }),
    ];

    /// <summary>The field definitions in file order, to create a layer with.</summary>
    public static IReadOnlyList<FieldDefinition> Definitions { get; } = Fields.Definitions();

    /// <summary>A record's values in <see cref="Fields"/> order, as written (areas to 0.01 m², confidence to 1e-4).</summary>
    public static object?[] Values(Tuban t) => Fields.Values(t);

    /// <summary>The record of one feature of a layer that <see cref="EnsureFields"/> accepted.</summary>
    public static Tuban Read(VectorFeature feature, Geometry geometry) => Fields.ReadInto(new Tuban(geometry), feature);

    /// <summary>Refuses a layer that lacks a field read back into the record.</summary>
    /// <exception cref="InputException">The layer lacks one; the message names the file and the fields.</exception>
    public static void EnsureFields(VectorLayer layer, string path)
    {
        var missing = Fields.MissingFrom(layer);
        if (missing.Count > 0)
            throw new InputException($"'{path}': layer '{layer.Name}' lacks the 图斑 field(s) {string.Join(", ", missing)}.");
    }
}
