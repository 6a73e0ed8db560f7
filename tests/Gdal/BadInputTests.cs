using System.Text;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Missing, truncated, empty and mislabelled files: each is a specific exception whose message
/// names the file, and the process carries on.
/// </summary>
public class BadInputTests
{
    [Fact]
    public void MissingRaster_IsFileNotFound_NamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("nope.tif");
        var e = Assert.Throws<FileNotFoundException>(() => RasterDataset.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FileName);
        Assert.Throws<FileNotFoundException>(() => Scene.Open(path));
    }

    [Fact]
    public void MissingVectorSource_IsFileNotFound_NamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("nope.gpkg");
        var e = Assert.Throws<FileNotFoundException>(() => VectorDataset.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyPath_IsAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => RasterDataset.Open(""));
        Assert.Throws<ArgumentException>(() => VectorDataset.Open(""));
    }

    /// <summary>
    /// GDAL writes a tiled GeoTIFF's directory before its tiles (with Create and with CreateCopy),
    /// so cut to 60% it still opens (size, bands, type are in the header) but the lost tiles cannot be read.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedGeoTiff_Opens_ButReadingTheMissingTilesThrows_NamingTheFile(bool writtenByCreateCopy)
    {
        using var dir = new TempDir();
        var whole = WriteNoiseGeoTiff(dir);
        if (writtenByCreateCopy)
        {
            var copy = dir.File("copy.tif");
            using (var source = RasterDataset.Open(whole)) source.CopyToGeoTiff(copy, new GeoTiffOptions { BlockSize = 64 });
            whole = copy;
        }
        var truncated = dir.File("truncated.tif");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(truncated, bytes[..(int)(bytes.Length * 0.6)]);

        using var ds = RasterDataset.Open(truncated);
        Assert.Equal((256, 256, 1), (ds.Width, ds.Height, ds.BandCount));
        // The first tile is within the bytes kept.
        var tile = new ushort[64 * 64];
        ds.Read<ushort>(1, new PixelWindow(0, 0, 64, 64), tile);
        // The last one is not.
        var e = Assert.Throws<GdalException>(() => ds.Read<ushort>(1, new PixelWindow(192, 192, 64, 64), tile));
        Assert.Contains(truncated, e.Message, StringComparison.Ordinal);
        Assert.Equal(truncated, e.Path);
        Assert.False(string.IsNullOrWhiteSpace(e.GdalMessage));
        // And again: the dataset stays usable after the failure.
        Assert.Throws<GdalException>(() => ds.ReadBands<ushort>(ds.Extent, new ushort[256 * 256]));
        ds.Read<ushort>(1, new PixelWindow(0, 0, 64, 64), tile);
    }

    [Fact]
    public void TruncatedGeoTiff_CutInsideItsDirectory_FailsToOpen_NamingTheFile()
    {
        using var dir = new TempDir();
        var whole = WriteNoiseGeoTiff(dir);
        var truncated = dir.File("truncated.tif");
        File.WriteAllBytes(truncated, File.ReadAllBytes(whole)[..24]);
        var e = Assert.Throws<GdalException>(() => RasterDataset.Open(truncated));
        Assert.Contains(truncated, e.Message, StringComparison.Ordinal);
        Assert.Equal("open raster", e.Operation);
    }

    [Fact]
    public void TextFileNamedTif_IsRefused_NamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.tif");
        File.WriteAllText(path, "这不是影像 / this is not an image\n");
        var e = Assert.Throws<GdalException>(() => RasterDataset.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not recognized", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.tif")]
    [InlineData("empty.vrt")]
    public void ZeroByteRaster_IsRefused_NamingTheFile(string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<GdalException>(() => RasterDataset.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.gpkg")]
    [InlineData("empty.shp")]
    [InlineData("empty.geojson")]
    public void ZeroByteVectorFile_IsRefused_NamingTheFile(string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<GdalException>(() => VectorDataset.Open(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GeoJsonWithNoFeatures_OpensWithOneEmptyLayer()
    {
        using var dir = new TempDir();
        var path = dir.File("none.geojson");
        File.WriteAllText(path, """{"type": "FeatureCollection", "features": []}""", Encoding.UTF8);
        using var ds = VectorDataset.Open(path);
        Assert.Equal("GeoJSON", ds.DriverName);
        var layer = Assert.Single(ds.Layers);
        Assert.Equal(0, layer.FeatureCount);
        Assert.Empty(layer.Features());
    }

    [Fact]
    public void RasterOpenedAsVector_AndVectorOpenedAsRaster_AreRefused_NamingTheFile()
    {
        using var dir = new TempDir();
        var tif = WriteNoiseGeoTiff(dir);
        var e = Assert.Throws<GdalException>(() => VectorDataset.Open(tif));
        Assert.Contains(tif, e.Message, StringComparison.Ordinal);

        var gpkg = dir.File("v.gpkg");
        using (var ds = VectorDataset.Create(gpkg, "GPKG"))
            ds.CreateLayer("t", GeometryKind.Polygon, null, []).Add(Wkb.Rectangle(0, 0, 1, 1), []);
        e = Assert.Throws<GdalException>(() => RasterDataset.Open(gpkg));
        Assert.Contains(gpkg, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptShapefile_IsRefused_NamingTheFile()
    {
        using var dir = new TempDir();
        var shp = dir.File("junk.shp");
        File.WriteAllBytes(shp, Enumerable.Range(0, 400).Select(i => (byte)(i * 37)).ToArray());
        var e = Assert.Throws<GdalException>(() => VectorDataset.Open(shp));
        Assert.Contains(shp, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateInAMissingFolder_IsRefused_NamingThePath()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "no", "such", "folder", "out.tif");
        var e = Assert.Throws<GdalException>(() => RasterDataset.CreateGeoTiff(path, 4, 4, 1, RasterDataType.Byte));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        var gpkg = Path.Combine(dir.Path, "no", "out.gpkg");
        e = Assert.Throws<GdalException>(() => VectorDataset.Create(gpkg, "GPKG"));
        Assert.Contains(gpkg, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownDriver_IsRefused_NamingIt()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<GdalException>(() => VectorDataset.Create(dir.File("x.foo"), "NoSuchDriver"));
        Assert.Contains("NoSuchDriver", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadRasterSizes_AreRefused()
    {
        using var dir = new TempDir();
        Assert.Throws<ArgumentOutOfRangeException>(() => RasterDataset.CreateGeoTiff(dir.File("a.tif"), 0, 4, 1, RasterDataType.Byte));
        Assert.Throws<ArgumentOutOfRangeException>(() => RasterDataset.CreateGeoTiff(dir.File("a.tif"), 4, 4, 0, RasterDataType.Byte));
        Assert.Throws<ArgumentOutOfRangeException>(() => RasterDataset.CreateInMemory(4, -1, 1, RasterDataType.Byte));
    }

    [Fact]
    public void TileSizeNotAMultipleOf16_IsRefused_NamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("t.tif");
        var e = Assert.Throws<GdalException>(() =>
            RasterDataset.CreateGeoTiff(path, 64, 64, 1, RasterDataType.Byte, new GeoTiffOptions { BlockSize = 100 }));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static string WriteNoiseGeoTiff(TempDir dir)
    {
        var path = dir.File("noise.tif");
        using var ds = RasterDataset.CreateGeoTiff(path, 256, 256, 1, RasterDataType.UInt16, new GeoTiffOptions { BlockSize = 64 });
        ds.GeoTransform = GeoTransform.NorthUp(500_000, 3_300_000, 1);
        // Random pixels do not compress: every tile is about the same size, so 60% of the file
        // holds roughly the first 60% of the tiles.
        ds.Write<ushort>(1, ds.Extent, RasterFixtures.RandomPixels<ushort>(256 * 256, seed: 99));
        return path;
    }
}
