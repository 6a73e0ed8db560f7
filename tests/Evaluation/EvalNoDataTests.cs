using System.Text.Json;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Evaluation;

/// <summary>
/// <c>weipian eval</c> on real class rasters: sparse truth with an ignore value, each raster's own nodata, any-change
/// scoring, 0 (not NaN) for undefined ratios with the counts beside them, and the object metrics' source named.
/// </summary>
public sealed class EvalNoDataTests : IDisposable
{
    private const int Size = 8;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // Truth: class 1 in the left half of rows 0-3, 0 elsewhere in those rows, rows 4-7 unlabelled (255, no nodata set).
    private static byte[] SparseTruth()
    {
        var t = new byte[Size * Size];
        for (var i = 0; i < t.Length; i++) t[i] = i / Size >= 4 ? (byte)255 : i % Size < 4 ? (byte)1 : (byte)0;
        return t;
    }

    // Prediction of detect's 5 classes: class 3 in the left half of rows 0-1, class 4 in rows 2-3 (left half), 0 elsewhere.
    private static byte[] MultiClassPrediction()
    {
        var p = new byte[Size * Size];
        for (var i = 0; i < p.Length; i++) p[i] = i % Size >= 4 ? (byte)0 : i / Size < 2 ? (byte)3 : i / Size < 4 ? (byte)4 : (byte)0;
        return p;
    }

    private string Raster(string name, byte[] pixels, double? noData = null)
    {
        var path = Path.Combine(_dir.Path, name);
        using var ds = RasterDataset.CreateGeoTiff(path, Size, Size, 1, RasterDataType.Byte);
        ds.GeoTransform = new GeoTransform(500000, 10, 0, 3000000, 0, -10);
        ds.SpatialReference = SpatialReference.FromEpsg(32650);
        if (noData is { } nd) ds.SetNoData(1, nd);
        ds.Write<byte>(1, new PixelWindow(0, 0, Size, Size), pixels);
        return path;
    }

    private static async Task<JsonElement> EvalJson(params string[] args)
    {
        var (code, output) = await CliProcess.RunAsync(["eval", .. args, "--json"]);
        Assert.True(code == 0, $"exit {code}: {output}");
        return JsonDocument.Parse(output).RootElement;
    }

    [Fact]
    public async Task SparseTruthIsScoredOnItsLabelledPixelsWithTruthNoData()
    {
        var truth = Raster("truth.tif", SparseTruth());
        var pred = Raster("pred.tif", SparseTruth().Select(v => v == 255 ? (byte)2 : v).ToArray());

        var (code, output) = await CliProcess.RunAsync(["eval", "--truth", truth, "--pred", pred]);
        Assert.Equal(2, code);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Contains("--truth-nodata", output);

        var j = await EvalJson("--truth", truth, "--pred", pred, "--truth-nodata", "255");
        var pixels = j.GetProperty("pixels");
        Assert.Equal(32, pixels.GetProperty("total").GetInt64());
        Assert.Equal(32, pixels.GetProperty("skipped").GetInt64());
        Assert.Equal(1.0, pixels.GetProperty("overallAccuracy").GetDouble());
        // Class 2 is predicted only on unlabelled pixels: nothing counted, so its scores are 0 beside 0 pixels.
        var c2 = pixels.GetProperty("classes")[2];
        Assert.Equal((0L, 0L), (c2.GetProperty("truePixels").GetInt64(), c2.GetProperty("predictedPixels").GetInt64()));
        Assert.Equal(0.0, c2.GetProperty("precision").GetDouble());
        Assert.Equal(0.0, c2.GetProperty("f1").GetDouble());
        // The unlabelled pixels are no regions of the truth either: one true object, found.
        var objects = j.GetProperty("objects");
        Assert.Equal((1, 1), (objects.GetProperty("truth").GetInt32(), objects.GetProperty("found").GetInt32()));
    }

