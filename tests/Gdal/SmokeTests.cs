using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

public class SmokeTests
{
    [RealDataFact]
    public void OpensLandsatByte()
    {
        using var ds = RasterDataset.Open(TestPaths.Real("rasterio-tests", "RGB.byte.tif"));
        Assert.Equal(791, ds.Width);
        Assert.Equal(718, ds.Height);
        Assert.Equal(3, ds.BandCount);
        Assert.Equal(RasterDataType.Byte, ds.DataType(1));
        Assert.Equal(32618, ds.SpatialReference!.Epsg);
        Assert.Equal(0, ds.NoData(1));
    }
}
