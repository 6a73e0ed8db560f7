using NetTopologySuite.Geometries;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>The reprocess report names the counties the survey names, beside their codes.</summary>
public class BatchReportNamesTests
{
    [Fact]
    public void CountiesAreNamedBesideTheirCodesWhereTheSurveyNamesThem()
    {
        var f = new GeometryFactory();
        BatchTuban P(string jcbh, string county, string name, int x) => new(new Tuban
        {
            Jcbh = jcbh, Xzqdm = county, Xzqmc = name, Tblx = "20", Qsx = "", Hsx = "", Qqjh = "", Dqjh = "", Jcmj = 500, Jcgdmj = 500, Yjjbntmj = 0,
            Sfyn = false, X = 0, Y = 0, Lzb = 0, Bzb = 0, Zdbh = "", Zdlx = "", Fxfs = "", Confidence = 1, ClassId = 1, ClassName = "building",
            Geometry = f.CreatePolygon([new(x, 0), new(x + 1, 0), new(x + 1, 1), new(x, 1), new(x, 0)]),
        });
        List<BatchTuban> polygons = [P("A", "430102", "芙蓉区", 0), P("B", "430102", "芙蓉区", 2), P("C", "430321", "", 4)];
        var crs = SpatialReference.FromEpsg(4546);
        var report = new BatchReport
        {
            Total = 1, Resume = new JournalSync(1, 0, 0, 0, 0), RunNow = 1, Done = 1, Failures = [],
            Crs = crs, Merge = new MergeResult(crs, polygons, 3, 0, 0), Polygons = polygons, Linked = 0,
            Regions = RegionalFigures.Compute(polygons), JudgementNotes = [], Outputs = [], Elapsed = TimeSpan.Zero,
        };
        var settings = new BatchSettings { OutputDirectory = "out", ModelPath = "m.onnx", SurveyPath = "survey.gpkg" };

        var md = BatchReportWriter.Markdown(report, settings);
        Assert.Contains("| 430102 芙蓉区 | 20 |", md);
        Assert.Contains("| 430321 | 20 |", md);      // the survey gives no name: the code alone
        Assert.Contains("| 430000 | 20 |", md);      // provinces and cities have no name in the survey
        var html = BatchReportWriter.Html(report, settings);
        Assert.Contains("<td>430102 芙蓉区</td>", html);
        Assert.Contains(">county 430102 芙蓉区</text>", html);
        Assert.Contains("<td>430321</td>", html);
    }
}