    [Fact]
    public async Task EachRastersOwnNoDataIsSkippedAndCounted()
    {
        var truth = Raster("truth.tif", SparseTruth(), noData: 255);
        var p = SparseTruth().Select(v => v == 255 ? (byte)0 : v).ToArray();
        p[0] = p[1] = 200;   // the prediction's own nodata on two labelled pixels, e.g. outside its scene
        var pred = Raster("pred.tif", p, noData: 200);

        var j = await EvalJson("--truth", truth, "--pred", pred);
        var pixels = j.GetProperty("pixels");
        Assert.Equal(30, pixels.GetProperty("total").GetInt64());
        Assert.Equal(34, pixels.GetProperty("skipped").GetInt64());
        Assert.Equal(1.0, pixels.GetProperty("overallAccuracy").GetDouble());

        var (code, text) = await CliProcess.RunAsync(["eval", "--truth", truth, "--pred", pred]);
        Assert.Equal(0, code);
        Assert.Contains("30 counted, 34 skipped as nodata", text);
        Assert.DoesNotContain("NaN", text);
    }

    [Fact]
    public async Task BinaryScoresAMultiClassPredictionAgainstAnyChangeTruth()
    {
        var truth = Raster("truth.tif", SparseTruth());
        var pred = Raster("pred.tif", MultiClassPrediction());

        var j = await EvalJson("--truth", truth, "--pred", pred, "--truth-nodata", "255", "--binary");
        var pixels = j.GetProperty("pixels");
        Assert.Equal(2, pixels.GetProperty("classes").GetArrayLength());
        var change = pixels.GetProperty("classes")[1];
        Assert.Equal((16L, 16L), (change.GetProperty("truePixels").GetInt64(), change.GetProperty("predictedPixels").GetInt64()));
        Assert.Equal(1.0, change.GetProperty("f1").GetDouble());
        // Touching regions of classes 3 and 4 are one change object under any-change scoring.
        var objects = j.GetProperty("objects");
        Assert.Equal((1, 1, 1, 1), (objects.GetProperty("truth").GetInt32(), objects.GetProperty("found").GetInt32(),
            objects.GetProperty("predicted").GetInt32(), objects.GetProperty("matched").GetInt32()));
    }

    [Fact]
    public async Task TheOutputSaysObjectsAreRasterRegionsOrPolygons()
    {
        var truth = Raster("truth.tif", SparseTruth());
        var pred = Raster("pred.tif", MultiClassPrediction());
        var polygons = Path.Combine(_dir.Path, "pred.gpkg");
        var (code, output) = await CliProcess.RunAsync(["polygonize", pred, polygons]);
        Assert.True(code == 0, output);
        // polygonize names its field 'value'; eval reads class_id, as detect writes it.
        using (var ds = VectorDataset.Open(polygons, update: true)) ds.ExecuteSql("ALTER TABLE pred RENAME COLUMN value TO class_id");

        (code, output) = await CliProcess.RunAsync(["eval", "--truth", truth, "--pred", polygons, "--truth-nodata", "255"]);
        Assert.True(code == 0, output);
        Assert.Contains("truth = raster regions of truth.tif (4-connected, no minimum area)", output);
        Assert.Contains("prediction = polygons of pred.gpkg (as written: a detection's are after its minimum areas)", output);
        var j = await EvalJson("--truth", truth, "--pred", pred, "--truth-nodata", "255");
        Assert.StartsWith("raster regions", j.GetProperty("objectSources").GetProperty("predicted").GetString());
    }

    [Fact]
    public void RasterPolygonizerRefusesABandThatDoesNotExistNamingTheRaster()
    {
        var raster = Raster("classes.tif", MultiClassPrediction());
        var output = Path.Combine(_dir.Path, "out.gpkg");
        var e = Assert.Throws<InputException>(() => WeiPian.Engine.Vector.RasterPolygonizer.Run(raster, output,
            new WeiPian.Engine.Vector.PolygonizeOptions { Band = 9 }));
        Assert.Equal($"'{raster}' has bands 1..1; band 9 does not exist.", e.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task PolygonizeOfABandThatDoesNotExistIsOneLineNamingTheRaster()
    {
        var raster = Raster("classes.tif", MultiClassPrediction());
        var output = Path.Combine(_dir.Path, "out.gpkg");
        var (code, text) = await CliProcess.RunAsync(["polygonize", raster, output, "--band", "9"]);
        Assert.Equal(2, code);
        Assert.Equal($"weipian: '{raster}' has bands 1..1; band 9 does not exist. (--band)", text.Trim());
        Assert.DoesNotContain("Parameter", text);
        Assert.False(File.Exists(output));
    }
}
