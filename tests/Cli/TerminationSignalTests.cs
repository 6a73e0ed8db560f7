using System.Diagnostics;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tests.Vector;
using WeiPian.Synth;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Cli;

/// <summary>
/// SIGINT and SIGTERM stop <c>weipian detect</c> and <c>polygonize</c> through their cancellation token: exit 130 or 143 within 5 s, and nothing
/// left in the output folder (neither the outputs nor their temporary files and SQLite journals).
/// </summary>
public sealed class TerminationSignalTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task SignalStopsDetectCleanly(string signal, int expectedCode)
    {
        var scene = Path.Combine(_dir.Path, "scene");
        SceneSynthesizer.Run(new SynthOptions { Size = 2048, Seed = 14, WriteShapefiles = false }, scene);
        var outDir = Directory.CreateDirectory(Path.Combine(_dir.Path, "out")).FullName;
        // The U-Net takes several seconds on this scene, so the signal lands while tiles are inferred and polygons written.
        using var child = CliProcess.Start([
            "detect", "--before", Path.Combine(scene, "before.tif"), "--after", Path.Combine(scene, "after.tif"),
            "--survey", Path.Combine(scene, "survey.gpkg"), "--model", "fusion-unet-v1",
            "--out", Path.Combine(outDir, "tuban.gpkg"), "--class-raster", Path.Combine(outDir, "classes.tif"),
        ]);
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60) && Directory.GetFiles(outDir, ".tuban.partial-*").Length == 0)
            await Task.Delay(20);
        await Task.Delay(500);
        if (child.HasExited) Assert.Fail($"detect ended before the signal: {await stderr}");
        log.WriteLine($"temporary files before the signal: {string.Join(", ", Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName))}");

        var stopped = await SignalAndWaitAsync(child, signal);
        log.WriteLine((await stderr).Split('\n').LastOrDefault(l => l.Length > 0));
        await stdout;

        Assert.Equal(expectedCode, child.ExitCode);
        Assert.True(stopped < TimeSpan.FromSeconds(5), $"stopped {stopped.TotalSeconds:0.0} s after the signal");
        Assert.Contains($"weipian: stopped by SIG{signal}; no output was left under its final name.", await stderr);
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [Fact]
    public async Task InterruptStopsPolygonizeMidWrite()
    {
        var raster = _dir.File("noise.tif");
        using (var r = RasterDataset.CreateGeoTiff(raster, 2048, 2048, 1, RasterDataType.Byte))
        {
            r.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
            r.SpatialReference = SpatialReference.FromEpsg(4546);
            r.Write<byte>(1, r.Extent, TestRasters.Noise(2048, 2048, 4, seed: 1));
        }
        var outDir = Directory.CreateDirectory(_dir.File("out")).FullName;
        using var child = CliProcess.Start(["polygonize", raster, Path.Combine(outDir, "polygons.gpkg")]);
        var stderr = child.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        // 2.2 M polygons take many seconds to write: wait until the temporary output holds real data.
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)
               && new DirectoryInfo(outDir).EnumerateFiles(".polygons.partial-*.gpkg").Sum(f => f.Length) < 4 << 20)
            await Task.Delay(20);
        if (child.HasExited) Assert.Fail($"polygonize ended before the signal: {await stderr}");

        var stopped = await SignalAndWaitAsync(child, "INT");

        Assert.Equal(130, child.ExitCode);
        Assert.True(stopped < TimeSpan.FromSeconds(5), $"stopped {stopped.TotalSeconds:0.0} s after the signal");
        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [Fact]
    public async Task InterruptStopsSynthAndRemovesTheFolderItMade()
    {
        var outDir = _dir.File("scene");
        using var child = CliProcess.Start(["synth", "--out", outDir, "--size", "4096", "--no-shapefiles"]);
        var stderr = child.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)
               && !(Directory.Exists(outDir) && Directory.EnumerateFiles(outDir, ".before.partial-*").Any()))
            await Task.Delay(20);
        await Task.Delay(300);
        if (child.HasExited) Assert.Fail($"synth ended before the signal: {await stderr}");

        var stopped = await SignalAndWaitAsync(child, "INT");

        Assert.Equal(130, child.ExitCode);
        Assert.True(stopped < TimeSpan.FromSeconds(5), $"stopped {stopped.TotalSeconds:0.0} s after the signal");
        Assert.False(Directory.Exists(outDir), "the folder synth made is left");
    }

    // Sends the signal and waits (at most 30 s) for the child to end; returns how long it took to stop.
    private async Task<TimeSpan> SignalAndWaitAsync(Process child, string signal)
    {
        var stopping = Stopwatch.StartNew();
        await SendAsync(signal, child.Id);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await child.WaitForExitAsync(limit.Token);
        log.WriteLine($"exit {child.ExitCode} {stopping.Elapsed.TotalSeconds:0.00} s after SIG{signal}");
        return stopping.Elapsed;
    }

    private static async Task SendAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
