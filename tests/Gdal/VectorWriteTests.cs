using System.Text;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Layers written through OGR and read back: Chinese land-survey text in a GBK Shapefile, a
/// GeoPackage and a FileGDB; every field kind; and the geometry.
/// </summary>
public class VectorWriteTests
{
    // 地类名称 (DLMC) of the third national land survey, with their codes (DLBM).
    private static readonly (string Dlbm, string Dlmc)[] LandClasses =
    [
        ("0101", "水田"), ("0102", "水浇地"), ("0103", "旱地"), ("1104", "坑塘水面"), ("0702", "农村宅基地"),
    ];

    private static readonly FieldDefinition[] SurveyFields =
    [
        new("DLBM", FieldKind.String, 5),
        new("DLMC", FieldKind.String, 60),
        new("TBMJ", FieldKind.Real, 19, 2),
    ];

    private static Encoding Gbk
    {
        get
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding(936);
        }
    }

    /// <summary>Five 10 m squares side by side near CM 111E, one per land class.</summary>
    private static void WriteSurvey(VectorDataset ds, IEnumerable<string>? layerOptions = null)
    {
        var layer = ds.CreateLayer("dltb", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), SurveyFields, layerOptions);
        for (var i = 0; i < LandClasses.Length; i++)
            layer.Add(Wkb.Rectangle(500_000 + i * 10, 3_300_000, 500_010 + i * 10, 3_300_010),
                [LandClasses[i].Dlbm, LandClasses[i].Dlmc, 100.0 + i]);
    }

    private static void AssertSurvey(VectorLayer layer)
    {
        Assert.Equal(LandClasses.Length, layer.FeatureCount);
        Assert.Equal(4546, layer.SpatialReference?.Epsg);
        var features = layer.Features().ToList();
        Assert.Equal(LandClasses.Select(c => c.Dlmc), features.Select(f => f.GetString("DLMC")));
        Assert.Equal(LandClasses.Select(c => c.Dlbm), features.Select(f => f.GetString("DLBM")));
        Assert.Equal([100.0, 101, 102, 103, 104], features.Select(f => f.GetDouble("TBMJ")!.Value));
        for (var i = 0; i < features.Count; i++)
        {
            var wkb = features[i].Wkb!;
            Assert.Contains(Wkb.TypeOf(wkb), new[] { Wkb.Polygon, Wkb.MultiPolygon });
            Assert.Equal(100.0, Wkb.Area(wkb), 6);
        }
    }

    [Fact]
    public void GbkShapefile_StoresGbkBytes_AndReadsBackUnicode()
    {
        using var dir = new TempDir();
        var shp = dir.File("dltb.shp");
        using (var ds = VectorDataset.Create(shp, "ESRI Shapefile")) WriteSurvey(ds, ["ENCODING=GBK"]);

        var cpg = dir.File("dltb.cpg");
        Assert.True(File.Exists(cpg), ".cpg not written");
        Assert.Equal("GBK", File.ReadAllText(cpg).Trim());

        var dbf = File.ReadAllBytes(dir.File("dltb.dbf"));
        foreach (var (_, dlmc) in LandClasses)
        {
            var gbk = Gbk.GetBytes(dlmc);
            Assert.Equal(dlmc.Length * 2, gbk.Length); // two bytes a character in GBK
            Assert.True(dbf.AsSpan().IndexOf(gbk) >= 0, $"the .dbf lacks the GBK bytes of {dlmc}");
            Assert.True(dbf.AsSpan().IndexOf(Encoding.UTF8.GetBytes(dlmc)) < 0, $"the .dbf holds {dlmc} as UTF-8");
        }

        using var reopened = VectorDataset.Open(shp);
        AssertSurvey(reopened.Layer(0));
    }

    [Fact]
    public void GbkShapefile_WithoutItsCpg_ReadsRightOnlyWhenTheEncodingIsGiven()
    {
        using var dir = new TempDir();
        var shp = dir.File("dltb.shp");
        using (var ds = VectorDataset.Create(shp, "ESRI Shapefile")) WriteSurvey(ds, ["ENCODING=GBK"]);
        File.Delete(dir.File("dltb.cpg"));

        using (var withEncoding = VectorDataset.Open(shp, encoding: "GBK"))
            AssertSurvey(withEncoding.Layer(0));

        // GDAL 3.6 records ENCODING=GBK only in the .cpg (the .dbf's language driver byte stays 0), so
        // without either it passes the raw GBK bytes on as if they were UTF-8: garbage, not Chinese.
        Assert.Equal(0, File.ReadAllBytes(dir.File("dltb.dbf"))[29]);
        using var guessed = VectorDataset.Open(shp);
        var dlmc = guessed.Layer(0).Features().Select(f => f.GetString("DLMC")!).ToList();
        Assert.Equal(LandClasses.Length, dlmc.Count);
        Assert.All(dlmc, s => Assert.Contains('\uFFFD', s));
    }

    [Theory]
    [InlineData("ENCODING=UTF-8")]
    [InlineData(null)] // GDAL's own default is ISO-8859-1, which turns Chinese into "???"
    public void Utf8Shapefile_WritesACpgSayingUtf8(string? option)
    {
        using var dir = new TempDir();
        var shp = dir.File("dltb.shp");
        using (var ds = VectorDataset.Create(shp, "ESRI Shapefile")) WriteSurvey(ds, option is null ? null : [option]);
        Assert.Equal("UTF-8", File.ReadAllText(dir.File("dltb.cpg")).Trim());
        var dbf = File.ReadAllBytes(dir.File("dltb.dbf"));
        Assert.True(dbf.AsSpan().IndexOf(Encoding.UTF8.GetBytes("坑塘水面")) >= 0);
        using var reopened = VectorDataset.Open(shp);
        AssertSurvey(reopened.Layer(0));
    }

    [Fact]
    public void ChineseFileAndLayerNames_Work()
    {
        using var dir = new TempDir();
        var shp = dir.File("地类图斑.shp");
        using (var ds = VectorDataset.Create(shp, "ESRI Shapefile")) WriteSurvey(ds, ["ENCODING=GBK"]);
        using (var reopened = VectorDataset.Open(shp)) AssertSurvey(reopened.Layer("地类图斑"));

        var gpkg = dir.File("变化图斑.gpkg");
        using (var ds = VectorDataset.Create(gpkg, "GPKG"))
            ds.CreateLayer("变化图斑", GeometryKind.Polygon, null, [new FieldDefinition("JCBH", FieldKind.String, 20)]).Add(Wkb.Rectangle(0, 0, 1, 1), ["JC0001"]);
        using var g = VectorDataset.Open(gpkg);
        Assert.Equal("JC0001", Assert.Single(g.Layer("变化图斑").Features())["JCBH"]);
    }

    [Fact]
    public void GeoPackage_RoundTripsChineseText()
    {
        using var dir = new TempDir();
        var gpkg = dir.File("survey.gpkg");
        using (var ds = VectorDataset.Create(gpkg, "GPKG")) WriteSurvey(ds);
        // SQLite stores text as UTF-8.
        Assert.True(File.ReadAllBytes(gpkg).AsSpan().IndexOf(Encoding.UTF8.GetBytes("农村宅基地")) >= 0);
        using var reopened = VectorDataset.Open(gpkg);
        Assert.Equal("GPKG", reopened.DriverName);
        AssertSurvey(reopened.Layer("dltb"));
    }

    [Fact]
    public void FileGdb_RoundTripsChineseText()
    {
        using var dir = new TempDir();
        var gdb = dir.File("survey.gdb");
        using (var ds = VectorDataset.Create(gdb, "OpenFileGDB")) WriteSurvey(ds);
        Assert.True(Directory.Exists(gdb));
        using var reopened = VectorDataset.Open(gdb);
        Assert.Equal("OpenFileGDB", reopened.DriverName);
        AssertSurvey(reopened.Layer("dltb"));
    }

    [Fact]
    public void GeoJson_RoundTripsChineseText_InWgs84()
    {
        using var dir = new TempDir();
        var path = dir.File("survey.geojson");
        using (var ds = VectorDataset.Create(path, "GeoJSON"))
        {
            var layer = ds.CreateLayer("dltb", GeometryKind.Polygon, SpatialReference.FromEpsg(4326), SurveyFields);
            layer.Add(Wkb.Rectangle(111, 29.8, 111.001, 29.801), ["0101", "水田", 1.5]);
        }
        Assert.Contains("水田", File.ReadAllText(path, Encoding.UTF8), StringComparison.Ordinal);
        using var reopened = VectorDataset.Open(path);
        var f = Assert.Single(reopened.Layer(0).Features());
        Assert.Equal("水田", f["DLMC"]);
        Assert.Equal((111.0, 29.8), Wkb.RingOf(f.Wkb!)[0]);
    }

    public static TheoryData<string, string> Drivers => new()
    {
        { "GPKG", "t.gpkg" },
        { "OpenFileGDB", "t.gdb" },
        { "ESRI Shapefile", "t.shp" },
    };

    private static readonly FieldDefinition[] AllKinds =
    [
        new("i32", FieldKind.Integer),
        new("i64", FieldKind.Integer64),
        new("real", FieldKind.Real),
        new("text", FieldKind.String, 50),
        new("day", FieldKind.Date),
        new("stamp", FieldKind.DateTime),
    ];

    [Fact]
    public void GeoPackage_EveryFieldKindRoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("kinds.gpkg");
        var stamp = new DateTime(2024, 5, 1, 12, 34, 56, 789, DateTimeKind.Utc);
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            var layer = ds.CreateLayer("kinds", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), AllKinds);
            layer.Add(Wkb.Rectangle(0, 0, 1, 1), [int.MinValue, long.MaxValue, Math.PI, "Tab\t'quote' \"双引号\"", new DateOnly(2024, 2, 29), stamp]);
            layer.Add(Wkb.Rectangle(1, 0, 2, 1), [int.MaxValue, long.MinValue, -0.1, "", new DateOnly(1900, 1, 1), new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc)]);
            layer.Add(Wkb.Rectangle(2, 0, 3, 1), [null, null, null, null, null, null]);
            layer.Add([], [7, 8L, 9.5, "no geometry"]);
        }
        using var reopened = VectorDataset.Open(path);
        var read = reopened.Layer(0);
        Assert.Equal(AllKinds.Select(f => (f.Name, f.Kind)), read.Fields.Select(f => (f.Name, f.Kind)));
        var features = read.Features().ToList();
        Assert.Equal(4, features.Count);

        Assert.Equal((long)int.MinValue, features[0]["i32"]);
        Assert.Equal(long.MaxValue, features[0]["i64"]);
        Assert.Equal(Math.PI, features[0]["real"]);
        Assert.Equal("Tab\t'quote' \"双引号\"", features[0]["text"]);
        Assert.Equal(new DateTime(2024, 2, 29), features[0]["day"]);
        var readStamp = Assert.IsType<DateTime>(features[0]["stamp"]);
        Assert.Equal(stamp, readStamp);
        Assert.Equal(DateTimeKind.Utc, readStamp.Kind);

        Assert.Equal((long)int.MaxValue, features[1]["i32"]);
        Assert.Equal(long.MinValue, features[1]["i64"]);
        Assert.Equal(-0.1, features[1]["real"]);
        Assert.Equal("", features[1]["text"]);
        Assert.Equal(new DateTime(1900, 1, 1), features[1]["day"]);
        Assert.Equal(new DateTime(1999, 12, 31, 23, 59, 59), features[1]["stamp"]);

        Assert.All(features[2].Values, Assert.Null);
        Assert.NotNull(features[2].Wkb);

        Assert.Null(features[3].Wkb);
        Assert.Equal("no geometry", features[3]["text"]);
        Assert.Null(features[3]["day"]); // values not given are left unset
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public void CommonFieldKinds_RoundTripInEveryOutputFormat(string driver, string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        FieldDefinition[] fields = [new("CODE", FieldKind.Integer), new("AREA", FieldKind.Real, 19, 4), new("NAME", FieldKind.String, 40), new("DAY", FieldKind.Date)];
        using (var ds = VectorDataset.Create(path, driver))
        {
            var layer = ds.CreateLayer("t", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), fields);
            layer.Add(Wkb.Rectangle(500_000, 3_300_000, 500_030, 3_300_020), [42, 600.25, "水浇地", new DateOnly(2023, 12, 31)]);
            layer.Add(Wkb.Rectangle(500_030, 3_300_000, 500_040, 3_300_020), [-1, 0.0, "旱地", new DateOnly(2000, 1, 1)]);
        }
        using var reopened = VectorDataset.Open(path);
        var read = reopened.Layer(0);
        Assert.Equal(4546, read.SpatialReference?.Epsg);
        var features = read.Features().ToList();
        Assert.Equal(2, features.Count);
        Assert.Equal(42L, features[0]["CODE"]);
        Assert.Equal(600.25, features[0].GetDouble("AREA"));
        Assert.Equal("水浇地", features[0]["NAME"]);
        Assert.Equal(new DateTime(2023, 12, 31), features[0]["DAY"]);
        Assert.Equal(-1L, features[1]["CODE"]);
        Assert.Equal("旱地", features[1]["NAME"]);
        Assert.Equal(600.0, Wkb.Area(features[0].Wkb!), 6);
        Assert.Equal(200.0, Wkb.Area(features[1].Wkb!), 6);
        Assert.Equal(new BoundingBox(500_000, 3_300_000, 500_040, 3_300_020), read.Extent);
    }

    [Fact]
    public void FileGdb_DateTimeRoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("dt.gdb");
        var when = new DateTime(2024, 5, 1, 8, 30, 15);
        using (var ds = VectorDataset.Create(path, "OpenFileGDB"))
        {
            var layer = ds.CreateLayer("t", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), [new FieldDefinition("JCSJ", FieldKind.DateTime)]);
            layer.Add(Wkb.Rectangle(0, 0, 1, 1), [when]);
        }
        using var reopened = VectorDataset.Open(path);
        Assert.Equal(when, Assert.Single(reopened.Layer(0).Features())["JCSJ"]);
    }

    /// <summary>
    /// OGR stores a date it is given as text without checking the calendar (Shapefile and GeoPackage
    /// keep "2023/02/31"); real survey files carry such dates. Reading one must not fail the layer.
    /// </summary>
    [Theory]
    [InlineData("ESRI Shapefile", "d.shp")]
    [InlineData("GPKG", "d.gpkg")]
    public void ImpossibleDates_AreReadAsText_AndDoNotFailTheLayer(string driver, string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        using (var ds = VectorDataset.Create(path, driver))
        {
            var layer = ds.CreateLayer("d", GeometryKind.Polygon, null, [new FieldDefinition("BGRQ", FieldKind.Date)]);
            layer.Add(Wkb.Rectangle(0, 0, 1, 1), ["2023/02/31"]);
            layer.Add(Wkb.Rectangle(0, 0, 1, 1), ["2023/02/28"]);
        }
        using var reopened = VectorDataset.Open(path);
        var values = reopened.Layer(0).Features().Select(f => f["BGRQ"]).ToList();
        Assert.Equal(2, values.Count);
        Assert.Equal("2023/02/31", values[0]);
        Assert.Equal(new DateTime(2023, 2, 28), values[1]);
    }

    [Fact]
    public void WrittenLayer_Filters()
    {
        using var dir = new TempDir();
        var gpkg = dir.File("survey.gpkg");
        using (var ds = VectorDataset.Create(gpkg, "GPKG")) WriteSurvey(ds);
        using var reopened = VectorDataset.Open(gpkg);
        var layer = reopened.Layer(0);
        layer.SetAttributeFilter("DLBM IN ('0101', '0102', '0103')");
        Assert.Equal(["水田", "水浇地", "旱地"], layer.Features().Select(f => f.GetString("DLMC")));
        layer.SetAttributeFilter("DLMC = '坑塘水面'");
        Assert.Equal("1104", Assert.Single(layer.Features()).GetString("DLBM"));
        layer.SetAttributeFilter(null);
        // Squares cover x 500000..500050 in 10 m steps: this rectangle meets the 2nd and 3rd only.
        layer.SetSpatialFilter(new BoundingBox(500_012, 3_300_002, 500_028, 3_300_008));
        Assert.Equal(["水浇地", "旱地"], layer.Features().Select(f => f.GetString("DLMC")));
        Assert.Equal(2, layer.FeatureCount);
    }

    [Theory]
    [InlineData("GPKG", "e.gpkg")]
    [InlineData("OpenFileGDB", "e.gdb")]
    [InlineData("GeoJSON", "e.geojson")]
    public void EmptyLayer_HasNoExtent_AndTheErrorSaysWhy(string driver, string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        using var ds = VectorDataset.Create(path, driver);
        var layer = ds.CreateLayer("empty", GeometryKind.Polygon, null, [new FieldDefinition("A", FieldKind.Integer)]);
        var e = Assert.Throws<GdalException>(() => layer.Extent);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("no features", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3_000_000_000L)]
    [InlineData(-2_147_483_649L)]
    public void IntegerField_RefusesAValueItCannotHold_InsteadOfClamping(long value)
    {
        // OGR would store 2147483647 (or -2147483648) with only a warning.
        using var dir = new TempDir();
        var path = dir.File("i.gpkg");
        using var ds = VectorDataset.Create(path, "GPKG");
        var layer = ds.CreateLayer("t", GeometryKind.Polygon, null, [new FieldDefinition("JCMJ", FieldKind.Integer), new FieldDefinition("BIG", FieldKind.Integer64)]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Add(Wkb.Rectangle(0, 0, 1, 1), [value, value]));
        Assert.Contains("JCMJ", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        layer.Add(Wkb.Rectangle(0, 0, 1, 1), [int.MaxValue, value]); // Integer64 holds it
        Assert.Equal(value, Assert.Single(layer.Features())["BIG"]);
    }

    [Fact]
    public void Add_WithMoreValuesThanFields_IsRefused()
    {
        using var ds = VectorDataset.CreateInMemory();
        var layer = ds.CreateLayer("t", GeometryKind.Polygon, null, [new FieldDefinition("A", FieldKind.Integer)]);
        Assert.Throws<ArgumentException>(() => layer.Add([], [1, 2]));
        var e = Assert.Throws<GdalException>(() => layer.Add([1, 2, 3], [1]));
        Assert.Contains("WKB", e.Message, StringComparison.Ordinal);
    }
}
