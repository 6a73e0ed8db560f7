using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Cli;

/// <summary>
/// <c>weipian info</c> describes what the engine reads: rasters with their band descriptions, vector files and
/// Shapefile folders (as <c>--survey</c> takes them), models with their card and graph; a file it cannot read is one
/// line on stderr, the files after it are still described, and the exit code is 2.
/// </summary>
public sealed class InfoCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Model(string name) => Path.Combine(TestPaths.RepoRoot, "tests", "Fixtures", "models", name);

    private string ClassRaster()
    {
        var path = Path.Combine(_dir.Path, "classes.tif");
        using var ds = RasterDataset.CreateGeoTiff(path, 4, 4, 2, RasterDataType.Byte);
        ds.GeoTransform = new GeoTransform(500000, 10, 0, 3000000, 0, -10);
        ds.SpatialReference = SpatialReference.FromEpsg(32650);
        ds.SetBandDescription(1, "change class");
        ds.SetBandDescription(2, "confidence (%)");
        ds.Write<byte>(1, new PixelWindow(0, 0, 4, 4), [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 0, 0, 2, 2, 0, 0]);
        return path;
    }

    private static async Task<(int Code, string Out, string Err)> Info(params string[] files)
    {
        using var p = CliProcess.Start(["info", .. files]);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task RasterBandsShowTheirDescriptions()
    {
        var (code, output, err) = await Info(ClassRaster());
        Assert.True(code == 0, err);
        Assert.Contains("\"change class\"", output);
        Assert.Contains("\"confidence (%)\"", output);
    }

    [Fact]
    public async Task AShapefileFolderIsDescribedAsTheSurveyReadsIt()
    {
        var folder = Path.Combine(_dir.Path, "survey");
        Directory.CreateDirectory(folder);
        var (code, text) = await CliProcess.RunAsync(["polygonize", ClassRaster(), Path.Combine(folder, "regions.shp")]);
        Assert.True(code == 0, text);

        var (infoCode, output, err) = await Info(folder);
        Assert.True(infoCode == 0, err);
        Assert.Contains("(ESRI Shapefile)", output);
        Assert.Contains("layer regions: 4 feature(s)", output);
        Assert.Contains("value:", output);
    }

    [Fact]
    public async Task ModelsShowTheirCardWhereverItIsAndTheGraph()
    {
        var (code, output, err) = await Info(Model("pair-logits-5c.onnx"), Model("stacked-change.onnx"));
        Assert.True(code == 0, err);
        Assert.Contains("card        embedded ('weipian.card' metadata)", output);
        Assert.Contains($"card        sidecar {Model("stacked-change.card.json")}", output);
        Assert.Contains("TBLX 20", output);
        Assert.Contains("graph in    '", output);
        Assert.Contains("graph out   '", output);
    }

    [Fact]
    public async Task UnreadableFilesAreOneLineEachTheOthersAreDescribedAndTheExitIs2()
    {
        var missing = Path.Combine(_dir.Path, "missing.tif");
        var notAModel = Path.Combine(_dir.Path, "notes.onnx");
        File.WriteAllText(notAModel, "not a graph");
        var raster = ClassRaster();

        var (code, output, err) = await Info(missing, raster, notAModel, Model("pair-logits-5c.onnx"));

        Assert.Equal(2, code);
        var lines = err.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains(missing, lines[0]);
        Assert.Contains(notAModel, lines[1]);
        Assert.Contains(raster, output);
        Assert.Contains("graph out", output);   // the model after the failures is still described
    }
}
