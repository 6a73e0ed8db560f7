using Microsoft.Extensions.Logging;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Files;
using WeiPian.Engine.Tests.Gdal;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// Detection work folders of killed runs do not pile up in the temporary folder: a run removes those a process of this
/// machine that no longer runs left, and tells the run's logger; a live process's, another machine's and old-style ones stay.
/// </summary>
public sealed class WorkFolderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ARunRemovesTheWorkFoldersOfDeadProcessesOnly()
    {
        var temp = Directory.CreateDirectory(_dir.File("tmp")).FullName;
        string Folder(string name)
        {
            var path = Path.Combine(temp, name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "class.tif"), "half");
            return path;
        }
        var dead = Folder($"weipian-{OutputOwner.HostTag}-{SwapFaultTests.DeadProcess}-0123abcd");
        var live = Folder($"weipian-{OutputOwner.HostTag}-{Environment.ProcessId}-0123abcd");
        var otherMachine = Folder($"weipian-{(OutputOwner.HostTag == "00000000" ? "11111111" : "00000000")}-{SwapFaultTests.DeadProcess}-0123abcd");
        var oldStyle = Folder("weipian-0123456789ab");
        var pair = WritePair();
        using var model = ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { IntraOpThreads = 1 });
        var log = new DetectionLogTests.CapturingLogger();
        string ours;

        using (var run = new DetectionRun(model, pair, null, new DetectionOptions { AllLand = true, TempDirectory = temp, Logger = log }))
            ours = Assert.Single(Directory.GetDirectories(temp).Except([live, otherMachine, oldStyle]));

        Assert.False(Directory.Exists(dead), "the dead process's work folder stayed");
        foreach (var d in new[] { live, otherMachine, oldStyle }) Assert.True(Directory.Exists(d), $"{Path.GetFileName(d)} was removed");
        Assert.Matches($"^weipian-{OutputOwner.HostTag}-{Environment.ProcessId}-[0-9a-f]{{8}}$", Path.GetFileName(ours));
        Assert.False(Directory.Exists(ours), "the run's own work folder stayed");
        var (level, notice) = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Information, level);
        Assert.Contains($"removed 1 work folder(s) that killed runs left in '{temp}': {Path.GetFileName(dead)}", notice, StringComparison.Ordinal);
    }

    private ScenePair WritePair()
    {
        string Write(string date, ushort value)
        {
            var path = _dir.File($"{date}.tif");
            using var ds = RasterDataset.CreateGeoTiff(path, 64, 64, 4, RasterDataType.UInt16);
            ds.GeoTransform = RasterFixtures.Cgcs2000Transform;
            ds.SpatialReference = SpatialReference.FromEpsg(4546);
            var pixels = new ushort[64 * 64];
            for (var b = 1; b <= 4; b++)
            {
                // A one-DN checkerboard: a constant band is refused as no data (RadiometryChecks.Bands).
                for (var i = 0; i < pixels.Length; i++) pixels[i] = (ushort)(value + 40 * b + ((i + i / 64) & 1));
                ds.Write<ushort>(b, ds.Extent, pixels);
            }
            return path;
        }
        return new ScenePair(Write("before", 200), Write("after", 500))
        {
            Bands = BandOrder.GaofenMultispectral, BeforeDate = new DateOnly(2025, 4, 13), AfterDate = new DateOnly(2025, 8, 8),
        };
    }
}
