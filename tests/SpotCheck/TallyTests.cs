using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.SpotCheck;

/// <summary><c>weipian tally</c>: the month's counts per county and province, worked by hand, and its refusals.</summary>
public sealed class TallyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // JCBH, XZQDM, HSX, JCMJ, JCGDMJ, YJJBNTMJ.
    private static readonly (string Jcbh, string County, string Hsx, double Area, double Farmland, double Basic)[] Issued =
    [
        ("A1", "420583", "20240605", 1000, 600, 100),
        ("A2", "420583", "20240620", 500, 500, 0),
        ("A3", "420583", "20240702", 900, 900, 900),   // issued in July: not June's
        ("B1", "421087", "20240611", 300, 200, 50),
        ("B2", "421087", "20240615", 800, 0, 0),
    ];

    private string WriteIssued(bool withBasic = true)
    {
        var path = _dir.File(withBasic ? "tuban.gpkg" : "tuban-nobasic.gpkg");
        using var ds = VectorDataset.Create(path, "GPKG");
        var fields = new List<FieldDefinition>
        {
            new("JCBH", FieldKind.String, 30), new("XZQDM", FieldKind.String, 12), new("HSX", FieldKind.String, 8),
            new("JCMJ", FieldKind.Real), new("JCGDMJ", FieldKind.Real),
        };
        if (withBasic) fields.Add(new("YJJBNTMJ", FieldKind.Real));
        var layer = ds.CreateLayer("tuban", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), fields);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
        var square = new GeometryFactory().CreatePolygon([new(500000, 3000000), new(500010, 3000000), new(500010, 2999990), new(500000, 2999990), new(500000, 3000000)]);
        foreach (var p in Issued)
            layer.Add(wkb.Write(square), withBasic ? [p.Jcbh, p.County, p.Hsx, p.Area, p.Farmland, p.Basic] : [p.Jcbh, p.County, p.Hsx, p.Area, p.Farmland]);
        return path;
    }

    private string WriteVerdicts()
    {
        var path = _dir.File("verdicts.csv");
        // A1 illegal, reported by the deadline (the end of July); A2 false change, reported in August: late;
        // B1 legal without a date (counted on time); B2 not reported.
        File.WriteAllText(path, "JCBH,PDLX,PDRQ\nA1,违法,20240710\nA2,伪变化,2024-08-05\nB1,legal,\nA3,违法,20240805\n");
        return path;
    }

    [Fact]
    public async Task JuneIsTalliedPerCountyAndProvince()
    {
        var outDir = _dir.File("out");
        var (code, output) = await CliProcess.RunAsync(["tally", "--issued", WriteIssued(), "--reported", WriteVerdicts(), "--month", "2024-06", "--out", outDir]);

        Assert.True(code == 0, output);
        var lines = File.ReadAllLines(Path.Combine(outDir, "tally.csv"));
        Assert.Equal("level,code,issued,on_time,late,unverified,overdue,legal,illegal,false_change,rectified,facility_not_filed,rural_road,other,"
            + "area_m2,farmland_m2,basic_farmland_m2,illegal_farmland_m2,farmland_mu,basic_farmland_mu,illegal_farmland_mu", lines[0]);
        Assert.Equal(
        [
            "county,420583,2,1,1,0,1,0,1,1,0,0,0,0,1500.00,1100.00,100.00,600.00,1.65,0.15,0.90",
            "county,421087,2,1,0,1,1,1,0,0,0,0,0,0,1100.00,200.00,50.00,0.00,0.30,0.08,0.00",
            "province,420000,4,2,1,1,2,1,1,1,0,0,0,0,2600.00,1300.00,150.00,600.00,1.95,0.23,0.90",
        ], lines.Skip(1));
        Assert.Contains("counted on time: 1", File.ReadAllText(Path.Combine(outDir, "tally.html")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingAreaFieldIsOneLine()
    {
        var outDir = _dir.File("out");
        var (code, stderr) = await CliProcess.RunForErrorAsync(["tally", "--issued", WriteIssued(withBasic: false), "--reported", WriteVerdicts(), "--month", "2024-06", "--out", outDir]);

        Assert.Equal(2, code);
        Assert.DoesNotContain('\n', stderr);
        Assert.Contains("lacks YJJBNTMJ", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task AMonthThatIsNoneIsRefusedNamingTheOption()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["tally", "--issued", WriteIssued(), "--reported", WriteVerdicts(), "--month", "2024-13", "--out", _dir.File("out")]);

        Assert.Equal(2, code);
        Assert.Equal("weipian: The month '2024-13' is not YYYY-MM. (--month 2024-06)", stderr);
    }
}
