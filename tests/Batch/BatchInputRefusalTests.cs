using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// Every input of a batch is checked before the first scene: a bad earlier-polygons file, judgements file, survey,
/// missing scene image or out-of-range setting is one line naming it, and no scene runs (the batch folder is not even
/// made).
/// </summary>
public sealed class BatchInputRefusalTests : IDisposable
{
    private readonly BatchWorld _world = new();
    private readonly TempDir _dir = new();

    public static TheoryData<string> Cases => new()
    {
        "previous without JCBH", "previous not a vector file", "previous missing", "judgements malformed", "current survey without DLTB",
        "scene image missing", "merge overlap 5", "merge overlap NaN", "link overlap negative", "no workers",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task IsRefusedBeforeAnySceneRuns(string bad)
    {
        var output = _dir.File("batch");
        var settings = BatchRunFixture.SettingsFor(_world, output, workers: 1);
        var jobs = _world.Jobs().Take(2).ToList();
        var text = _dir.File("notes.txt");
        File.WriteAllText(text, "not polygons\n");
        var judgements = _dir.File("judgements.csv");
        File.WriteAllText(judgements, "JCBH,PDLX\n430102WP2400001,maybe\n");
        var noParcels = _dir.File("no-dltb.gpkg");
        WriteLayerlessSurvey(noParcels);
        string expected;
        switch (bad)
        {
            case "previous without JCBH": settings = settings with { PreviousPath = _world.SurveyPath }; expected = "no JCBH field"; break;
            case "previous not a vector file": settings = settings with { PreviousPath = text }; expected = text; break;
            case "previous missing": settings = settings with { PreviousPath = _dir.File("gone.gpkg") }; expected = "gone.gpkg"; break;
            case "judgements malformed": settings = settings with { JudgementsPath = judgements }; expected = "PDLX 'maybe'"; break;
            case "current survey without DLTB": settings = settings with { CurrentSurveyPath = noParcels }; expected = "no layer 'DLTB'"; break;
            case "scene image missing":
                jobs[1] = jobs[1] with { After = _dir.File("scenes/S01-after.tif") };
                expected = "Scene 'S01': the after image";
                break;
            case "merge overlap 5": settings = settings with { MergeOverlapFraction = 5 }; expected = "merge overlap 5 is not a share"; break;
            case "merge overlap NaN": settings = settings with { MergeOverlapFraction = double.NaN }; expected = "merge overlap NaN"; break;
            case "link overlap negative": settings = settings with { LinkOverlapFraction = -0.1 }; expected = "link overlap -0.1"; break;
            default: settings = settings with { Workers = 0 }; expected = "0 workers"; break;
        }

        var e = await Assert.ThrowsAnyAsync<InputException>(() => ReprocessBatch.RunAsync(jobs, settings));

        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(output), "the batch folder was made, so work started");
    }

    [Theory]
    [InlineData("key,before,after,befor_date\nS,a.tif,b.tif,20240101\n", "unknown column befor_date; the known columns are key (or scene_key), before, after,")]
    [InlineData("before,after,after\na.tif,b.tif,c.tif\n", "the column after is given 2 times")]
    [InlineData("before,after,region,XZQDM\na.tif,b.tif,430102,430102\n", "the column region (or xzqdm) is given 2 times (region, XZQDM)")]
    [InlineData("before,after\na.tif,b.tif,c.tif\n", "line 2: 3 fields, the header names 2")]
    [InlineData("key,before,after\nS1,a.tif\",b.tif\n", "line 2: a quote inside a field")]
    [InlineData("key,before,after\nS1,\"a.tif,b.tif\nS2,\"c.tif\",d.tif\n", "line 2: text after the closing quote of a field (the quote opened on line 2 closes on line 3)")]
    [InlineData("key,before,after\nS1,\"a.tif,b.tif\n", "line 2: a quoted field is not closed")]
    public void ManifestMistakesAreRefusedNamingThem(string text, string message)
    {
        var path = _dir.File("m.csv");
        File.WriteAllText(path, text);
        var e = Assert.Throws<InputException>(() => SceneManifest.Read(path));
        Assert.Contains(message, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CommentsAndQuotedFieldsStillRead()
    {
        var path = _dir.File("m.csv");
        File.WriteAllText(path, "# a \"quoted\" remark, with commas\nkey,before,after,bands\nS1, \"a b.tif\" ,b.tif,\"B,G,R,NIR\"\n");
        var job = Assert.Single(SceneManifest.Read(path));
        Assert.Equal(_dir.File("a b.tif"), job.Before);
        Assert.Equal(4, job.Bands!.Count);
    }

    private static void WriteLayerlessSurvey(string path)
    {
        using var ds = WeiPian.Engine.Gdal.VectorDataset.Create(path, "GPKG");
        ds.CreateLayer("XZQ", WeiPian.Engine.Gdal.GeometryKind.Polygon, WeiPian.Engine.Gdal.SpatialReference.FromEpsg(4546),
            [new("XZQDM", WeiPian.Engine.Gdal.FieldKind.String, 12)]);
    }

    public void Dispose()
    {
        _dir.Dispose();
        _world.Dispose();
    }
}
