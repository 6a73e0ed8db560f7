using WeiPian.Engine.Gdal;
using WeiPian.Engine.Vector;

namespace WeiPian.Synth;

/// <summary>
/// Writes the synthetic land-change survey: DLTB (one polygon per block, clipped to the scene),
/// YJJBNTTB (the permanent basic farmland blocks) and XZQ (the counties, whose border follows roads).
/// Field names follow the third national land survey's database standard.
/// </summary>
internal sealed class SurveyWriter(Layout layout, SceneFrame frame, IReadOnlyList<County> counties)
{
    public static readonly FieldDefinition[] DltbFields =
    [
        new("BSM", FieldKind.Integer), new("YSDM", FieldKind.String, 10), new("TBBH", FieldKind.String, 8),
        new("DLBM", FieldKind.String, 5), new("DLMC", FieldKind.String, 60), new("QSXZ", FieldKind.String, 2),
        new("ZLDWDM", FieldKind.String, 19), new("ZLDWMC", FieldKind.String, 60), new("TBMJ", FieldKind.Real, 15, 2),
    ];

    public static readonly FieldDefinition[] JbntFields =
    [
        new("BSM", FieldKind.Integer), new("YSDM", FieldKind.String, 10), new("JBNTTBBH", FieldKind.String, 8),
        new("DLBM", FieldKind.String, 5), new("DLMC", FieldKind.String, 60), new("ZLDWDM", FieldKind.String, 19),
        new("TBMJ", FieldKind.Real, 15, 2),
    ];

    public static readonly FieldDefinition[] XzqFields =
    [
        new("BSM", FieldKind.Integer), new("YSDM", FieldKind.String, 10), new("XZQDM", FieldKind.String, 12),
        new("XZQMC", FieldKind.String, 60), new("DCMJ", FieldKind.Real, 15, 2),
    ];

    private static readonly string[] VillageNames =
        ["张家湾", "李家岗", "王家畈", "刘家墩", "陈家湖", "杨家咀", "赵家台", "黄家冲", "周家岭", "吴家垸", "郑家桥", "孙家寨"];

    /// <summary>Writes the three layers into <paramref name="ds"/> (GeoPackage or a Shapefile folder).</summary>
    public void Write(VectorDataset ds, IEnumerable<string>? layerOptions = null)
    {
        var options = layerOptions?.ToList() ?? [];
        var dltb = ds.CreateLayer("DLTB", GeometryKind.Polygon, frame.Crs, DltbFields, options);
        var jbnt = ds.CreateLayer("YJJBNTTB", GeometryKind.Polygon, frame.Crs, JbntFields, options);
        var xzq = ds.CreateLayer("XZQ", GeometryKind.Polygon, frame.Crs, XzqFields, options);
        using var tx = ds.BeginTransaction();
        int bsm = 1, tbbh = 1, jbbh = 1;
        for (var j = 0; j < layout.CountQ; j++)
            for (var i = 0; i < layout.CountP; i++)
            {
                var shape = layout.BlockShape(i, j);
                var (e, s) = Clip.ToRectangle(shape.E, shape.S, 0, 0, layout.SceneWidthM, layout.SceneHeightM);
                if (e.Length == 0) continue;
                var b = layout.BlockAt(i, j);
                var wkb = frame.PolygonWkb(e, s);
                var area = new Shape(e, s).Area;
                var county = counties[b.County];
                var town = 100 + j / 6 % 20;
                var village = 1 + (i / 4 + j / 5 * 3) % 30;
                var zldwdm = $"{county.Code}{town:000}{village:000}0000000";
                var zldwmc = VillageNames[(i / 4 + j / 5) % VillageNames.Length] + "村";
                var dlbm = LandClasses.Dlbm(b.Class);
                var dlmc = LandClasses.Dlmc(b.Class);
                dltb.Add(wkb, [bsm++, "2001010100", (tbbh++).ToString(System.Globalization.CultureInfo.InvariantCulture), dlbm, dlmc, "30", zldwdm, zldwmc, Math.Round(area, 2)]);
                if (b.Basic)
                    jbnt.Add(wkb, [bsm++, "2001020100", (jbbh++).ToString(System.Globalization.CultureInfo.InvariantCulture), dlbm, dlmc, zldwdm, Math.Round(area, 2)]);
            }
        for (var c = 0; c < counties.Count; c++)
        {
            var (e, s) = CountyOutline(c);
            if (e.Length == 0) continue;
            xzq.Add(frame.PolygonWkb(e, s), [bsm++, "1000600100", counties[c].Code, counties[c].Name, Math.Round(new Shape(e, s).Area, 2)]);
        }
        tx.Commit();
    }

    /// <summary>
    /// County 0 holds the blocks west of the staircase border (first county-1 block index per q-band),
    /// county 1 those east of it; each outline is built in the rotated frame and clipped to the scene.
    /// </summary>
    private (double[] E, double[] S) CountyOutline(int county)
    {
        var far = county == 0 ? layout.RoadP[0] : layout.RoadP[^1];
        var ps = new List<double>();
        var qs = new List<double>();
        // Down the border, band by band, then back along the far side.
        for (var j = 0; j < layout.CountQ; j++)
        {
            var p = layout.RoadP[layout.CountyBoundary[j]];
            ps.Add(p); qs.Add(layout.RoadQ[j]);
            ps.Add(p); qs.Add(layout.RoadQ[j + 1]);
        }
        ps.Add(far); qs.Add(layout.RoadQ[^1]);
        ps.Add(far); qs.Add(layout.RoadQ[0]);
        var e = new double[ps.Count];
        var s = new double[ps.Count];
        for (var k = 0; k < ps.Count; k++) (e[k], s[k]) = layout.FromRotated(ps[k], qs[k]);
        return Clip.ToRectangle(e, s, 0, 0, layout.SceneWidthM, layout.SceneHeightM);
    }
}

/// <summary>A county of the synthetic scene.</summary>
internal sealed record County(string Code, string Name);

/// <summary>Places scene-local metres on the map: the top-left corner in the output CRS.</summary>
internal sealed class SceneFrame(double originX, double originY, SpatialReference crs)
{
    public double OriginX { get; } = originX;
    public double OriginY { get; } = originY;
    public SpatialReference Crs { get; } = crs;

    /// <summary>Map coordinates of a ring in scene-local metres, counter-clockwise as OGC wants exterior rings.</summary>
    public byte[] PolygonWkb(double[] e, double[] s)
    {
        var x = new double[e.Length];
        var y = new double[e.Length];
        for (var k = 0; k < e.Length; k++)
        {
            x[k] = OriginX + e[k];
            y[k] = OriginY - s[k];
        }
        double area2 = 0;
        for (int i = 0, j = x.Length - 1; i < x.Length; j = i++) area2 += x[j] * y[i] - x[i] * y[j];
        if (area2 < 0)
        {
            Array.Reverse(x);
            Array.Reverse(y);
        }
        return WkbWriter.Polygon(x, y);
    }
}
