using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Training;

/// <summary>Bad inputs to <c>weipian export-training</c>: one line naming the file or option, exit 2, nothing written.</summary>
public class ExportTrainingRefusalTests(TrainingWorld world) : IClassFixture<TrainingWorld>
{
    // Runs the command on the world's pairs and polygons (or those of extra's --polygons) and checks the refusal.
    private async Task<string> RefusedAsync(string output, params string[] extra)
    {
        string[] polygons = extra.Contains("--polygons") ? [] : ["--polygons", world.Verified];
        var (code, stderr) = await CliProcess.RunForErrorAsync(["export-training", "--pairs", world.Manifest, .. polygons, "--out", output, .. extra]);
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n'));
        Assert.StartsWith("weipian: ", stderr);
        Assert.False(Directory.Exists(output), "the refused run created its output");
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.*"));
        return stderr;
    }

    [Fact]
    public async Task AClassTheCardDoesNotKnowIsRefused()
    {
        var verified = world.File("unknown-class.gpkg");
        if (!File.Exists(verified)) world.WriteHistory(verified, 4546, tblxOverride: "ZZ");
        var line = await RefusedAsync(world.File("out-class"), "--polygons", verified);
        Assert.Contains("TBLX 'ZZ' is no class of model 'spectral-v1'", line);
        Assert.EndsWith("(--class-field TBLX)", line);
    }

    [Fact]
    public async Task AMissingClassFieldIsRefused()
    {
        var line = await RefusedAsync(world.File("out-field"), "--class-field", "LX");
        Assert.Contains("has no class field 'LX'; its fields are TBLX, PDLX", line);
    }

    [Fact]
    public async Task AMissingVerdictFieldIsRefused()
    {
        var line = await RefusedAsync(world.File("out-verdict"), "--verdict-field", "HCJG");
        Assert.Contains("has no verdict field 'HCJG'", line);
        Assert.EndsWith("(--verdict-field PDLX)", line);
    }

    [Theory]
    [InlineData("8")]
    [InlineData("5000")]
    public async Task AChipSizeOutOfRangeIsRefused(string chip)
    {
        var line = await RefusedAsync(world.File("out-chip" + chip), "--chip", chip);
        Assert.Contains($"The chip size {chip} px is outside 32 to 4096 px.", line);
        Assert.EndsWith("(--chip 512)", line);
    }

    [Fact]
    public async Task AChipLargerThanTheSceneIsRefused()
    {
        var line = await RefusedAsync(world.File("out-large"), "--chip", "1024");
        Assert.Contains("smaller than a chip of 1024 px", line);
    }

    [Fact]
    public async Task PolygonsOutsideEveryImageAreRefused()
    {
        var verified = world.File("far.gpkg");
        if (!File.Exists(verified)) world.WriteHistory(verified, 4546, shiftMetres: 50_000);
        var line = await RefusedAsync(world.File("out-far"), "--polygons", verified);
        Assert.Contains("lies on an image of", line);
    }

    [Fact]
    public async Task PairsOffGridWithoutAlignAreRefused()
    {
        var shifted = world.File("after-shifted.tif");
        if (!File.Exists(shifted))
        {
            using (var after = RasterDataset.Open(world.SceneFile("after.tif"))) after.CopyToGeoTiff(shifted);
            using var raster = RasterDataset.Open(shifted, update: true);
            var t = raster.GeoTransform;
            raster.GeoTransform = t with { OriginX = t.OriginX + 0.4 * t.PixelWidth };
        }
        var manifest = world.File("off-grid.csv");
        File.WriteAllText(manifest, $"key,before,after\nsyn,{world.SceneFile("before.tif")},{shifted}\n");
        var output = world.File("out-grid");
        var (code, stderr) = await CliProcess.RunForErrorAsync(["export-training", "--pairs", manifest, "--polygons", world.Verified, "--out", output]);
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains("do not share one pixel grid", stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task AFolderThatIsNoExportIsNeverReplaced()
    {
        var output = world.File("user-folder");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "mine");
        var (code, stderr) = await CliProcess.RunForErrorAsync(["export-training", "--pairs", world.Manifest, "--polygons", world.Verified, "--out", output]);
        Assert.Equal(2, code);
        Assert.Contains("is not empty and holds no training export", stderr);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AnEarlierExportIsReplacedWhole()
    {
        var output = world.File("replaced");
        string[] args = ["export-training", "--pairs", world.Manifest, "--polygons", world.Verified, "--out", output, "--chip", "64", "--split-block", "100", "--unchanged", "0"];
        var (first, _) = await CliProcess.RunAsync(args);
        Assert.Equal(0, first);
        File.WriteAllText(Path.Combine(output, "stale.txt"), "from before");
        var (second, text) = await CliProcess.RunAsync(args);
        Assert.Equal(0, second);
        Assert.Contains("chips from 1 scene pair(s)", text);
        Assert.False(File.Exists(Path.Combine(output, "stale.txt")));
        Assert.True(File.Exists(Path.Combine(output, "export.json")));
        Assert.Empty(Directory.GetDirectories(world.File(""), ".replaced.*"));
    }
}
