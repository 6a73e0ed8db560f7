using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.SpotCheck;
using WeiPian.Engine.Tests.Recheck;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.SpotCheck;

/// <summary>
/// Each reported verdict judged on the hand-made recheck world, whose newest date has known answers (crops back, a roof,
/// half roof, cloud...), and against approval polygons of known overlap.
/// </summary>
public sealed class SpotCheckJudgementTests : IDisposable
{
    private readonly RecheckWorld _world = new();
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _world.Dispose();
        _dir.Dispose();
    }

    private string Approvals()
    {
        var path = _dir.File("approvals.gpkg");
        using var ds = VectorDataset.Create(path, "GPKG");
        var layer = ds.CreateLayer("pw", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), [new FieldDefinition("PWH", FieldKind.String, 20)]);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
        layer.Add(wkb.Write(RecheckWorld.Rectangle(275, 105, 50, 50)), ["covers EDGE"]);
        layer.Add(wkb.Write(RecheckWorld.Rectangle(400, 110, 20, 20)), ["a quarter of OUTSIDE"]);
        layer.Add(wkb.Write(RecheckWorld.Rectangle(410, 120, 10, 10)), ["inside the quarter: counts once"]);
        return path;
    }

    [Fact]
    public async Task EachVerdictIsJudgedByWhatCanCheckIt()
    {
        var verdicts = _dir.File("verdicts.csv");
        File.WriteAllText(verdicts,
            "JCBH,XZQDM,PDLX\nRESTORED,420583,伪变化\nROOF,420583,已整改\nHALF,420583,拆除复耕\nCLOUD,420583,false change\nSPECK,420583,违法\nEDGE,420583,合法\nOUTSIDE,420583,legal\n");
        var inputs = new SpotCheckInputs(verdicts, _world.PolygonsPath, _world.Newest) { Approvals = Approvals() };
        var options = new SpotCheckOptions { Sample = SampleSize.Parse("100%"), Stratify = ["PDLX"], MinPerStratum = 1 };

        var report = await VerdictSpotCheck.RunAsync(inputs, options, _dir.File("out"));

        var outcome = report.Sample.ToDictionary(s => s.Reported.Jcbh);
        Assert.Equal(SpotCheckOutcome.Consistent, outcome["RESTORED"].Outcome);   // crops back: no change, as reported
        Assert.Equal(SpotCheckOutcome.Doubtful, outcome["ROOF"].Outcome);         // "rectified" but the roof stands
        Assert.Equal(SpotCheckOutcome.Doubtful, outcome["HALF"].Outcome);         // half the roof stands
        Assert.Equal(SpotCheckOutcome.FieldCheck, outcome["CLOUD"].Outcome);      // under cloud: imagery cannot tell
        Assert.Equal(SpotCheckOutcome.FieldCheck, outcome["SPECK"].Outcome);      // illegal: for the field
        Assert.Equal(SpotCheckOutcome.Consistent, outcome["EDGE"].Outcome);       // legal, wholly in an approval
        Assert.Equal(1.0, outcome["EDGE"].ApprovalShare!.Value, 9);
        Assert.Equal(SpotCheckOutcome.Doubtful, outcome["OUTSIDE"].Outcome);      // legal, a quarter approved
        Assert.Equal(0.25, outcome["OUTSIDE"].ApprovalShare!.Value, 9);
        Assert.Equal("imagery", outcome["ROOF"].CheckedBy);
        Assert.Contains("still shows the change", outcome["ROOF"].Reason, StringComparison.Ordinal);

        // A census of one county: 2 of 5 checkable verdicts hold, exactly.
        var county = report.Regions.Single(r => r.Level == "county");
        Assert.Equal(("420583", 7, 5, 2), (county.Code, county.Estimate.Sampled, county.Estimate.Checkable, county.Estimate.Consistent));
        Assert.Equal(0.4, county.Estimate.Rate!.Value, 12);
        Assert.Equal(county.Estimate.Rate, county.Estimate.Lower);
        Assert.True(county.Flagged);
        Assert.Equal("420000", report.Regions.Single(r => r.Level == "province").Code);
        Assert.Equal(VerdictSpotCheck.OutputNames.Select(n => Path.Combine(_dir.File("out"), n)).Order(), report.Files.Order());
    }

    [Fact]
    public async Task WithoutApprovalsLegalGoesToTheFieldList()
    {
        var verdicts = _dir.File("verdicts.csv");
        File.WriteAllText(verdicts, "JCBH,XZQDM,PDLX\nRESTORED,420583,合法\nROOF,420583,合法\nHALF,420583,合法\nCLOUD,420583,合法\nSPECK,420583,合法\nEDGE,420583,合法\nOUTSIDE,420583,合法\n");

        var report = await VerdictSpotCheck.RunAsync(new SpotCheckInputs(verdicts, _world.PolygonsPath, _world.Newest),
            new SpotCheckOptions { Sample = SampleSize.Parse("3"), MinPerStratum = 1 }, _dir.File("out"));

        Assert.Equal(3, report.Sample.Count);
        Assert.All(report.Sample, s => Assert.Equal(SpotCheckOutcome.FieldCheck, s.Outcome));
        Assert.Null(report.Regions[0].Estimate.Rate);
        Assert.False(report.Regions[0].Flagged);
    }
}
