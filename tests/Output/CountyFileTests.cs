using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tests.Files;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Output;

/// <summary>
/// One file per county never loses a county: county codes that are not 6 digits (which two counties could share a file
/// name through, and which would corrupt JCBH) are refused when the survey is read; an input named like a county file is
/// refused before the run; county files of an earlier run are kept and named.
/// </summary>
public sealed class CountyFileTests : IDisposable
{
    private static readonly GeometryFactory F = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("a/b")]
    [InlineData("a_b")]
    [InlineData("4205061")]
    [InlineData("42050")]
    public void SurveyWithACountyCodeThatIsNotSixDigitsIsRefused(string code)
    {
        var survey = Survey(code);
        var e = Assert.Throws<SurveyException>(() =>
            LandSurvey.Load(survey, SpatialReference.FromEpsg(4546), new BoundingBox(500_000, 3_400_000, 502_000, 3_401_000)));
        Assert.Contains(survey, e.Message);
        Assert.Contains($"'{code}'", e.Message);
        Assert.Throws<InputException>(() => CountySplitSink.PathFor(_dir.File("tuban.gpkg"), code));
    }

    [Fact]
    public void CountyFilesOfAnEarlierRunAreKeptAndNamed()
    {
        var path = _dir.File("tuban.gpkg");
        var earlier = _dir.File("tuban_420583.gpkg");
        var unrelated = _dir.File("tuban_notes.gpkg");
        foreach (var f in new[] { earlier, unrelated }) File.WriteAllText(f, "earlier");
        var notices = LeftoverTests.Listen(() =>
        {
            using var sink = new CountySplitSink(path, SpatialReference.FromEpsg(4546), TubanFormat.GeoPackage);
            sink.Add(Record("420506"));
            sink.Commit();
        }, path);

        Assert.True(File.Exists(_dir.File("tuban_420506.gpkg")));
        Assert.Equal("earlier", File.ReadAllText(earlier));
        var notice = Assert.Single(notices);
        Assert.Contains("tuban_420583.gpkg", notice);
        Assert.DoesNotContain("tuban_notes", notice);
        Assert.DoesNotContain("tuban_420506", notice);
    }

    [Fact]
    public async Task DefaultCountyThatIsNotSixDigitsIsRefused()
    {
        using var detector = new ChangeDetector(TestModels.StackedChange);
        var pair = new ScenePair(Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif"));
        var e = await Assert.ThrowsAsync<InputException>(() => detector.DetectToFileAsync(pair, Path.Combine(TestPaths.SampleTiles, "survey.gpkg"),
            _dir.File("tuban.gpkg"), new DetectionOptions { DefaultCounty = "a/b" }));
        Assert.Contains("'a/b'", e.Message);
        Assert.False(File.Exists(_dir.File("tuban.gpkg")));
    }

    [Fact]
    public void RecordOfACountyCodeThatIsNotSixDigitsIsRefused()
    {
        using var sink = new CountySplitSink(_dir.File("tuban.gpkg"), SpatialReference.FromEpsg(4546), TubanFormat.GeoPackage);
        var e = Assert.Throws<InputException>(() => sink.Add(Record("a/b")));
        Assert.Contains("a/b", e.Message);
    }

    [Fact]
    public async Task InputNamedLikeACountyFileIsRefusedBeforeTheRun()
    {
        var survey = _dir.File("tuban_420506.gpkg");
        File.Copy(Path.Combine(TestPaths.SampleTiles, "survey.gpkg"), survey);
        var sha = OutputSafetyTests.Sha(survey);
        using var detector = new ChangeDetector(TestModels.StackedChange);
        var pair = new ScenePair(Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif"));

        var e = await Assert.ThrowsAsync<InputException>(() =>
            detector.DetectToFileAsync(pair, survey, _dir.File("tuban.gpkg"), new DetectionOptions { SplitBy = OutputSplit.County }));
        Assert.Contains(survey, e.Message);
        Assert.Equal(sha, OutputSafetyTests.Sha(survey));
        Assert.Throws<InputException>(() => CountySplitSink.EnsureApart(_dir.File("tuban.shp"), _dir.File("tuban_420506.dbf")));
        CountySplitSink.EnsureApart(_dir.File("tuban.shp"), _dir.File("tuban_4205.dbf"), _dir.File("other_420506.shp"));
    }

    private string Survey(string code)
    {
        var path = _dir.File($"survey-{Guid.NewGuid():N}.gpkg");
        var crs = SpatialReference.FromEpsg(4546);
        using var ds = VectorDataset.Create(path, "GPKG");
        var wkb = new WKBWriter();
        var dltb = ds.CreateLayer("DLTB", GeometryKind.Polygon, crs, [new FieldDefinition("DLBM", FieldKind.String, 5)]);
        dltb.Add(wkb.Write(Square(500_000, 3_400_000, 2000)), ["0101"]);
        var xzq = ds.CreateLayer("XZQ", GeometryKind.Polygon, crs,
            [new FieldDefinition("XZQDM", FieldKind.String, 12), new FieldDefinition("XZQMC", FieldKind.String, 60)]);
        xzq.Add(wkb.Write(Square(500_000, 3_400_000, 1000)), ["420506", "夷陵区"]);
        xzq.Add(wkb.Write(Square(501_000, 3_400_000, 1000)), [code, "某县"]);
        return path;
    }

    private static Polygon Square(double x, double y, double side) =>
        F.CreatePolygon([new(x, y), new(x + side, y), new(x + side, y + side), new(x, y + side), new(x, y)]);

    private static Tuban Record(string county) => new()
    {
        Jcbh = county + "WP2500001", Xzqdm = county, Tblx = "20", Qsx = "20250101", Hsx = "20250601", Qqjh = "a", Dqjh = "b",
        Jcmj = 25, Jcgdmj = 25, Yjjbntmj = 0, Sfyn = false, X = 500_002, Y = 3_400_002, Lzb = 111, Bzb = 30, Zdbh = "m@1",
        Zdlx = "building", Fxfs = "test", Confidence = 0.9, ClassId = 1, ClassName = "building",
        Geometry = Square(500_000, 3_400_000, 5),
    };
}
