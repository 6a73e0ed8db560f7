using NetTopologySuite.Geometries;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>One batch over the six overlapping scenes of <see cref="BatchWorld"/> with a corrupt scene in the middle, shared by the tests.</summary>
public sealed class BatchRunFixture : IDisposable
{
    private readonly TempDir _out = new();

    public BatchRunFixture()
    {
        World = new BatchWorld();
        Jobs = World.Jobs(corruptAt: 2);
        Settings = SettingsFor(World, _out.File("batch"));
        Report = ReprocessBatch.RunAsync(Jobs, Settings).GetAwaiter().GetResult();
    }

    public BatchWorld World { get; }
    public IReadOnlyList<SceneJob> Jobs { get; }
    public BatchSettings Settings { get; }
    public BatchReport Report { get; }

    public static BatchSettings SettingsFor(BatchWorld world, string dir, int workers = 2) => new()
    {
        OutputDirectory = dir,
        ModelPath = BatchWorld.ModelPath,
        SurveyPath = world.SurveyPath,
        CurrentSurveyPath = world.CurrentSurveyPath,
        Workers = workers,
        Inference = new WeiPian.Engine.Inference.InferenceOptions { IntraOpThreads = 1 },
    };

    public void Dispose()
    {
        _out.Dispose();
        World.Dispose();
    }
}

public class ReprocessBatchTests(BatchRunFixture run, ITestOutputHelper log) : IClassFixture<BatchRunFixture>
{
    [Fact]
    public void CorruptSceneIsReportedAndTheRestComplete()
    {
        var r = run.Report;
        foreach (var p in r.Polygons) log.WriteLine($"{p.Tuban.Jcbh} {p.Tuban.Xzqdm} {p.Tuban.Jcmj:0} {p.Scenes} {p.DlbmNow} {p.Bctb} {p.Ybg} {p.Tuban.Geometry.EnvelopeInternal}");
        Assert.Equal(7, r.Total);
        Assert.Equal(6, r.Done);
        var failure = Assert.Single(r.Failures);
        Assert.Equal("BAD", failure.Key);
        Assert.Contains("BAD-after.tif", failure.Error);
        Assert.True(r.AnyFailed);
        using var journal = BatchJournal.Open(run.Settings.JournalPath);
        var rows = journal.Scenes();
        Assert.Equal(SceneState.Failed, rows.Single(s => s.Key == "BAD").State);
        Assert.All(rows.Where(s => s.Key != "BAD"), s =>
        {
            Assert.Equal(SceneState.Done, s.State);
            Assert.Equal(BatchTubanFile.Sha256(s.Output!), s.OutputSha256);
            Assert.True(s.Seconds > 0);
        });
    }
}

public class ReprocessMergeTests(BatchRunFixture run) : IClassFixture<BatchRunFixture>
{
    [Fact]
    public void EachChangeIsHeldOnceThoughScenesOverlap()
    {
        var polygons = run.Report.Polygons;
        Assert.Equal(BatchWorld.Changes.Count, polygons.Count);
        foreach (var change in BatchWorld.Changes.Keys)
            Assert.Single(polygons, p => p.Tuban.Geometry.Intersects(BatchWorld.Rectangle(change)));
        // The scene files themselves do hold B twice: once from each scene of the overlap.
        var b = BatchWorld.Rectangle("B");
        foreach (var key in new[] { "S00", "S01" })
            Assert.Single(BatchTubanFile.Read(Path.Combine(run.Settings.ScenesDirectory, key + ".gpkg")).Polygons, p => p.Tuban.Geometry.Intersects(b));
        Assert.Equal(3, run.Report.Merge.MergedGroups);   // B (2 scenes), C (2), E (4)
        Assert.Equal(8, run.Report.Merge.MergedParts);
    }

    [Theory]
    [InlineData("A", "S00")]
    [InlineData("B", "S00;S01")]
    [InlineData("C", "S00;S01")]
    [InlineData("E", "S01;S02;S11;S12")]
    [InlineData("G", "S12")]
    public void ScenesFieldNamesEveryScene(string change, string scenes) =>
        Assert.Equal(scenes, Polygon(change).Scenes);

