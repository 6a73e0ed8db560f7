using NetTopologySuite.Geometries;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Output;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

public class ReprocessManifestTests
{
    [Fact]
    public void ReadsColumnsByNameWithDefaults()
    {
        using var dir = new TempDir();
        var path = dir.File("scenes.csv");
        File.WriteAllText(path, """
            # year-end batch
            after,before,key,after_date,before_date,region,bands,remark
            b/GF2_0001_after.tif,a/GF2_0001_before.tif,,20241120,2024-03-15,,,
            b/two.tif,a/two.tif,T2,,,430102,"B,G,R,NIR","a remark, with a comma"

            """);
        var jobs = SceneManifest.Read(path);
        Assert.Equal(2, jobs.Count);
        Assert.Equal("GF2_0001_after", jobs[0].Key);
        Assert.Equal(Path.Combine(dir.Path, "a", "GF2_0001_before.tif"), jobs[0].Before);
        Assert.Equal(new DateOnly(2024, 11, 20), jobs[0].AfterDate);
        Assert.Equal(new DateOnly(2024, 3, 15), jobs[0].BeforeDate);
        Assert.Null(jobs[0].Region);
        Assert.Equal(("T2", "430102", 4), (jobs[1].Key, jobs[1].Region, jobs[1].Bands!.Count));
    }

