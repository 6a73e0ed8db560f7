using System.Security.Cryptography;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Recheck;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tests.Vector;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Output;

/// <summary>
/// Nothing the user did not name as an output is changed: a folder is never deleted to make room for an output file
/// (nor for a FileGDB unless it is one), an output that is an input (links resolved) or lies inside an input folder is
/// refused before any work, and an extension that names no vector format is refused rather than written as GeoPackage.
/// Every refusal is an <see cref="InputException"/> naming the path, with the inputs byte for byte as they were.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("out.gpkg")]
    [InlineData("out.shp")]
    [InlineData("out.geojson")]
    [InlineData("out.gdb")]
    public void FolderOfUserFilesUnderTheOutputNameIsKept(string name)
    {
        var raster = Raster("classes.tif");
        var folder = _dir.File(name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "field notes");

        var e = Assert.Throws<InputException>(() => RasterPolygonizer.Run(raster, folder));
        Assert.Contains(folder, e.Message);
        Assert.Equal("field notes", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, ".out.*"));
    }

    [Fact]
    public async Task OutputNamingTheFolderOfTheInputsIsRefusedByTheCommand()
    {
        var raster = Raster("classes.tif");
        var before = Sha(raster);
        var (code, output) = await CliProcess.RunAsync(["polygonize", raster, _dir.Path, "--format", "GPKG"]);
        Assert.Equal(2, code);
        Assert.Contains(_dir.Path, output);
        Assert.Equal(before, Sha(raster));
    }

    [Fact]
    public void FolderThatHoldsMoreThanAFileGdbIsKept()
    {
        // A real FileGDB with a user's file beside its tables, and a folder that only looks like one.
        var output = _dir.File("polygons.gdb");
        RasterPolygonizer.Run(Raster("a.tif", classes: 2), output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "field notes");
        var lookalike = _dir.File("other.gdb");
        Directory.CreateDirectory(lookalike);
        File.WriteAllText(Path.Combine(lookalike, "a.gdbtable"), "");
        File.WriteAllText(Path.Combine(lookalike, "gdb"), "");

        foreach (var folder in new[] { output, lookalike })
        {
            var e = Assert.Throws<InputException>(() => RasterPolygonizer.Run(Raster("b.tif", classes: 5), folder));
            Assert.Contains("not a FileGDB", e.Message);
        }
        Assert.Equal("field notes", File.ReadAllText(Path.Combine(output, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(lookalike, "a.gdbtable")));
    }

    [Fact]
    public void FileGdbIsReplacedByTheNewOne()
    {
        var output = _dir.File("polygons.gdb");
        RasterPolygonizer.Run(Raster("a.tif", classes: 2), output);
        var first = Features(output);
        RasterPolygonizer.Run(Raster("b.tif", classes: 5), output);
        Assert.NotEqual(first, Features(output));
        Assert.Equal(RasterPolygonizer.Run(Raster("b.tif", classes: 5), _dir.File("check.gpkg")).Polygons, Features(output));
    }

    [Fact]
    public void PolygonizingOntoTheRasterIsRefusedHoweverThePathIsWritten()
    {
        var raster = Raster("classes.tif");
        var before = Sha(raster);
        var link = _dir.File("link.tif");
        File.CreateSymbolicLink(link, raster);
        var alias = _dir.File("alias");
        Directory.CreateSymbolicLink(alias, _dir.Path);
        var gpkg = new PolygonizeOptions { Driver = "GPKG" };
        foreach (var output in new[] { raster, Path.Combine(_dir.Path, ".", "classes.tif"), Path.Combine(_dir.Path, "sub", "..", "classes.tif"), link,
                     Path.Combine(alias, "classes.tif") })
        {
            var e = Assert.Throws<InputException>(() => RasterPolygonizer.Run(raster, output, gpkg));
            Assert.Contains("is the input", e.Message);
            Assert.Equal(before, Sha(raster));
        }
        // The link is refused too, though replacing it would leave the raster as it was: it names the input.
        Assert.Throws<InputException>(() => RasterPolygonizer.Run(link, raster, gpkg));
    }

    [Theory]
    [InlineData("--out survey.gpkg")]
    [InlineData("--class-raster before.tif")]
    [InlineData("--class-raster after.tif")]
    [InlineData("--class-raster stacked-change.onnx")]
    [InlineData("--out survey_shp/DLTB.shp")]
    [InlineData("--chips before.tif")]
    [InlineData("--class-raster out.gpkg")]
    [InlineData("--out mask.gpkg")]
    [InlineData("--class-raster mask.tif")]
    [InlineData("--out stacked-change.card.json")]
    [InlineData("--out card.json")]
    public async Task DetectionOntoAnInputIsRefusedBeforeAnyWork(string what)
    {
        var (pair, survey, model) = CopySample(shapefileSurvey: what.Contains("survey_shp"));
        // The masks and a card given apart from the model are inputs as much as the scenes.
        File.Copy(_dir.File("survey.gpkg"), _dir.File("mask.gpkg"));
        File.Copy(pair.Before, _dir.File("mask.tif"));
        File.Copy(ChangeModel.SidecarPath(model), _dir.File("card.json"));
        var inputs = Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories).ToDictionary(f => f, Sha);
        var path = _dir.File(what.Split(' ')[1]);
        var output = what.StartsWith("--out", StringComparison.Ordinal) ? path : _dir.File("out.gpkg");
        var options = new DetectionOptions
        {
            ClassRasterPath = what.StartsWith("--class-raster", StringComparison.Ordinal) ? path : null,
            ChipsDirectory = what.StartsWith("--chips", StringComparison.Ordinal) ? path : null,
            AfterMask = _dir.File("mask.gpkg"),
            BeforeMask = _dir.File("mask.tif"),
        };
        using var detector = new ChangeDetector(model, what.EndsWith(" card.json", StringComparison.Ordinal) ? new InferenceOptions { CardPath = path } : null);

        var e = await Assert.ThrowsAsync<InputException>(() => detector.DetectToFileAsync(pair, survey, output, options));
        Assert.Contains(path, e.Message);
        foreach (var (file, sha) in inputs) Assert.Equal(sha, Sha(file));
        Assert.Equal(inputs.Keys.Order(), Directory.EnumerateFiles(_dir.Path, "*", SearchOption.AllDirectories).Order());
    }

    [Fact]
    public async Task ClassRasterNamingAFolderIsRefusedBeforeAnyWork()
    {
        var (pair, survey, model) = CopySample(shapefileSurvey: false);
        var folder = _dir.File("classes.tif");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "field notes");
        using var detector = new ChangeDetector(model);

        var e = await Assert.ThrowsAsync<InputException>(() =>
            detector.DetectToFileAsync(pair, survey, _dir.File("out.gpkg"), new DetectionOptions { ClassRasterPath = folder }));
        Assert.Contains(folder, e.Message);
        Assert.Equal("field notes", File.ReadAllText(Path.Combine(folder, "notes.txt")));
        Assert.False(File.Exists(_dir.File("out.gpkg")));
    }

    [Fact]
    public async Task ChipsNamingAFileAreRefused()
    {
        var (pair, survey, model) = CopySample(shapefileSurvey: false);
        var notes = _dir.File("notes.txt");
        File.WriteAllText(notes, "field notes");
        using var detector = new ChangeDetector(model);

        var e = await Assert.ThrowsAsync<InputException>(() =>
            detector.DetectToFileAsync(pair, survey, _dir.File("out.gpkg"), new DetectionOptions { ChipsDirectory = notes }));
        Assert.Contains(notes, e.Message);
        Assert.Equal("field notes", File.ReadAllText(notes));
        Assert.False(File.Exists(_dir.File("out.gpkg")));
    }

    [Fact]
    public async Task RecheckOntoItsPolygonsIsRefused()
    {
        var (pair, _, _) = CopySample(shapefileSurvey: false);
        var polygons = _dir.File("earlier.gpkg");
        File.Copy(Path.Combine(TestPaths.SampleTiles, "truth.gpkg"), polygons);
        var before = Sha(polygons);
        using var check = new RectificationCheck(null);

        var e = await Assert.ThrowsAsync<InputException>(() => check.CheckToFileAsync(polygons, new RecheckImages(pair.After), "./" + Path.GetRelativePath(".", polygons)));
        Assert.Contains("is the input", e.Message);
        e = await Assert.ThrowsAsync<InputException>(() => check.CheckToFileAsync(polygons, new RecheckImages(pair.After), _dir.File("recheck.gpkg"),
            new RecheckOptions { ChipsDirectory = pair.After }));
        Assert.Contains(pair.After, e.Message);
        Assert.Equal(before, Sha(polygons));
    }

    [Theory]
    [InlineData("polygons.xyz")]
    [InlineData("polygons.tif")]
    [InlineData("polygons")]
    public void ExtensionThatNamesNoVectorFormatIsRefused(string name)
    {
        var output = _dir.File(name);
        var e = Assert.Throws<InputException>(() => RasterPolygonizer.Run(Raster("classes.tif"), output));
        Assert.Contains(output, e.Message);
        Assert.Contains(".gpkg", e.Message);
        Assert.False(File.Exists(output));
        Assert.Throws<InputException>(() => TubanWriter.FormatOf(output));

        // Named explicitly, the format is the user's choice.
        RasterPolygonizer.Run(Raster("classes.tif"), output, new PolygonizeOptions { Driver = "GPKG" });
        Assert.True(Features(output) > 0);
    }

    [Fact]
    public async Task ExtensionThatNamesNoVectorFormatIsOneLineFromTheCommand()
    {
        var output = _dir.File("polygons.xyz");
        var (code, text) = await CliProcess.RunAsync(["polygonize", Raster("classes.tif"), output]);
        Assert.Equal(2, code);
        Assert.Single(text.Trim().Split('\n'));
        Assert.Contains(output, text);
        Assert.False(File.Exists(output));
    }

    private (ScenePair Pair, string Survey, string Model) CopySample(bool shapefileSurvey)
    {
        foreach (var f in new[] { "before.tif", "after.tif", "survey.gpkg" }) File.Copy(Path.Combine(TestPaths.SampleTiles, f), _dir.File(f));
        Directory.CreateDirectory(_dir.File("survey_shp"));
        foreach (var f in Directory.EnumerateFiles(Path.Combine(TestPaths.SampleTiles, "survey_shp")))
            File.Copy(f, Path.Combine(_dir.File("survey_shp"), Path.GetFileName(f)));
        var model = _dir.File("stacked-change.onnx");
        File.Copy(TestModels.StackedChange, model);
        File.Copy(Path.ChangeExtension(TestModels.StackedChange, ".card.json"), Path.ChangeExtension(model, ".card.json"));
        return (new ScenePair(_dir.File("before.tif"), _dir.File("after.tif")), shapefileSurvey ? _dir.File("survey_shp") : _dir.File("survey.gpkg"), model);
    }

    private string Raster(string name, int classes = 4)
    {
        var path = _dir.File(name);
        if (File.Exists(path)) return path;
        using var r = RasterDataset.CreateGeoTiff(path, 64, 64, 1, RasterDataType.Byte);
        r.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
        r.SpatialReference = SpatialReference.FromEpsg(4546);
        r.Write<byte>(1, r.Extent, TestRasters.Noise(64, 64, classes, seed: classes));
        return path;
    }

    internal static long Features(string path)
    {
        using var ds = VectorDataset.Open(path);
        return ds.Layer(0).FeatureCount;
    }

    internal static string Sha(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
}
