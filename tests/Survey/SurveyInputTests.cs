using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Survey;

/// <summary>
/// Surveys that were taken silently or refused with a misleading text: a Shapefile without its .prj (read as if in the
/// scene's CRS), a GeoPackage of the undefined SRS, a Shapefile layer without its .shx ("no layer DLTB") or .dbf ("its
/// fields are ."), a CRS PROJ cannot reach (a message not naming the survey). Each is one message naming the file.
/// </summary>
public class SurveyInputTests
{
    private static readonly SpatialReference Crs = SpatialReference.FromEpsg(4546);
    private static readonly BoundingBox Everywhere = new(0, 0, 1e7, 1e7);

    private static string ShapefileSurvey(TempDir dir)
    {
        SceneSynthesizer.Run(new SynthOptions { Size = 64, Seed = 3 }, dir.Path);
        return dir.File("survey_shp");
    }

    [Theory]
    [InlineData(".shx")]
    [InlineData(".dbf")]
    public void AShapefileLayerWithoutAMember_NamesTheMissingFile(string member)
    {
        using var dir = new TempDir();
        var survey = ShapefileSurvey(dir);
        File.Delete(Path.Combine(survey, "DLTB" + member));
        var e = Assert.Throws<SurveyException>(() => LandSurvey.Validate(survey));
        Assert.Contains($"'{Path.Combine(survey, "DLTB.shp")}' has no DLTB{member} beside it", e.Message, StringComparison.Ordinal);
        Assert.Throws<SurveyException>(() => LandSurvey.Load(survey, Crs, Everywhere));
    }

    [Fact]
    public void AShapefileWithoutItsPrj_IsRefused_NotTakenAsTheSceneCrs()
    {
        using var dir = new TempDir();
        var survey = ShapefileSurvey(dir);
        File.Delete(Path.Combine(survey, "YJJBNTTB.prj"));
        LandSurvey.Validate(survey);
        var e = Assert.Throws<SurveyException>(() => LandSurvey.Load(survey, Crs, Everywhere));
        Assert.Contains($"Survey '{survey}', layer 'YJJBNTTB' has no CRS: '{Path.Combine(survey, "YJJBNTTB.prj")}' is missing", e.Message, StringComparison.Ordinal);
        File.Delete(Path.Combine(survey, "DLTB.prj"));
        Assert.Throws<SurveyException>(() => LandSurvey.Validate(survey));
    }

    [Fact]
    public void AGeoPackageOfTheUndefinedSrs_IsRefused_LikeAShapefileWithoutPrj()
    {
        using var dir = new TempDir();
        var path = dir.File("survey.gpkg");
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            var dltb = ds.CreateLayer("DLTB", GeometryKind.Polygon, null, [new FieldDefinition("DLBM", FieldKind.String, 5)]);
            var f = new GeometryFactory();
            dltb.Add(new WKBWriter().Write(f.CreatePolygon([new(500000, 3300000), new(500100, 3300000), new(500100, 3300100), new(500000, 3300000)])), ["0101"]);
        }
        var e = Assert.Throws<SurveyException>(() => LandSurvey.Validate(path));
        Assert.Contains($"Survey '{path}', layer 'DLTB' has no CRS", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX")]
    [InlineData("42/506")]
    [InlineData("4205")]
    public void ACountyCodeThatIsNoDivisionCode_IsRefused_NamingTheSurvey(string code)
    {
        using var dir = new TempDir();
        var path = dir.File("survey.gpkg");
        var f = new GeometryFactory();
        var square = new WKBWriter().Write(f.CreatePolygon([new(500000, 3300000), new(500100, 3300000), new(500100, 3300100), new(500000, 3300100), new(500000, 3300000)]));
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            ds.CreateLayer("DLTB", GeometryKind.Polygon, Crs, [new FieldDefinition("DLBM", FieldKind.String, 5)]).Add(square, ["0101"]);
            ds.CreateLayer("XZQ", GeometryKind.Polygon, Crs, [new FieldDefinition("XZQDM", FieldKind.String, 200)]).Add(square, [code]);
        }
        var e = Assert.Throws<SurveyException>(() => LandSurvey.Load(path, Crs, Everywhere));
        Assert.StartsWith($"Survey '{path}', layer 'XZQ': XZQDM '{code[..Math.Min(code.Length, 40)]}", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not an administrative division code", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACrsProjCannotReach_NamesTheSurvey()
    {
        using var dir = new TempDir();
        var survey = ShapefileSurvey(dir);
        foreach (var prj in Directory.GetFiles(survey, "*.prj")) File.WriteAllText(prj, "LOCAL_CS[\"site\",UNIT[\"metre\",1]]");
        var e = Assert.Throws<SurveyException>(() => LandSurvey.Load(survey, Crs, Everywhere));
        Assert.StartsWith($"Survey '{survey}', layer 'DLTB' in site cannot be reprojected to the scene's EPSG:4546", e.Message, StringComparison.Ordinal);
    }
}
