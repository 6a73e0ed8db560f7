using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Sizes, counts and NaN that used to crash, hang or exhaust the machine (an overflow on a 30000 px tile, "Out of
/// memory." on a billion classes, a NaN GSD eating 24 GB, a million-squared raster): each is refused before any
/// work, as one line naming the option or file, exit 2.
/// </summary>
public class InputLimitTests
{
    private static async Task<string> RefusedAsync(params string[] args)
    {
        var (code, output) = await CliProcess.RunAsync(args);
        Assert.True(code == 2, $"exit {code}: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, output);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        return lines[0];
    }

    private static string SmallScene(TempDir dir)
    {
        SceneSynthesizer.Run(new SynthOptions { Size = 64, Seed = 5, WriteShapefiles = false }, dir.Path);
        return dir.Path;
    }

    [Theory]
    [InlineData("--tile", "30000")]
    [InlineData("--threads", "100000")]
    [InlineData("--lanes", "100000")]
    [InlineData("--batch", "100000")]
    [InlineData("--halo", "5000")]
    public async Task Detect_RefusesAnInferenceOptionPastItsLimit_NamingIt(string option, string value)
    {
        using var dir = new TempDir();
        var scene = SmallScene(dir);
        var output = dir.File("out.gpkg");
        var line = await RefusedAsync("detect", "--before", Path.Combine(scene, "before.tif"), "--after", Path.Combine(scene, "after.tif"),
            "--all-land", "--model", "fusion-unet-v1", "--out", output, option, value);
        Assert.StartsWith($"weipian: {option} is {value}", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task RecheckAndReprocess_RefuseThreadsPastTheLimit_NamingTheOption()
    {
        using var dir = new TempDir();
        var line = await RefusedAsync("recheck", "--polygons", dir.File("p.gpkg"), "--image", dir.File("n.tif"), "--out", dir.File("r.gpkg"), "--threads", "100000");
        Assert.StartsWith("weipian: --threads is 100000", line, StringComparison.Ordinal);
        line = await RefusedAsync("reprocess", "--manifest", dir.File("m.csv"), "--survey", dir.File("s.gpkg"), "--out", dir.File("batch"), "--threads", "100000");
        Assert.StartsWith("weipian: --threads is 100000", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DetectHelp_StatesTheLimits()
    {
        var (code, output) = await CliProcess.RunAsync(["detect", "--help"]);
        Assert.Equal(0, code);
        Assert.Contains($"at most {InferenceLimits.MaxTile}", output, StringComparison.Ordinal);
        Assert.Contains($"at most {InferenceLimits.ThreadsPerCore} x the cores", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeModelLoad_RefusesATileAboveTheLimit_BeforeAllocating()
    {
        var e = Assert.Throws<InputException>(() =>
            ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { TileSize = 30000 }));
        Assert.Contains("InferenceOptions.TileSize is 30000", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<InputException>(() =>
            ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { IntraOpThreads = 100000 }));
        Assert.Contains("InferenceOptions.IntraOpThreads is 100000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeModelLoad_RefusesABatchWhoseBuffersExceedTheLimit_NamingTheModel()
    {
        var e = Assert.Throws<InputException>(() =>
            ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { TileSize = InferenceLimits.MaxTile, BatchSize = InferenceLimits.MaxBatch }));
        Assert.Contains("stacked-change.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("MiB per buffer", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1000000000")]
    [InlineData("257")]
    [InlineData("1")]
    public async Task Eval_RefusesAClassCountOutsideTheByteIds(string classes)
    {
        using var dir = new TempDir();
        var truth = Path.Combine(SmallScene(dir), "truth.tif");
        var line = await RefusedAsync("eval", "--truth", truth, "--pred", truth, "--classes", classes);
        Assert.StartsWith($"weipian: --classes {classes}:", line, StringComparison.Ordinal);
    }

    [Fact]
    public void PixelMetrics_RefusesMoreClassesThanAByteHolds() =>
        Assert.Throws<InputException>(() => new PixelMetrics(1_000_000_000));

    [Fact]
    public void ComparePixels_AClassIdPastTheCount_NamesTheRasterColumnAndRow()
    {
        using var dir = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = 256, Seed = 1, WriteShapefiles = false }, dir.Path);
        var truth = dir.File("truth.tif");
        var ids = new byte[256 * 256];
        using (var r = RasterDataset.Open(truth)) r.Read<byte>(1, new PixelWindow(0, 0, 256, 256), ids);
        var i = Array.FindIndex(ids, v => v >= 2);
        Assert.True(i >= 0, "the synthetic truth has a class id of 2 or more");
        var e = Assert.Throws<InputException>(() => Evaluator.ComparePixels(truth, truth, 2));
        Assert.Contains($"'{truth}' has class id {ids[i]} at column {i % 256}, row {i / 256}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--gsd", "NaN", "--gsd NaN")]
    [InlineData("--gsd", "Infinity", "--gsd Infinity")]
    [InlineData("--size", "3000000", "scene size 3000000x3000000")]
    [InlineData("--changes-per-km2", "1e9", "--changes-per-km2 1000000000")]
    [InlineData("--changes-per-km2", "NaN", "--changes-per-km2 NaN")]
    public async Task Synth_RefusesBeforeWritingAnything(string option, string value, string named)
    {
        using var dir = new TempDir();
        var output = dir.File("scene");
        var line = await RefusedAsync("synth", "--out", output, option, value);
        Assert.Contains(named, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Synth_RefusesTooManyChangesForTheScene()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InputException>(() =>
            SceneSynthesizer.Run(new SynthOptions { Size = 20000, Gsd = 100, ChangesPerKm2 = 100 }, dir.File("scene")));
        Assert.Contains($"at most {SynthOptions.MaxChanges}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Synth_RefusesAScene_TheDiskCannotHold()
    {
        using var dir = new TempDir();
        var free = new DriveInfo(dir.Path).AvailableFreeSpace;
        var rows = free / (SynthOptions.MaxSide * 17L) + 16;
        // With more free space than the largest scene needs there is nothing to refuse here.
        if (rows > SynthOptions.MaxSide) return;
        var options = new SynthOptions { Size = SynthOptions.MaxSide, Height = (int)rows, ChangesPerKm2 = 0 };
        Assert.True(options.RasterBytes > free);
        var e = Assert.Throws<InputException>(() => SceneSynthesizer.Run(options, dir.File("scene")));
        Assert.Contains("GB free", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Scene_DeclaringAMillionSquaredPixels_IsRefusedAtOpen_NamingTheFile()
    {
        using var dir = new TempDir();
        var small = RasterFixtures.WriteCoded(dir, "small.tif", 8, 8, 1);
        var huge = dir.File("huge.vrt");
        File.WriteAllText(huge, $"""
            <VRTDataset rasterXSize="1000000" rasterYSize="1000000">
              <GeoTransform>499000, 0.8, 0, 3301000, 0, -0.8</GeoTransform>
              <VRTRasterBand dataType="UInt16" band="1">
                <SimpleSource><SourceFilename relativeToVRT="0">{small}</SourceFilename><SourceBand>1</SourceBand></SimpleSource>
              </VRTRasterBand>
            </VRTDataset>
            """);
        var e = Assert.Throws<PixelGridException>(() => Scene.Open(huge));
        Assert.Contains($"'{huge}' declares 1000000 x 1000000 pixels", e.Message, StringComparison.Ordinal);
    }
}
