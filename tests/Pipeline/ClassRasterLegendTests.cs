using System.Diagnostics;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The class raster tells "no change" (0) from "no result" (255, its nodata) and carries its legend, a colour table
/// and category names, through the COG step, so GIS tools show it labelled.
/// </summary>
public class ClassRasterLegendTests
{
    [Fact]
    public async Task NoResultIs255AndTheCogCarriesColoursAndNames()
    {
        using var dir = new TempDir();
        var classes = dir.File("class.tif");
        using (var detector = new ChangeDetector(SampleDetection.Model))
            await detector.DetectToFileAsync(SampleDetection.Pair, SampleDetection.SamplePath("survey.gpkg"), dir.File("out.gpkg"),
                new DetectionOptions { ClassRasterPath = classes });
        Assert.Equal(["class.tif", "class.tif.aux.xml", "out.gpkg"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());

        using var card = ChangeModel.Load(SampleDetection.Model);
        using var raster = RasterDataset.Open(classes);
        Assert.Equal("COG", raster.MetadataItem("LAYOUT", "IMAGE_STRUCTURE"));
        Assert.True(raster.OverviewCount(1) > 0);
        Assert.Equal(255, raster.NoData(1));
        Assert.Equal(255, raster.NoData(2));

        var values = new byte[raster.Width * raster.Height];
        raster.Read<byte>(1, raster.Extent, values);
        var percent = new byte[values.Length];
        raster.Read<byte>(2, raster.Extent, percent);
        // Farmland mode: off farmland there is no result, on it mostly no change, and some change.
        var counts = values.CountBy(v => v).ToDictionary();
        Assert.True(counts.GetValueOrDefault((byte)255) > values.Length / 20, "no pixel without a result");
        Assert.True(counts.GetValueOrDefault((byte)0) > values.Length / 20, "no pixel of no change");
        Assert.Contains(counts.Keys, v => v is > 0 and < 255);
        Assert.All(counts.Keys, v => Assert.True(v == 255 || v < card.Card.ClassCount, $"class {v}"));
        for (var i = 0; i < values.Length; i++)
            if ((values[i] == 255) != (percent[i] == 255)) Assert.Fail($"pixel {i}: class {values[i]}, confidence {percent[i]}");

        var colors = raster.ColorTable(1);
        Assert.Equal(256, colors.Count);
        Assert.Equal(new PaletteColor(255, 255, 255), colors[0]);
        Assert.Equal(new PaletteColor(128, 128, 128, Alpha: 0), colors[255]);   // GDAL reads the nodata entry as transparent
        var changeColors = Enumerable.Range(1, card.Card.ClassCount - 1).Select(c => colors[c]).ToList();
        Assert.Equal(changeColors.Count, changeColors.Append(colors[0]).Append(colors[255]).Distinct().Count() - 2);
        var names = raster.CategoryNames(1);
        Assert.Equal(256, names.Count);
        Assert.StartsWith("无变化", names[0]);
        Assert.StartsWith("无结果", names[255]);
        Assert.Equal("建（构）筑物 20 building", names[card.Card.Classes.Single(c => c.Tblx == "20").Id]);

        var gdalinfo = GdalInfo(classes);
        Assert.Contains("Color Table", gdalinfo);
        Assert.Contains("Categories:", gdalinfo);
        Assert.Contains("255: 无结果", gdalinfo);
        Assert.Contains("NoData Value=255", gdalinfo);
    }

    [Fact]
    public void EvalLeavesOutPixelsWithoutAResult()
    {
        using var dir = new TempDir();
        var truth = Raster(dir.File("truth.tif"), [0, 1, 1, 0], noData: null);
        var predicted = Raster(dir.File("pred.tif"), [255, 1, 255, 0], noData: 255);
        var m = Evaluator.ComparePixels(truth, predicted, 2);
        Assert.Equal(2, m.Total);
        Assert.Equal(2, m.Skipped);
        Assert.Equal(new ClassScore(1, TruePixels: 1, PredictedPixels: 1, Hits: 1), m.Scores[1]);
    }

    [Fact]
    public void EvalLeavesOutTheTruthsNoData()
    {
        using var dir = new TempDir();
        // Two class rasters compared (bench/gpu/check.sh: the CPU's against CUDA's): no result in both is not scored.
        var truth = Raster(dir.File("cpu.tif"), [255, 1, 2, 0], noData: 255);
        var predicted = Raster(dir.File("cuda.tif"), [255, 1, 1, 0], noData: 255);
        var m = Evaluator.ComparePixels(truth, predicted, 3);
        Assert.Equal(3, m.Total);
        Assert.Equal(1, m.Skipped);
        Assert.Equal([[1, 0, 0], [0, 1, 0], [0, 1, 0]], m.Matrix);
    }

    private static string Raster(string path, byte[] values, double? noData)
    {
        using var ds = RasterDataset.CreateGeoTiff(path, 2, 2, 1, RasterDataType.Byte);
        ds.GeoTransform = GeoTransform.NorthUp(521000, 3374000, 1.0);
        ds.SpatialReference = SpatialReference.FromEpsg(4546);
        if (noData is { } nd) ds.SetNoData(1, nd);
        ds.Write<byte>(1, ds.Extent, values);
        return path;
    }

    private static string GdalInfo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("gdalinfo", [path]) { RedirectStandardOutput = true })!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return text;
    }
}
