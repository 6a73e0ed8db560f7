using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// Tiles keep only their centres, so the mosaic must not depend on where tile edges fall: the class raster of a
/// tiled run equals one whole-image run (one tile covering the scene and its reflected border).
/// </summary>
public class TilingSeamTests
{
    private static readonly ScenePair Sample = new(
        Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif"));

    [Theory]
    [InlineData(48)]
    [InlineData(100)]
    public void TiledClassRasterEqualsWholeImageRun(int tile)
    {
        var whole = ClassRaster(1024 + 2 * 4, band: 2);
        var tiled = ClassRaster(tile, band: 2);
        // Confidence (band 2) varies pixel by pixel, so any seam would show in it, whatever the class.
        Assert.True(whole.Distinct().Count() > 20, "the test model's confidence varies across the scene");
        var same = whole.Zip(tiled).Count(p => p.First == p.Second);
        Assert.True(same >= 0.999 * whole.Length, $"tile {tile}: {whole.Length - same} of {whole.Length} pixels differ from the whole-image run");
        Assert.Equal(ClassRaster(1024 + 8, band: 1), ClassRaster(tile, band: 1));
    }

    [Fact]
    public void NoDataInEitherDateIsNeverChange()
    {
        var classes = ClassRaster(48, band: 1);
        using var after = RasterDataset.Open(Sample.After);
        var blue = new ushort[1024 * 1024];
        after.Read<ushort>(1, after.Extent, blue);
        var cloud = Enumerable.Range(0, blue.Length).Where(i => blue[i] == 0).ToList();
        Assert.True(cloud.Count > 1000, "the sample's after date has a cloud");
        Assert.All(cloud, i => Assert.Equal(0, classes[i]));
    }

    /// <summary>A band of the masked class raster (1 class, 2 confidence) of the stacked test model (a 3x3 convolution, halo 4) on the sample.</summary>
    private static byte[] ClassRaster(int tile, int band)
    {
        using var dir = new TempDir();
        var path = dir.File("class.tif");
        using var model = ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { TileSize = tile, IntraOpThreads = 1 });
        using (var run = new DetectionRun(model, Sample, null, new DetectionOptions { AllLand = true, ClassRasterPath = path }))
            foreach (var _ in run.RunAsync(null, CancellationToken.None).ToBlockingEnumerable()) { }
        using var raster = RasterDataset.Open(path);
        var classes = new byte[raster.Width * raster.Height];
        raster.Read<byte>(band, raster.Extent, classes);
        return classes;
    }
}