    [Fact]
    public void ChangeCutByASceneEdgeIsWholeAfterMerging()
    {
        // S00 sees only 26 of C's 60 columns; the merged polygon covers all of C, and its areas are those of the union.
        var c = Polygon("C");
        var part = BatchTubanFile.Read(Path.Combine(run.Settings.ScenesDirectory, "S00.gpkg")).Polygons.Single(p => p.Tuban.Geometry.Intersects(BatchWorld.Rectangle("C")));
        Assert.True(part.Tuban.Jcmj < 0.5 * c.Tuban.Jcmj, $"S00's part {part.Tuban.Jcmj} m², merged {c.Tuban.Jcmj} m²");
        Assert.True(c.Tuban.Geometry.Intersection(BatchWorld.Rectangle("C")).Area >= 0.95 * BatchWorld.Rectangle("C").Area);
        Assert.Equal(c.Tuban.Geometry.Area, c.Tuban.Jcmj, 0.01);
        Assert.Equal(c.Tuban.Geometry.Area, c.Tuban.Jcgdmj, 0.01);   // all farmland
        Assert.True(c.Tuban.Geometry.Contains(new NetTopologySuite.Geometries.Point(c.Tuban.X, c.Tuban.Y)));
    }

    [Fact]
    public void JcbhIsCountyTagYearSerialInReadingOrder()
    {
        var polygons = run.Report.Polygons;
        Assert.Equal(polygons.Count, polygons.Select(p => p.Tuban.Jcbh).Distinct().Count());
        Assert.All(polygons, p => Assert.Matches($"^{p.Tuban.Xzqdm}WP24\\d{{5}}$", p.Tuban.Jcbh));
        // County 430102 west of x = 320: A, B, C, D in the top band (1 km bands: all of the test area is one band), west to east, then F.
        // Within one band the order is by X: A (x 40), F (x 100), B (x 205), C (x 230), D (x 300).
        Assert.Equal(["430102WP2400001", "430102WP2400002", "430102WP2400003", "430102WP2400004", "430102WP2400005"],
            new[] { "A", "F", "B", "C", "D" }.Select(c => Polygon(c).Tuban.Jcbh));
        Assert.Equal(["430321WP2400001", "430321WP2400002", "430321WP2400003"], new[] { "E", "G", "H" }.Select(c => Polygon(c).Tuban.Jcbh));
    }

    [Fact]
    public void PolygonsAreMarkedAgainstTheCurrentSurvey()
    {
        var d = Polygon("D");   // the current survey already records rural homesteads (0702, construction) there
        Assert.Equal(("0702", false, true), (d.DlbmNow, d.Bctb, d.Ybg));
        var g = Polygon("G");   // a pond (1104) there: not farmland, and not the building's use
        Assert.Equal(("1104", false, false), (g.DlbmNow, g.Bctb, g.Ybg));
        foreach (var c in new[] { "A", "B", "C", "E", "F", "H" })
        {
            var p = Polygon(c);
            Assert.Equal(("0101", true, false), (p.DlbmNow, p.Bctb, p.Ybg));
        }
        var a = Polygon("A");   // partly on the permanent basic farmland of x, y 0-60
        Assert.True(a.Tuban.Sfyn);
        Assert.Equal(a.Tuban.Geometry.Intersection(BatchWorld.Box(0, 0, 60, 60)).Area, a.Tuban.Yjjbntmj, 0.01);
        Assert.All(run.Report.Polygons.Where(p => p != a), p => Assert.False(p.Tuban.Sfyn));
    }

    [Fact]
    public void RegionalFiguresRollUpToCityAndProvince()
    {
        var regions = run.Report.Regions;
        double Area(params string[] changes) => changes.Sum(c => Polygon(c).Tuban.Jcmj);
        var west = regions.Single(r => r is { Level: RegionLevel.County, Code: "430102" });
        var east = regions.Single(r => r is { Level: RegionLevel.County, Code: "430321" });
        Assert.Equal((5, 3), (west.Total.Count, east.Total.Count));
        Assert.Equal(Area("A", "B", "C", "D", "F"), west.Total.Area, 0.001);
        Assert.Equal(west.Total.Area / 666.67, west.Total.AreaMu, 0.01);
        Assert.Equal(4, west.Total.Supplementary);   // all but D
        Assert.Equal(west.Total, regions.Single(r => r is { Level: RegionLevel.City, Code: "430100" }).Total);
        Assert.Equal(east.Total, regions.Single(r => r is { Level: RegionLevel.City, Code: "430300" }).Total);
        var province = regions.Single(r => r.Level == RegionLevel.Province);
        Assert.Equal("430000", province.Code);
        Assert.Equal(8, province.Total.Count);
        Assert.Equal(Area("A", "B", "C", "D", "E", "F", "G", "H"), province.Total.FarmlandArea, 0.001);
        Assert.Null(province.Ratio);   // no judgements given
    }

