using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Raster;

/// <summary>
/// polygonize and eval refuse a raster whose header declares more than <see cref="RasterLimits"/> allow, as detect
/// does its scenes: one message naming the file and its size, before an output is created. The rasters here are VRTs
/// of 250,000 x 2 pixels (over the side limit, yet small enough that a run without the check ends at once).
/// </summary>
public sealed class HugeRasterTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WideVrt(string name)
    {
        var path = _dir.File(name);
        File.WriteAllText(path, """
            <VRTDataset rasterXSize="250000" rasterYSize="2">
              <SRS>EPSG:4546</SRS>
              <GeoTransform>500000, 1, 0, 3400000, 0, -1</GeoTransform>
              <VRTRasterBand dataType="Byte" band="1"/>
            </VRTDataset>
            """);
        return path;
    }

    [Fact]
    public void Polygonize_RefusesAWideRaster_BeforeCreatingTheOutput()
    {
        var raster = WideVrt("wide.vrt");
        var output = _dir.File("o.gpkg");
        var e = Assert.Throws<PixelGridException>(() => RasterPolygonizer.Run(raster, output));
        Assert.Contains($"'{raster}' declares 250000 x 2 pixels", e.Message, StringComparison.Ordinal);
        Assert.Contains($"at most {RasterLimits.MaxSide} a side", e.Message, StringComparison.Ordinal);
        Assert.Equal(["wide.vrt"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void EvalPixels_RefusesAWideRaster_NamingIt()
    {
        var truth = WideVrt("truth.vrt");
        var pred = WideVrt("pred.vrt");
        var e = Assert.Throws<PixelGridException>(() => Evaluator.ComparePixels(truth, pred, 5));
        Assert.Contains($"'{truth}' declares 250000 x 2 pixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvalObjects_RefusesAWideRaster_NamingIt()
    {
        var truth = WideVrt("truth.vrt");
        var e = Assert.Throws<PixelGridException>(() => Evaluator.PolygonsOfRaster(truth));
        Assert.Contains($"'{truth}' declares 250000 x 2 pixels", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCommandLine_RefusesAWideRaster_InOneLine()
    {
        var raster = WideVrt("wide.vrt");
        var (code, text) = await CliProcess.RunAsync(["polygonize", raster, _dir.File("o.gpkg")]);
        Assert.Equal(2, code);
        Assert.Equal($"weipian: '{raster}' declares 250000 x 2 pixels; a raster to polygonise may have at most 200000 a side and 10 billion in all: cut it into parts (gdal_translate -srcwin).", text.Trim());
        Assert.Equal(["wide.vrt"], Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }
}
