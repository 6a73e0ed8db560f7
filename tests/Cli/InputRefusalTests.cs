using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Cli;

/// <summary>
/// Values the engine refuses reach the user as one line, exit 2, naming the file or value and the option to change
/// (the engine's message names no flag: the command line adds it), never as an internal error or a stack trace.
/// </summary>
public sealed class InputRefusalTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ClassIdOutsideTheClassesNamesTheFileAndThePixel()
    {
        var truth = ClassRaster("truth.tif", (3, 2, 7));
        var pred = ClassRaster("pred.tif");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["eval", "--truth", truth, "--pred", pred]);

        Assert.Equal(2, code);
        Assert.Equal($"weipian: '{truth}' has class id 7 at column 3, row 2; with 5 classes the ids are 0..4, unless the value is marked as nodata. (--classes, or --truth-nodata V for the truth's unlabelled value)", stderr);
    }

    [Fact]
    public async Task ClassCountThatCannotBeAClassRasterIsRefused()
    {
        var truth = ClassRaster("truth.tif");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["eval", "--truth", truth, "--pred", truth, "--classes", "1000000000"]);

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: --classes 1000000000: ", stderr);
        Assert.DoesNotContain('\n', stderr);
    }

    [Fact]
    public async Task MissingBandIsNamedWithItsOption()
    {
        var raster = ClassRaster("classes.tif");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["polygonize", raster, _dir.File("out.gpkg"), "--band", "5"]);

        Assert.Equal(2, code);
        Assert.Equal($"weipian: '{raster}' has bands 1..1; band 5 does not exist. (--band)", stderr);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*out*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task NanGsdIsRefusedBeforeAnythingIsWritten()
    {
        var outDir = _dir.File("scene");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["synth", "--out", outDir, "--gsd", "NaN"]);

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: --gsd NaN: ", stderr);
        Assert.DoesNotContain('\n', stderr);
        Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any());
    }

    [Fact]
    public async Task SynthIntoAFileIsRefused()
    {
        var file = _dir.File("scene");
        await File.WriteAllTextAsync(file, "not a folder");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["synth", "--out", file, "--size", "64"]);

        Assert.Equal(2, code);
        Assert.StartsWith($"weipian: Cannot write the scene into '{file}': ", stderr);
        Assert.DoesNotContain('\n', stderr);
        Assert.Equal("not a folder", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task UnknownEpsgNamesItsOption()
    {
        var outDir = _dir.File("scene");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["synth", "--out", outDir, "--size", "64", "--epsg", "99999"]);

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: EPSG:99999 is not a CRS PROJ knows (", stderr);
        Assert.EndsWith("(--epsg)", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task DetectWithoutSurveyNamesBothWaysOut()
    {
        var sample = TestPaths.SampleTiles;

        var (code, stderr) = await CliProcess.RunForErrorAsync([
            "detect", "--before", Path.Combine(sample, "before.tif"), "--after", Path.Combine(sample, "after.tif"), "--out", _dir.File("t.gpkg"),
        ]);

        Assert.Equal(2, code);
        Assert.Equal("weipian: A land survey (DLTB) is needed to find farmland; give one, or report change on all land. (--survey, or --all-land)", stderr);
    }

    [Fact]
    public async Task RecheckShowsTheErrorAloneNotAfterItsWarnings()
    {
        var missing = _dir.File("earlier.gpkg");

        var (code, stderr) = await CliProcess.RunForErrorAsync([
            "recheck", "--polygons", missing, "--image", Path.Combine(TestPaths.SampleTiles, "after.tif"), "--out", _dir.File("r.gpkg"),
        ]);

        Assert.Equal(2, code);
        Assert.Equal($"weipian: Earlier polygons '{missing}' do not exist.", stderr);
    }

    /// <summary>A 6 x 4 Byte class raster of zeros with one pixel set, georeferenced in CGCS2000 / GK CM 111E.</summary>
    private string ClassRaster(string name, (int Column, int Row, byte Value)? set = null)
    {
        var path = _dir.File(name);
        var pixels = new byte[6 * 4];
        if (set is var (c, r, v)) pixels[r * 6 + c] = v;
        using var ds = RasterDataset.CreateGeoTiff(path, 6, 4, 1, RasterDataType.Byte);
        ds.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
        ds.SpatialReference = SpatialReference.FromEpsg(4546);
        ds.Write<byte>(1, ds.Extent, pixels);
        return path;
    }
}