    [Fact]
    public void ReportsAreWritten()
    {
        var dir = run.Settings.OutputDirectory;
        var csv = File.ReadAllLines(Path.Combine(dir, "regions.csv"));
        Assert.Equal("level,code,TBLX,count,area_m2,area_mu,farmland_m2,farmland_mu,basic_farmland_m2,basic_farmland_mu,linked,supplementary", csv[0]);
        Assert.Contains(csv, l => l.StartsWith("province,430000,all,8,", StringComparison.Ordinal));
        Assert.Contains(csv, l => l.StartsWith("county,430321,20,3,", StringComparison.Ordinal));
        var md = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.Contains("## Failed scenes", md);
        Assert.Contains("| BAD |", md);
        var html = File.ReadAllText(Path.Combine(dir, "report.html"));
        Assert.Equal(2 + 2 + 1, html.Split("<svg").Length - 1);   // a chart per region: 2 counties, 2 cities, 1 province
        Assert.False(File.Exists(Path.Combine(dir, "ratio.csv")));
    }

    [Fact]
    public void LinksToEarlierPolygonsAtTheSamePlace()
    {
        // An earlier polygon covering B wholly (and larger), one sharing about 17 % with D (a 30 x 30 square shifted 24 m east), one far away.
        var b = BatchWorld.Rectangle("B");
        var previous = new List<(string, NetTopologySuite.Geometries.Geometry)>
        {
            ("430102WP2400077", BatchWorld.Box(200, 55, 50, 40)),
            ("430102WP2400078", BatchWorld.Box(309, 160, 30, 30)),
            ("430102WP2400079", BatchWorld.Box(10, 400, 20, 20)),
        };
        var linked = new PreviousLinker().Link(run.Report.Polygons, previous);
        Assert.Equal("430102WP2400077", linked.Single(p => p.Tuban.Geometry.Intersects(b)).Tywzjctbwqbh);
        Assert.Single(linked, p => p.Tywzjctbwqbh.Length > 0);
        // Lowered to 15 %, D links too.
        Assert.Equal(2, new PreviousLinker { OverlapFraction = 0.15 }.Link(run.Report.Polygons, previous).Count(p => p.Tywzjctbwqbh.Length > 0));
    }

    private BatchTuban Polygon(string change) => run.Report.Polygons.Single(p => p.Tuban.Geometry.Intersects(BatchWorld.Rectangle(change)));
}

