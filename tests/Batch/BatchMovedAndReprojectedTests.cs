using Microsoft.Data.Sqlite;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// A finished batch folder taken elsewhere or asked for another output CRS: a copy uses only its own scene files, a
/// geographic output CRS keeps areas in m² and X, Y projected, and a damaged journal is one clear refusal.
/// </summary>
public class BatchMovedAndReprojectedTests(BatchRunFixture run) : IClassFixture<BatchRunFixture>
{
    [Fact]
    public async Task CopiedBatchFolderUsesItsOwnSceneFilesAndSaysItWasMoved()
    {
        using var dir = new TempDir();
        var copy = dir.File("copy");
        ReprocessResumeTests.CopyFolder(run.Settings.OutputDirectory, copy);
        var settings = run.Settings with { OutputDirectory = copy };
        // The copy lacks one scene file the original still has: it must run that scene again, not take the original's.
        File.Delete(Path.Combine(settings.ScenesDirectory, "S00.gpkg"));

        var report = await ReprocessBatch.RunAsync(run.Jobs, settings);

        Assert.Equal(Path.GetFullPath(run.Settings.OutputDirectory), report.Resume.MovedFrom);
        Assert.Equal(5, report.Resume.AlreadyDone);
        Assert.Equal(1, report.Resume.Changed);
        Assert.True(File.Exists(Path.Combine(settings.ScenesDirectory, "S00.gpkg")));
        using (var journal = BatchJournal.Open(settings.JournalPath))
            Assert.All(journal.Scenes().Where(s => s.State == SceneState.Done), s => Assert.StartsWith(Path.GetFullPath(copy) + Path.DirectorySeparatorChar, s.Output));
        Assert.All(RawOutputs(settings.JournalPath), o => Assert.StartsWith("scenes" + Path.DirectorySeparatorChar, o));
        BatchAssert.SamePolygons(run.Report.Polygons, report.Polygons);
    }

    [Fact]
    public async Task GeographicOutputCrsKeepsAreasInSquareMetresAndXYProjected()
    {
        using var dir = new TempDir();
        var copy = dir.File("wgs84");
        ReprocessResumeTests.CopyFolder(run.Settings.OutputDirectory, copy);
        var settings = run.Settings with { OutputDirectory = copy, Crs = SpatialReference.FromEpsg(4326) };

        var report = await ReprocessBatch.RunAsync(run.Jobs, settings);

        Assert.True(report.Crs.IsGeographic);
        Assert.Equal(4546, report.Merge.Crs.Epsg);
        var (fileCrs, written) = BatchTubanFile.Read(settings.MergedPath);
        Assert.True(fileCrs!.IsGeographic);
        Assert.Equal(run.Report.Polygons.Count, written.Count);
        using var toScene = new CoordinateTransform(fileCrs, SpatialReference.FromEpsg(4546));
        for (var i = 0; i < written.Count; i++)
        {
            var (expected, actual) = (run.Report.Polygons[i].Tuban, written[i].Tuban);
            Assert.Equal((expected.Jcbh, expected.Jcmj, expected.Jcgdmj, expected.Yjjbntmj), (actual.Jcbh, actual.Jcmj, actual.Jcgdmj, actual.Yjjbntmj));
            Assert.Equal((expected.X, expected.Y, expected.Lzb, expected.Bzb), (actual.X, actual.Y, actual.Lzb, actual.Bzb));
            Assert.InRange(actual.Geometry.EnvelopeInternal.MinX, 100, 120);   // the geometry itself is in longitude and latitude
            Assert.InRange(actual.Geometry.EnvelopeInternal.MinY, 20, 35);
            var back = WeiPian.Engine.Vector.Reprojection.Apply(actual.Geometry, toScene);
            Assert.Equal(expected.Jcmj, back.Area, 0.5);
        }
        Assert.Equal(File.ReadAllText(Path.Combine(run.Settings.OutputDirectory, "regions.csv")), File.ReadAllText(Path.Combine(copy, "regions.csv")));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    [InlineData("another program's database")]
    public async Task DamagedOrForeignJournalIsOneLineNamingIt(string damage)
    {
        using var dir = new TempDir();
        var copy = dir.File("damaged");
        ReprocessResumeTests.CopyFolder(run.Settings.OutputDirectory, copy);
        var settings = run.Settings with { OutputDirectory = copy };
        var bytes = File.ReadAllBytes(settings.JournalPath);
        File.Delete(settings.JournalPath);
        if (damage == "garbage") File.WriteAllText(settings.JournalPath, "not a database, just text\n");
        else if (damage == "truncated") File.WriteAllBytes(settings.JournalPath, bytes[..(bytes.Length / 2)]);
        else
        {
            using var db = new SqliteConnection($"Data Source={settings.JournalPath};Pooling=False");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('mine')";
            cmd.ExecuteNonQuery();
        }
        var journal = File.ReadAllBytes(settings.JournalPath);
        var merged = File.ReadAllBytes(settings.MergedPath);

        var e = await Assert.ThrowsAsync<InputException>(() => ReprocessBatch.RunAsync(run.Jobs, settings));

        Assert.Contains(settings.JournalPath, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(journal, File.ReadAllBytes(settings.JournalPath));
        Assert.Equal(merged, File.ReadAllBytes(settings.MergedPath));
    }

    private static List<string> RawOutputs(string journal)
    {
        using var db = new SqliteConnection($"Data Source={journal};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT output FROM scenes WHERE state = 'done'";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }
}
