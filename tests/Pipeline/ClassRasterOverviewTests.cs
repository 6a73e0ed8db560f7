using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The class raster's overviews, written strip by strip, are the ones GDAL's COG driver computes with NEAREST: the COG
/// made from the temp with them is byte for byte the COG GDAL makes from the same pixels without them.
/// </summary>
public class ClassRasterOverviewTests
{
    [Theory]
    [InlineData(1024, 1024, 224)]
    [InlineData(1536, 1024, 100)]
    [InlineData(512, 2048, 333)]
    [InlineData(4096, 320, 64)]
    public void StripByStripOverviewsGiveGdalsCog(int width, int height, int stripRows)
    {
        var overviews = ClassRasterOverviews.For(width, height, GeoTiffOptions.Default.BlockSize);
        Assert.NotNull(overviews);
        using var dir = new TempDir();
        var (classes, percent) = Pixels(width, height);
        var options = new GeoTiffOptions { Compression = TiffCompression.Zstd, Level = 1, Predictor = false, PixelInterleaved = false };
        using (var temp = RasterDataset.CreateGeoTiff(dir.File("temp.tif"), width, height, 2, RasterDataType.Byte, options))
        {
            Assert.True(overviews.Create(temp));
            for (var y = 0; y < height; y += stripRows)
            {
                var strip = new PixelWindow(0, y, width, Math.Min(stripRows, height - y));
                var range = (y * width)..((y + strip.Height) * width);
                temp.Write<byte>(1, strip, classes.AsSpan(range));
                temp.Write<byte>(2, strip, percent.AsSpan(range));
                overviews.Write(temp, strip, classes.AsSpan(range), percent.AsSpan(range));
            }
        }
        using (var plain = RasterDataset.CreateGeoTiff(dir.File("plain.tif"), width, height, 2, RasterDataType.Byte, options))
        {
            plain.Write<byte>(1, plain.Extent, classes);
            plain.Write<byte>(2, plain.Extent, percent);
        }
        using (var temp = RasterDataset.Open(dir.File("temp.tif"))) temp.CopyToCog(dir.File("ours.tif"), overviewResampling: "NEAREST");
        using (var plain = RasterDataset.Open(dir.File("plain.tif")))
        {
            Assert.Equal(0, plain.OverviewCount(1));
            plain.CopyToCog(dir.File("gdal.tif"), overviewResampling: "NEAREST");
        }
        Assert.Equal(File.ReadAllBytes(dir.File("gdal.tif")), File.ReadAllBytes(dir.File("ours.tif")));
    }

    [Theory]
    [InlineData(1000, 777)]  // 500x388 for the COG driver, 500x389 for the GeoTIFF driver
    [InlineData(257, 256)]   // 128x128 against 129x128
    [InlineData(256, 256)]   // one block: no overviews
    [InlineData(100, 40)]
    public void NoneWhereTheGeoTiffDriverWouldSizeThemOtherwiseOrNoneAreNeeded(int width, int height) =>
        Assert.Null(ClassRasterOverviews.For(width, height, 256));

    // Classes in patches and noise, so the nearest pixel matters at every level.
    private static (byte[] Classes, byte[] Percent) Pixels(int width, int height)
    {
        var classes = new byte[width * height];
        var percent = new byte[width * height];
        var random = new Random(17);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var i = y * width + x;
                classes[i] = (byte)(((x / 37) ^ (y / 23)) % 5 == 0 ? random.Next(1, 5) : (x * 7 + y * 3) % 11 == 0 ? 2 : 0);
                percent[i] = (byte)random.Next(0, 101);
            }
        return (classes, percent);
    }
}