/// <summary>Resuming and reordering: the same polygons and JCBH whatever ran when.</summary>
public class ReprocessResumeTests(BatchRunFixture run) : IClassFixture<BatchRunFixture>
{
    [Fact]
    public async Task RerunSkipsDoneScenesAndRedoesInterruptedOnes()
    {
        using var copy = new TempDir();
        var dir = copy.File("batch");
        CopyFolder(run.Settings.OutputDirectory, dir);
        var settings = run.Settings with { OutputDirectory = dir };
        // What a kill in the middle of S11 leaves: its row says running, its file is not there (and a partial one is).
        File.Delete(Path.Combine(settings.ScenesDirectory, "S11.gpkg"));
        File.WriteAllText(Path.Combine(settings.ScenesDirectory, ".S11.partial-0123456789ab.gpkg"), "half");
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={settings.JournalPath}"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "UPDATE scenes SET state = 'running', output = NULL, output_sha256 = NULL WHERE key = 'S11'";
            cmd.ExecuteNonQuery();
        }
        var report = await ReprocessBatch.RunAsync(run.Jobs, settings);
        // 5 skipped, S11 interrupted, BAD retried; the journal knows it is in a copy of the fixture's folder.
        Assert.Equal(new JournalSync(0, 5, 1, 0, 1) { MovedFrom = Path.GetFullPath(run.Settings.OutputDirectory) }, report.Resume);
        Assert.Equal(2, report.RunNow);
        Assert.Empty(Directory.EnumerateFiles(settings.ScenesDirectory, ".*"));
        BatchAssert.SamePolygons(run.Report.Polygons, report.Polygons);
        Assert.Equal(File.ReadAllBytes(run.Settings.MergedPath), File.ReadAllBytes(settings.MergedPath));
    }

    [Fact]
    public async Task OutputDoesNotDependOnManifestOrderOrWorkers()
    {
        using var other = new TempDir();
        var shuffled = run.Jobs.Reverse().ToList();
        var settings = BatchRunFixture.SettingsFor(run.World, other.File("batch"), workers: 1);
        var report = await ReprocessBatch.RunAsync(shuffled, settings);
        // Merged attributes come from the larger part, ties by manifest order; SCENES is in manifest order: compare without them.
        static string Key(BatchTuban p) => BatchAssert.Fields(p with { Scenes = "", Tuban = p.Tuban with { Qqjh = "", Dqjh = "" } });
        Assert.Equal(run.Report.Polygons.Select(p => p.Tuban.Jcbh), report.Polygons.Select(p => p.Tuban.Jcbh));
        Assert.Equal(run.Report.Polygons.Select(p => p.Tuban.Geometry.AsText()), report.Polygons.Select(p => p.Tuban.Geometry.AsText()));
        Assert.Equal(run.Report.Polygons.Select(Key), report.Polygons.Select(Key));
    }

    [Fact]
    public async Task ChangedSettingsRedoEveryScene()
    {
        using var copy = new TempDir();
        var dir = copy.File("batch");
        CopyFolder(run.Settings.OutputDirectory, dir);
        var settings = run.Settings with { OutputDirectory = dir, Detection = run.Settings.Detection with { SourceTag = "XP" } };
        var report = await ReprocessBatch.RunAsync(run.Jobs, settings);
        Assert.Equal(6, report.Resume.Changed);
        Assert.All(report.Polygons, p => Assert.Contains("XP24", p.Tuban.Jcbh));
    }

    [Fact]
    public async Task EarlierPolygonsAndJudgementsGiveLinksAndTheRatio()
    {
        using var copy = new TempDir();
        var dir = copy.File("batch");
        CopyFolder(run.Settings.OutputDirectory, dir);
        // Last month's polygon over B (as a national layer would hold it), and judgements: A and F illegal, F a national
        // project; C legal; the rest unjudged.
        var b = run.Report.Polygons.Single(p => p.Tuban.Geometry.Intersects(BatchWorld.Rectangle("B")));
        var crs = WeiPian.Engine.Gdal.SpatialReference.FromEpsg(4546);
        BatchTubanFile.Write(copy.File("prev.gpkg"), crs, [b with { Tuban = b.Tuban with { Jcbh = "430102WP2400321" } }]);
        string Jcbh(string change) => run.Report.Polygons.Single(p => p.Tuban.Geometry.Intersects(BatchWorld.Rectangle(change))).Tuban.Jcbh;
        File.WriteAllText(copy.File("j.csv"), $"JCBH,PDLX,KCLX\n{Jcbh("A")},违法,\n{Jcbh("F")},illegal,national\n{Jcbh("C")},合法,\n");
        var settings = run.Settings with { OutputDirectory = dir, PreviousPath = copy.File("prev.gpkg"), JudgementsPath = copy.File("j.csv") };
        var report = await ReprocessBatch.RunAsync(run.Jobs, settings);
        Assert.Equal(1, report.Linked);
        Assert.Equal("430102WP2400321", report.Polygons.Single(p => p.Tuban.Jcbh == b.Tuban.Jcbh).Tywzjctbwqbh);
        var ratio = report.Regions.Single(r => r is { Level: RegionLevel.County, Code: "430102" }).Ratio!;
        double Farm(string change) => run.Report.Polygons.Single(p => p.Tuban.Jcbh == Jcbh(change)).Tuban.Jcgdmj;
        var all = new[] { "A", "B", "C", "D", "F" }.Sum(Farm);
        Assert.Equal((Farm("A") + Farm("F") - Farm("F")) / (all - Farm("F")), ratio.R!.Value, 9);
        Assert.Equal(2, ratio.Unjudged);   // B and D
        Assert.True(File.Exists(Path.Combine(dir, "ratio.csv")));
        Assert.Contains("Yearly ratio R", File.ReadAllText(Path.Combine(dir, "report.md")));
        var (_, written) = BatchTubanFile.Read(settings.MergedPath);
        Assert.Equal("430102WP2400321", written.Single(p => p.Tuban.Jcbh == b.Tuban.Jcbh).Tywzjctbwqbh);
    }

    [Fact]
    public async Task SecondRunInTheSameFolderIsRefused()
    {
        using var copy = new TempDir();
        var dir = copy.File("batch");
        Directory.CreateDirectory(Path.Combine(dir, BatchFolder.OwnName));
        using var held = new FileStream(Path.Combine(dir, BatchFolder.OwnName, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var e = await Assert.ThrowsAsync<InputException>(() => ReprocessBatch.RunAsync(run.Jobs, run.Settings with { OutputDirectory = dir }));
        Assert.Contains("Another reprocess run", e.Message);
    }

    /// <summary>A copy of a batch folder, as `cp -r` makes it (the journal records scene files relative to the folder).</summary>
    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
    }
}
