using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// The batch folder holds only what the batch made: a folder with other files is refused unless allowed, and cleaning
/// after a killed run touches only the batch's own leftovers, never a user's <c>tmp/</c> or hidden files.
/// </summary>
public sealed class BatchFolderSafetyTests : IDisposable
{
    private readonly BatchWorld _world = new();
    private readonly TempDir _dir = new();

    [Fact]
    public async Task NonEmptyFolderWithoutABatchIsRefusedAndLeftAsItWas()
    {
        var home = _dir.File("home");
        var user = PlantUserFiles(home);
        var settings = BatchRunFixture.SettingsFor(_world, home, workers: 1);

        var e = await Assert.ThrowsAsync<InputException>(() => ReprocessBatch.RunAsync(_world.Jobs().Take(1).ToList(), settings));

        Assert.Contains(home, e.Message);
        Assert.Equal(nameof(BatchSettings.AllowNonEmptyFolder), e.Setting);
        Assert.DoesNotContain('\n', e.Message);
        AssertUnchanged(user);
        Assert.Equal(user.Keys.Order(), Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories).Where(File.Exists).Order());
    }

    [Fact]
    public async Task AllowedNonEmptyFolderKeepsTheUsersFilesAndCleansOnlyTheBatchsLeftovers()
    {
        var home = _dir.File("home");
        var user = PlantUserFiles(home);
        var settings = BatchRunFixture.SettingsFor(_world, home, workers: 1) with { AllowNonEmptyFolder = true };
        var jobs = _world.Jobs().Take(1).ToList();

        var first = await ReprocessBatch.RunAsync(jobs, settings);
        Assert.Equal(1, first.Done);
        AssertUnchanged(user);

        // What a killed run of this batch leaves: work files, and partial files of its own outputs and scenes.
        string[] leftovers =
        [
            Path.Combine(BatchFolder.WorkDirectory(home), "detect-1", "strip.tif"),
            Path.Combine(home, ".tuban.partial-0123456789abcdef.gpkg"),
            Path.Combine(home, ".tuban.partial-0123456789abcdef.gpkg-journal"),
            Path.Combine(home, ".report.partial-0123456789abcdef.md"),
            Path.Combine(home, "scenes", ".S00.partial-0123456789abcdef.gpkg"),
        ];
        foreach (var f in leftovers)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(f)!);
            File.WriteAllText(f, "half");
        }

        var second = await ReprocessBatch.RunAsync(jobs, settings);

        Assert.Equal(1, second.Resume.AlreadyDone);
        Assert.All(leftovers, f => Assert.False(File.Exists(f), f));
        AssertUnchanged(user);
    }

    [Fact]
    public async Task ANewOrEmptyFolderIsUsedAndMarkedAsTheBatchs()
    {
        var empty = _dir.File("empty");
        Directory.CreateDirectory(empty);
        var report = await ReprocessBatch.RunAsync(_world.Jobs().Take(1).ToList(), BatchRunFixture.SettingsFor(_world, empty, workers: 1));
        Assert.Equal(1, report.Done);
        Assert.True(BatchFolder.IsBatchFolder(empty));
        Assert.True(Directory.Exists(Path.Combine(empty, BatchFolder.OwnName)));
        Assert.False(Directory.Exists(Path.Combine(empty, "tmp")));
    }

    [Fact]
    public async Task AFileNamedAsTheFolderIsRefused()
    {
        var file = _dir.File("batch.txt");
        File.WriteAllText(file, "notes");
        var e = await Assert.ThrowsAsync<InputException>(() =>
            ReprocessBatch.RunAsync(_world.Jobs().Take(1).ToList(), BatchRunFixture.SettingsFor(_world, file, workers: 1)));
        Assert.Contains("is a file", e.Message);
        Assert.Equal("notes", File.ReadAllText(file));
    }

    [Fact]
    public async Task EarlierPolygonsInWhatTheBatchWritesAreRefusedBeforeAnyScene()
    {
        // Last year's batch resumed as this year's, its tuban.gpkg named as the earlier polygons: the merge would replace it.
        var folder = _dir.File("b0");
        var jobs = _world.Jobs().Take(1).ToList();
        await ReprocessBatch.RunAsync(jobs, BatchRunFixture.SettingsFor(_world, folder, workers: 1));
        var previous = Path.Combine(folder, "tuban.gpkg");
        var bytes = File.ReadAllBytes(previous);

        var e = await Assert.ThrowsAsync<InputException>(() =>
            ReprocessBatch.RunAsync(jobs, BatchRunFixture.SettingsFor(_world, folder, workers: 1) with { PreviousPath = "./" + Path.GetRelativePath(".", previous) }));

        Assert.Contains("(tuban.gpkg)", e.Message);
        Assert.Equal(bytes, File.ReadAllBytes(previous));
    }

    // A home folder as `--out ~` finds it: a tmp/ of the user's, hidden files that look like partial outputs, notes.
    private static Dictionary<string, string> PlantUserFiles(string folder)
    {
        var files = new Dictionary<string, string>
        {
            [Path.Combine(folder, "tmp", "thesis.tex")] = "chapter 1",
            [Path.Combine(folder, "tmp", "build", "a.o")] = "object",
            [Path.Combine(folder, ".photo.partial-1.jpg")] = "a download in progress",
            [Path.Combine(folder, ".S00.partial-keep.gpkg")] = "someone else's",
            [Path.Combine(folder, "notes.txt")] = "notes",
        };
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        return files;
    }

    private static void AssertUnchanged(Dictionary<string, string> files)
    {
        foreach (var (path, text) in files)
        {
            Assert.True(File.Exists(path), $"{path} was deleted");
            Assert.Equal(text, File.ReadAllText(path));
        }
    }

    public void Dispose()
    {
        _dir.Dispose();
        _world.Dispose();
    }
}