    [Theory]
    [InlineData("before,after\na.tif,b.tif\nc.tif,b.tif\n", "line 3: key 'b' is already used on line 2")]
    [InlineData("before,after,after_date\na.tif,b.tif,2024-13-01\n", "line 2: after_date '2024-13-01' is not a date")]
    [InlineData("before,after,region\na.tif,b.tif,4301\n", "region '4301' is not a 6-digit county code")]
    [InlineData("before,key\na.tif,b\n", "must name the columns 'before' and 'after'")]
    [InlineData("before,after,key\na.tif,b.tif,../x\n", "key '../x' may hold only")]
    [InlineData("before,after\n", "lists no scene pairs")]
    public void RefusesBadManifestsNamingTheLine(string text, string message)
    {
        using var dir = new TempDir();
        var path = dir.File("m.csv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InputException>(() => SceneManifest.Read(path));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void JudgementsReadBothLanguages()
    {
        using var dir = new TempDir();
        var path = dir.File("j.csv");
        File.WriteAllText(path, "JCBH,PDLX,KCLX,XMMC\n430102WP2400001,违法,国家,某高速\n430102WP2400002,legal,,\n430102WP2400003,illegal,provincial,\n");
        var j = Judgements.Read(path);
        Assert.Equal(new Judgement("430102WP2400001", Legality.Illegal, Deduction.National), j["430102WP2400001"]);
        Assert.Equal(new Judgement("430102WP2400002", Legality.Legal, Deduction.None), j["430102WP2400002"]);
        Assert.Equal(Deduction.Provincial, j["430102WP2400003"].Deduction);
        File.WriteAllText(path, "JCBH,PDLX\n1,违法\n1,合法\n");
        Assert.Contains("judged twice", Assert.Throws<InputException>(() => Judgements.Read(path)).Message);
        File.WriteAllText(path, "JCBH,PDLX\n1,maybe\n");
        Assert.Contains("PDLX 'maybe'", Assert.Throws<InputException>(() => Judgements.Read(path)).Message);
    }
}

/// <summary>The yearly ratio R on a hand-made case, against a hand computation.</summary>
public class ReprocessRatioTests
{
    // Farmland areas (JCGDMJ, m²) of new-construction polygons in two counties of one city (430100) and one of
    // another city (430300), all in province 430000, with their judgements:
    //
    //   county 430102:  P1 20 illegal 1000 · P2 YH illegal 500 national · P3 20 illegal 300 provincial · P4 GF legal 2000
    //                   P5 20 unjudged 200 · P6 KT illegal 4000 (a pond: not construction) · P7 CK illegal 100 · P8 20 legal 700 provincial (legal: nothing to deduct)
    //   county 430103:  Q1 20 illegal 600 provincial · Q2 20 legal 1400
    //   county 430321:  R1 YH illegal 50 · R2 20 legal 950
    //
    // 430102 (county level, D = national + provincial): all = 1000+500+300+2000+200+100+700 = 4800; illegal = 1000+500+300+100 = 1900;
    //         D = 500+300 = 800; R = (1900-800)/(4800-800) = 1100/4000 = 0.275 → flagged.
    // 430103: all 2000, illegal 600, D 600 → R = 0/1400 = 0.
    // 430321: all 1000, illegal 50, D 0 → R = 0.05.
    // City 430100 (D = national + provincial): all 6800, illegal 2500, D 1400 → R = 1100/5400.
    // Province 430000 (D = national only): all 7800, illegal 2550, D 500 → R = 2050/7300.
    private static readonly (string Id, string County, string Tblx, double Farm, Legality? Legality, Deduction Deduction)[] Case =
    [
        ("P1", "430102", "20", 1000, Legality.Illegal, Deduction.None),
        ("P2", "430102", "YH", 500, Legality.Illegal, Deduction.National),
        ("P3", "430102", "20", 300, Legality.Illegal, Deduction.Provincial),
        ("P4", "430102", "GF", 2000, Legality.Legal, Deduction.None),
        ("P5", "430102", "20", 200, null, Deduction.None),
        ("P6", "430102", "KT", 4000, Legality.Illegal, Deduction.None),
        ("P7", "430102", "CK", 100, Legality.Illegal, Deduction.None),
        ("P8", "430102", "20", 700, Legality.Legal, Deduction.Provincial),
        ("Q1", "430103", "20", 600, Legality.Illegal, Deduction.Provincial),
        ("Q2", "430103", "20", 1400, Legality.Legal, Deduction.None),
        ("R1", "430321", "YH", 50, Legality.Illegal, Deduction.None),
        ("R2", "430321", "20", 950, Legality.Legal, Deduction.None),
    ];

    [Fact]
    public void RatioMatchesTheHandComputationWithBothDeductionRules()
    {
        var (polygons, judgements) = Build();
        var regions = RegionalFigures.Compute(polygons, judgements);
        RatioFigures At(RegionLevel level, string code) => regions.Single(r => r.Level == level && r.Code == code).Ratio!;

        var c1 = At(RegionLevel.County, "430102");
        Assert.Equal((4800.0, 1900.0, 800.0, 1), (c1.ConstructionFarmland, c1.IllegalFarmland, c1.Deducted, c1.Unjudged));
        Assert.Equal(0.275, c1.R!.Value, 12);
        Assert.True(c1.Flagged);
        Assert.Equal(0.0, At(RegionLevel.County, "430103").R!.Value, 12);
        Assert.Equal(0.05, At(RegionLevel.County, "430321").R!.Value, 12);
        Assert.False(At(RegionLevel.County, "430321").Flagged);

        var city = At(RegionLevel.City, "430100");
        Assert.Equal((6800.0, 2500.0, 1400.0), (city.ConstructionFarmland, city.IllegalFarmland, city.Deducted));
        Assert.Equal(1100.0 / 5400.0, city.R!.Value, 12);
        Assert.True(city.Flagged);

        // At province level the provincial projects (P3 300, Q1 600) stay in: only the national P2 (500) is deducted.
        var province = At(RegionLevel.Province, "430000");
        Assert.Equal((7800.0, 2550.0, 500.0), (province.ConstructionFarmland, province.IllegalFarmland, province.Deducted));
        Assert.Equal(2050.0 / 7300.0, province.R!.Value, 12);
        Assert.True(province.Flagged);

        var notes = RegionalFigures.IgnoredDeductions(polygons, judgements);
        Assert.Equal(["P8: deduction flag (Provincial) on a polygon judged legal: nothing to deduct"], notes);
    }

    [Fact]
    public void ThresholdIsFifteenPerCentInclusive()
    {
        Assert.True(new RatioFigures(1000, 150, 0, 0, 0.15).Flagged);
        Assert.False(new RatioFigures(1000, 149.99, 0, 0, 0.15).Flagged);
        Assert.Null(new RatioFigures(500, 500, 500, 0, 0.15).R);   // everything deducted: no ratio
    }

    [Fact]
    public void RatioCsvHoldsTheTerms()
    {
        var (polygons, judgements) = Build();
        var csv = BatchReportWriter.RatioCsv(RegionalFigures.Compute(polygons, judgements)).Split('\n');
        Assert.Equal("level,code,construction_farmland_m2,illegal_farmland_m2,deducted_m2,R,R_percent,flagged,unjudged", csv[0]);
        Assert.Contains("county,430102,4800.00,1900.00,800.00,0.275000,27.50,Y,1", csv);
        Assert.Contains("province,430000,7800.00,2550.00,500.00,0.280822,28.08,Y,1", csv);
    }

    private static (List<BatchTuban>, Dictionary<string, Judgement>) Build()
    {
        var polygons = new List<BatchTuban>();
        var judgements = new Dictionary<string, Judgement>();
        var f = new GeometryFactory();
        var i = 0;
        foreach (var (id, county, tblx, farm, legality, deduction) in Case)
        {
            var g = f.CreatePolygon([new(i, 0), new(i + 1, 0), new(i + 1, 1), new(i, 1), new(i, 0)]);
            i += 2;
            polygons.Add(new BatchTuban(new Tuban
            {
                Jcbh = id, Xzqdm = county, Tblx = tblx, Qsx = "", Hsx = "", Qqjh = "", Dqjh = "", Jcmj = farm, Jcgdmj = farm, Yjjbntmj = 0,
                Sfyn = false, X = 0, Y = 0, Lzb = 0, Bzb = 0, Zdbh = "", Zdlx = "", Fxfs = "", Confidence = 1, ClassId = 1, ClassName = "", Geometry = g,
            }));
            if (legality is { } l) judgements[id] = new Judgement(id, l, deduction);
        }
        return (polygons, judgements);
    }
}

public class ReprocessNumberingTests
{
    [Fact]
    public void JcbhDoesNotDependOnInputOrder()
    {
        var f = new GeometryFactory();
        BatchTuban P(string county, double x, double y, string hsx = "20241120") => new(new Tuban
        {
            Jcbh = "provisional", Xzqdm = county, Tblx = "20", Qsx = "", Hsx = hsx, Qqjh = "", Dqjh = "", Jcmj = 100, Jcgdmj = 100, Yjjbntmj = 0,
            Sfyn = false, X = x, Y = y, Lzb = 0, Bzb = 0, Zdbh = "", Zdlx = "", Fxfs = "", Confidence = 1, ClassId = 1, ClassName = "",
            Geometry = f.CreatePoint(new Coordinate(x, y)).Buffer(5),
        });
        var polygons = new List<BatchTuban>
        {
            P("430102", 500_100, 3_000_900), P("430102", 500_050, 3_000_100), P("430102", 500_900, 3_000_950),
            P("430102", 500_010, 2_999_500), P("430321", 501_000, 3_000_000), P("430102", 500_500, 3_000_500, "20231201"),
        };
        var numbering = new JcbhNumbering { SourceTag = "WP" };
        var expected = numbering.Renumber(polygons).Select(p => (p.Tuban.Jcbh, p.Tuban.X, p.Tuban.Y)).ToList();
        // Top band (y 3 000 000-3 001 000) west to east, then the band below; another year has its own serials.
        Assert.Equal(
        [
            ("430102WP2300001", 500_500.0, 3_000_500.0),
            ("430102WP2400001", 500_050.0, 3_000_100.0), ("430102WP2400002", 500_100.0, 3_000_900.0), ("430102WP2400003", 500_900.0, 3_000_950.0),
            ("430102WP2400004", 500_010.0, 2_999_500.0),
            ("430321WP2400001", 501_000.0, 3_000_000.0),
        ], expected);
        var random = new Random(7);
        for (var i = 0; i < 5; i++)
            Assert.Equal(expected, numbering.Renumber(polygons.OrderBy(_ => random.Next()).ToList()).Select(p => (p.Tuban.Jcbh, p.Tuban.X, p.Tuban.Y)));
    }
}
