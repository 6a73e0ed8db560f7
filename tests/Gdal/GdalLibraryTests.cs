using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>Tests that change GDAL's process-wide configuration run alone, never beside other tests.</summary>
[CollectionDefinition("GdalConfig", DisableParallelization = true)]
public sealed class GdalConfigCollection;

/// <summary>Initialisation, version and warnings: process-wide GDAL state that is only read.</summary>
public class GdalLibraryTests
{
    [Fact]
    public void EnsureInitialized_IsHarmlessTwiceAndFromManyThreads()
    {
        GdalLibrary.EnsureInitialized();
        GdalLibrary.EnsureInitialized();
        Parallel.For(0, 16, _ => GdalLibrary.EnsureInitialized());
        using var ds = RasterDataset.CreateInMemory(2, 2, 1, RasterDataType.Byte);
        Assert.Equal("MEM", ds.DriverName);
    }

    [Fact]
    public void Version_IsGdal3()
    {
        Assert.StartsWith("3.", GdalLibrary.Version, StringComparison.Ordinal);
        Assert.Matches(@"^3\.\d+\.\d+", GdalLibrary.Version);
    }

    [Fact]
    public void Warnings_DoNotThrow_AndAreKeptUntilTaken()
    {
        using var dir = new TempDir();
        var source = dir.File("src.tif");
        using (var ds = RasterDataset.CreateGeoTiff(source, 300, 200, 1, RasterDataType.Byte))
            ds.Write<byte>(1, ds.Extent, new byte[300 * 200]);
        GdalLibrary.TakeWarnings();

        // The COG driver warns that a 64-pixel BLOCKSIZE should be >= 128, and writes the file anyway.
        var cog = dir.File("cog.tif");
        using (var ds = RasterDataset.Open(source)) ds.CopyToCog(cog, new GeoTiffOptions { BlockSize = 64 });
        Assert.True(File.Exists(cog));
        var warnings = GdalLibrary.TakeWarnings();
        Assert.Contains(warnings, w => w.Contains("BLOCKSIZE", StringComparison.Ordinal));
        Assert.Empty(GdalLibrary.TakeWarnings());
    }

    [RealDataFact]
    public void RealFileThatWarnsOnOpen_OpensAndReads()
    {
        // libtiff warns about the Landsat Pucallpa files' ExtraSamples ("Sum of Photometric type-related
        // color channels and ExtraSamples doesn't match SamplesPerPixel").
        GdalLibrary.TakeWarnings();
        using var ds = RasterDataset.Open(TestPaths.Real("landsat-pucallpa", "2020.tif"));
        Assert.Contains(GdalLibrary.TakeWarnings(), w => w.Contains("ExtraSamples", StringComparison.Ordinal));
        var pixel = new byte[4];
        ds.ReadBands<byte>(new PixelWindow(10, 15, 1, 1), pixel);
        Assert.Equal(new byte[] { 138, 198, 30, 33 }, pixel); // from osgeo.gdal
    }
}

/// <summary>Config options and the block cache: process-wide, so in the non-parallel collection.</summary>
[Collection("GdalConfig")]
public class GdalConfigTests
{
    [Fact]
    public void ConfigOption_SetGetAndClear()
    {
        const string key = "WEIPIAN_TEST_OPTION";
        Assert.Null(GdalLibrary.GetConfigOption(key));
        try
        {
            GdalLibrary.SetConfigOption(key, "是");
            Assert.Equal("是", GdalLibrary.GetConfigOption(key));
        }
        finally
        {
            GdalLibrary.SetConfigOption(key, null);
        }
        Assert.Null(GdalLibrary.GetConfigOption(key));
    }

    [Fact]
    public void ShapeEncodingConfigOption_DecodesAGbkShapefileWithoutItsCpg()
    {
        using var dir = new TempDir();
        var shp = dir.File("dltb.shp");
        using (var ds = VectorDataset.Create(shp, "ESRI Shapefile"))
            ds.CreateLayer("dltb", GeometryKind.Polygon, null, [new FieldDefinition("DLMC", FieldKind.String, 20)], ["ENCODING=GBK"])
                .Add(Wkb.Rectangle(0, 0, 1, 1), ["坑塘水面"]);
        File.Delete(dir.File("dltb.cpg"));

        using (var raw = VectorDataset.Open(shp))
            Assert.NotEqual("坑塘水面", raw.Layer(0).Features().Single()["DLMC"]);
        try
        {
            GdalLibrary.SetConfigOption("SHAPE_ENCODING", "GBK");
            using var decoded = VectorDataset.Open(shp);
            Assert.Equal("坑塘水面", decoded.Layer(0).Features().Single()["DLMC"]);
        }
        finally
        {
            GdalLibrary.SetConfigOption("SHAPE_ENCODING", null);
        }
    }

    [Fact]
    public void CacheBytes_DefaultsToTheBoundedCache_AndCanBeChanged()
    {
        var before = GdalLibrary.CacheBytes;
        if (Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is null)
            Assert.Equal(GdalLibrary.DefaultCacheBytes, before);
        try
        {
            GdalLibrary.CacheBytes = 64L << 20;
            Assert.Equal(64L << 20, GdalLibrary.CacheBytes);
        }
        finally
        {
            GdalLibrary.CacheBytes = before;
        }
        Assert.Equal(before, GdalLibrary.CacheBytes);
    }
}
