using System.Diagnostics;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tests.Vector;

namespace WeiPian.Engine.Tests.Files;

/// <summary>
/// Temporary outputs of killed runs do not pile up: the next run of the same output removes those a process of this
/// machine that no longer runs left, and says so; a live process's, another machine's, another output's and files
/// named in the old way (no owner) are left alone.
/// </summary>
public sealed class LeftoverTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void NextRunRemovesOnlyWhatDeadProcessesLeftOfTheSameOutput()
    {
        var path = _dir.File("tuban.gpkg");
        var dead = Leave(path, SwapFaultTests.DeadProcess);
        File.WriteAllText(dead + "-journal", "journal");
        var live = Leave(path, Environment.ProcessId);
        var otherMachine = _dir.File(".tuban.partial-00000000-" + SwapFaultTests.DeadProcess + "-0123abcd.gpkg");
        var oldStyle = _dir.File(".tuban.partial-0123abcd.gpkg");
        var otherOutput = Leave(_dir.File("tuban.tif"), SwapFaultTests.DeadProcess);
        var otherStem = Leave(_dir.File("tuban.v2.gpkg"), SwapFaultTests.DeadProcess);
        foreach (var f in new[] { otherMachine, oldStyle }) File.WriteAllText(f, "kept");
        var notices = Listen(() =>
        {
            using var output = AtomicOutput.Begin(path);
            File.WriteAllText(output.TempPath, "new");
            output.Commit();
        }, path);

        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(dead + "-journal"));
        foreach (var f in new[] { live, otherMachine, oldStyle, otherOutput, otherStem }) Assert.True(File.Exists(f), $"{Path.GetFileName(f)} was removed");
        var notice = Assert.Single(notices);
        Assert.Contains(Path.GetFileName(dead), notice);
        Assert.Contains("removed 2", notice);
    }

    [Fact]
    public async Task KilledCommandLeavesAPartialThatTheNextRunRemovesAndReports()
    {
        var raster = _dir.File("noise.tif");
        using (var r = RasterDataset.CreateGeoTiff(raster, 2048, 2048, 1, RasterDataType.Byte))
        {
            r.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
            r.SpatialReference = SpatialReference.FromEpsg(4546);
            r.Write<byte>(1, r.Extent, TestRasters.Noise(2048, 2048, 4, seed: 1));
        }
        var output = _dir.File("polygons.gpkg");
        using (var child = CliProcess.Start(["polygonize", raster, output]))
        {
            var clock = Stopwatch.StartNew();
            while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120) && Partials().Sum(SizeOrZero) < 1 << 20)
                await Task.Delay(20);
            Assert.False(child.HasExited, "the write ended before it could be killed");
            child.Kill();
            await child.WaitForExitAsync();
        }
        var left = Partials().Select(Path.GetFileName).ToList();
        Assert.NotEmpty(left);

        var small = _dir.File("small.tif");
        using (var r = RasterDataset.CreateGeoTiff(small, 32, 32, 1, RasterDataType.Byte))
        {
            r.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
            r.SpatialReference = SpatialReference.FromEpsg(4546);
            r.Write<byte>(1, r.Extent, TestRasters.Noise(32, 32, 2, seed: 2));
        }
        var (code, text) = await CliProcess.RunAsync(["polygonize", small, output]);
        Assert.Equal(0, code);
        Assert.Empty(Partials());
        Assert.Contains("weipian: removed", text);
        Assert.All(left, name => Assert.Contains(name!, text));
        Assert.True(File.Exists(output));
    }

    private IEnumerable<string> Partials() => Directory.EnumerateFiles(_dir.Path, ".polygons.partial-*");

    // SQLite creates and deletes its -journal while the child writes, so a listed file may be gone when it is measured.
    private static long SizeOrZero(string path)
    {
        try { return new FileInfo(path).Length; }
        catch (FileNotFoundException) { return 0; }
    }

    // What a run of process `owner` leaves when it dies while writing `path`.
    private static string Leave(string path, int owner)
    {
        var output = AtomicOutput.Begin(path, OutputLayout.File, owner, removeLeftovers: false);
        File.WriteAllText(output.TempPath, "half");
        return output.TempPath;
    }

    internal static List<string> Listen(Action action, string about)
    {
        var notices = new List<string>();
        void Add(string n)
        {
            if (n.Contains(about, StringComparison.Ordinal)) lock (notices) notices.Add(n);
        }
        OutputNotices.Raised += Add;
        try
        {
            action();
        }
        finally
        {
            OutputNotices.Raised -= Add;
        }
        return notices;
    }
}
