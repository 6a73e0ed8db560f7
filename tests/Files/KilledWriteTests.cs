using System.Diagnostics;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tests.Vector;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Files;

/// <summary>
/// A process killed (SIGKILL: no handler runs, nothing is cleaned up) while it writes a large output leaves no file under
/// the final name: <c>weipian polygonize</c> on a 2048² noise raster (2.2 M polygons, many seconds of writing), killed
/// once its temporary output exists and is growing.
/// </summary>
public sealed class KilledWriteTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("polygons.gpkg")]
    [InlineData("polygons.shp")]
    public async Task KilledMidWriteLeavesNothingUnderTheFinalName(string file)
    {
        var raster = _dir.File("noise.tif");
        using (var r = RasterDataset.CreateGeoTiff(raster, 2048, 2048, 1, RasterDataType.Byte))
        {
            r.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
            r.SpatialReference = SpatialReference.FromEpsg(4546);
            r.Write<byte>(1, r.Extent, TestRasters.Noise(2048, 2048, 4, seed: 1));
        }
        var output = _dir.File(file);
        using var child = CliProcess.Start(["polygonize", raster, output]);
        var clock = Stopwatch.StartNew();
        long size = 0;
        // Wait until the temporary output holds real data (past the header), so the kill lands mid-write.
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(120) && (size = TempBytes()) < 4 << 20) await Task.Delay(20);
        if (child.HasExited) Assert.Fail($"the write ended before it could be killed: {await child.StandardError.ReadToEndAsync()}");
        child.Kill();
        log.WriteLine($"killed after {clock.Elapsed.TotalSeconds:0.0} s with {size / 1048576.0:0.0} MB written under the temporary name");
        await child.WaitForExitAsync();
        Assert.Equal(137, child.ExitCode);

        Assert.False(File.Exists(output), $"{file} exists after the kill");
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, "polygons.*"));
        Assert.NotEmpty(Directory.EnumerateFileSystemEntries(_dir.Path, ".polygons.partial-*"));
    }

    /// <summary>Bytes under the temporary names (a file, or a Shapefile's temporary folder).</summary>
    private long TempBytes() =>
        new DirectoryInfo(_dir.Path).EnumerateFileSystemInfos(".polygons.partial-*").Sum(i => i switch
        {
            FileInfo f => f.Length,
            DirectoryInfo d => d.EnumerateFiles().Sum(f => f.Length),
            _ => 0,
        });
}
