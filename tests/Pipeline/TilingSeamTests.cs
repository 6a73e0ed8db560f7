using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
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
        Assert.All(cloud, i => Assert.Equal(ClassRasterLegend.NotAssessed, classes[i])); // no result, not "no change"
    }

    [Fact]
    public void TilesOffFarmlandAreLeftOutWithoutChangingTheResult()
    {
        // Tiles whose kept centre holds no farmland (or only nodata) never reach the model; what the model would have
        // said there is masked anyway, so the farmland run equals the all-land run masked by the farmland raster.
        const int tile = 48;
        var allLand = ClassRaster(tile, band: 1);
        var onFarmland = ClassRaster(tile, band: 1, survey: Path.Combine(TestPaths.SampleTiles, "survey.gpkg"));
        var farmland = FarmlandMask();
        var kept = tile - 2 * 4;
        var tilesOff = 0;
        for (var y = 0; y < 1024; y += kept)
            for (var x = 0; x < 1024; x += kept)
            {
                var any = false;
                for (var r = y; r < Math.Min(y + kept, 1024) && !any; r++)
                    for (var c = x; c < Math.Min(x + kept, 1024) && !any; c++) any = farmland[r * 1024 + c] != 0;
                if (!any) tilesOff++;
            }
        Assert.True(tilesOff > 10, $"the sample has {tilesOff} tiles with no farmland");
        var expected = allLand.Zip(farmland, (c, f) => f == 0 ? ClassRasterLegend.NotAssessed : c).ToArray();
        Assert.Equal(expected, onFarmland);
    }

    private static byte[] FarmlandMask()
    {
        using var dir = new TempDir();
        using var scene = RasterDataset.Open(Sample.Before);
        using var mask = RasterDataset.CreateGeoTiff(dir.File("farmland.tif"), scene.Width, scene.Height, 1, RasterDataType.Byte);
        mask.GeoTransform = scene.GeoTransform;
        using var survey = VectorDataset.Open(Path.Combine(TestPaths.SampleTiles, "survey.gpkg"));
        var parcels = survey.Layer("DLTB");
        parcels.SetAttributeFilter("DLBM IN ('0101','0102','0103')");
        GdalReference.RasterizeLayers(mask, 1, [parcels], [1.0]);
        var values = new byte[scene.Width * scene.Height];
        mask.Read<byte>(1, mask.Extent, values);
        return values;
    }

    /// <summary>A band of the masked class raster (1 class, 2 confidence) of the stacked test model (a 3x3 convolution, halo 4) on the sample.</summary>
    private static byte[] ClassRaster(int tile, int band, string? survey = null)
    {
        using var dir = new TempDir();
        using var model = ChangeModel.Load(TestModels.StackedChange, new InferenceOptions { TileSize = tile, IntraOpThreads = 1 });
        return ClassRasterRun.Band(model, Sample, dir.File("class.tif"), survey, band);
    }
}
