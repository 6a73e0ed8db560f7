using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using static WeiPian.Engine.Tests.Gdal.RasterFixtures;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Pixels written with <see cref="RasterDataset.CreateGeoTiff"/> + Write, closed, reopened and read
/// back compare bit for bit, for every pixel type and the extremes of each.
/// </summary>
public class RasterRoundTripTests
{
    // 37 x 23 with 16-pixel tiles: the last tile column and row are partial.
    private const int W = 37, H = 23;
    private static readonly GeoTiffOptions SmallTiles = new() { BlockSize = 16 };

    [Fact]
    public void Byte_RoundTripsExactly() =>
        AssertRoundTrip(RasterDataType.Byte, new byte[] { 0, byte.MaxValue, 1, 254, 128 });

    [Fact]
    public void UInt16_RoundTripsExactly() =>
        AssertRoundTrip(RasterDataType.UInt16, new ushort[] { 0, ushort.MaxValue, 1, 1023, 32768 });

    [Fact]
    public void Int16_RoundTripsExactly() =>
        AssertRoundTrip(RasterDataType.Int16, new short[] { short.MinValue, short.MaxValue, 0, -1, 1 });

    [Fact]
    public void UInt32_RoundTripsExactly() =>
        AssertRoundTrip(RasterDataType.UInt32, new uint[] { 0, uint.MaxValue, 1, 2_147_483_648u, 16_777_217u });

    [Fact]
    public void Int32_RoundTripsExactly() =>
        AssertRoundTrip(RasterDataType.Int32, new[] { int.MinValue, int.MaxValue, 0, -1, 16_777_217 });

    [Fact]
    public void Float32_RoundTripsExactly_IncludingNaNInfinityDenormalAndNegativeZero() =>
        AssertRoundTrip(RasterDataType.Float32, new[]
        {
            float.MinValue, float.MaxValue, float.Epsilon, -0f, float.PositiveInfinity, float.NegativeInfinity,
            float.NaN, 1.17549435e-38f, -1e-45f, 0.1f,
        });

    [Fact]
    public void Float64_RoundTripsExactly_IncludingNaNInfinityDenormalAndNegativeZero() =>
        AssertRoundTrip(RasterDataType.Float64, new[]
        {
            double.MinValue, double.MaxValue, double.Epsilon, -0d, double.PositiveInfinity, double.NegativeInfinity,
            double.NaN, 2.2250738585072014e-308, 0.1, Math.PI,
        });

    [Theory]
    [InlineData(TiffCompression.None, null)]
    [InlineData(TiffCompression.Deflate, "DEFLATE")]
    [InlineData(TiffCompression.Zstd, "ZSTD")]
    [InlineData(TiffCompression.Lzw, "LZW")]
    public void Compression_IsWhatWasAskedFor_AndLossless(TiffCompression compression, string? expected)
    {
        using var dir = new TempDir();
        var path = dir.File("c.tif");
        var options = new GeoTiffOptions { Compression = compression, BlockSize = 32 };
        var u16 = RandomPixels<ushort>(W * H * 2, seed: 7);
        var f32 = RandomPixels<float>(W * H, seed: 8);
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 2, RasterDataType.UInt16, options))
            ds.WriteBands<ushort>(ds.Extent, u16);
        var floatPath = dir.File("f.tif");
        using (var ds = RasterDataset.CreateGeoTiff(floatPath, W, H, 1, RasterDataType.Float32, options))
            ds.Write<float>(1, ds.Extent, f32);

        using (var ds = RasterDataset.Open(path))
        {
            Assert.Equal(expected, ds.MetadataItem("COMPRESSION", "IMAGE_STRUCTURE"));
            Assert.Equal((32, 32), ds.BlockSize(1));
            var back = new ushort[u16.Length];
            ds.ReadBands<ushort>(ds.Extent, back);
            Assert.Equal(u16, back);
        }
        using (var ds = RasterDataset.Open(floatPath))
        {
            Assert.Equal(expected, ds.MetadataItem("COMPRESSION", "IMAGE_STRUCTURE"));
            var back = new float[f32.Length];
            ds.Read<float>(1, ds.Extent, back);
            Assert.Equal(Bits(f32), Bits(back));
        }
    }

    [Fact]
    public void Predictor_IsWrittenForIntegerAndFloatData()
    {
        using var dir = new TempDir();
        using (var ds = RasterDataset.CreateGeoTiff(dir.File("i.tif"), W, H, 1, RasterDataType.Int16)) ds.Write<short>(1, ds.Extent, new short[W * H]);
        using (var ds = RasterDataset.CreateGeoTiff(dir.File("f.tif"), W, H, 1, RasterDataType.Float64)) ds.Write<double>(1, ds.Extent, new double[W * H]);
        using (var ds = RasterDataset.Open(dir.File("i.tif"))) Assert.Equal("2", ds.MetadataItem("PREDICTOR", "IMAGE_STRUCTURE"));
        using (var ds = RasterDataset.Open(dir.File("f.tif"))) Assert.Equal("3", ds.MetadataItem("PREDICTOR", "IMAGE_STRUCTURE"));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(256)]
    public void TiledLayout_HasTheRequestedBlockSize(int block)
    {
        using var dir = new TempDir();
        var path = dir.File("t.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, RasterDataType.Byte, new GeoTiffOptions { BlockSize = block }))
            ds.Write<byte>(1, ds.Extent, new byte[W * H]);
        using var reopened = RasterDataset.Open(path);
        Assert.Equal((block, block), reopened.BlockSize(1));
    }

    [Fact]
    public void StripLayout_HasFullWidthBlocks()
    {
        using var dir = new TempDir();
        var path = dir.File("s.tif");
        var pixels = RandomPixels<byte>(W * H, seed: 3);
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, RasterDataType.Byte, new GeoTiffOptions { Tiled = false }))
            ds.Write<byte>(1, ds.Extent, pixels);
        using var reopened = RasterDataset.Open(path);
        Assert.Equal(W, reopened.BlockSize(1).Width);
        var back = new byte[W * H];
        reopened.Read<byte>(1, reopened.Extent, back);
        Assert.Equal(pixels, back);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteBands_IsBandSequential(bool pixelInterleaved)
    {
        using var dir = new TempDir();
        var path = dir.File("m.tif");
        const int bands = 3;
        var all = new int[W * H * bands];
        for (var b = 1; b <= bands; b++) Coded(b, PixelWindow.Full(W, H)).CopyTo(all, (b - 1) * W * H);
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, bands, RasterDataType.Int32,
                   SmallTiles with { PixelInterleaved = pixelInterleaved }))
            ds.WriteBands<int>(ds.Extent, all);

        using var reopened = RasterDataset.Open(path);
        Assert.Equal(pixelInterleaved ? "PIXEL" : "BAND", reopened.MetadataItem("INTERLEAVE", "IMAGE_STRUCTURE"));
        // Each band read alone is its slice of the band-sequential buffer.
        for (var b = 1; b <= bands; b++)
        {
            var one = new int[W * H];
            reopened.Read<int>(b, reopened.Extent, one);
            Assert.Equal(Coded(b, reopened.Extent), one);
        }
        var back = new int[all.Length];
        reopened.ReadBands<int>(reopened.Extent, back);
        Assert.Equal(all, back);

        // A band list picks bands in the order given.
        var window = new PixelWindow(5, 3, 7, 4);
        var picked = new int[window.PixelCount * 2];
        reopened.ReadBands<int>(window, picked, [3, 1]);
        Assert.Equal(Coded(3, window).Concat(Coded(1, window)), picked);
    }

    [Fact]
    public void WriteBands_WithABandList_WritesOnlyThoseBands()
    {
        using var dir = new TempDir();
        var path = dir.File("m.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 3, RasterDataType.Int16, SmallTiles))
        {
            var buffer = new short[W * H * 2];
            Array.Fill(buffer, (short)-7, 0, W * H);
            Array.Fill(buffer, (short)9, W * H, W * H);
            ds.WriteBands<short>(ds.Extent, buffer, [3, 1]);
        }
        using var reopened = RasterDataset.Open(path);
        var band = new short[W * H];
        reopened.Read<short>(1, reopened.Extent, band);
        Assert.All(band, v => Assert.Equal(9, v));
        reopened.Read<short>(2, reopened.Extent, band);
        Assert.All(band, v => Assert.Equal(0, v));
        reopened.Read<short>(3, reopened.Extent, band);
        Assert.All(band, v => Assert.Equal(-7, v));
    }

    [Fact]
    public void UInt16_ReadsAsFloat_ThroughGdalTypeConversion()
    {
        using var dir = new TempDir();
        var path = dir.File("u16.tif");
        var pixels = RandomPixels<ushort>(W * H, seed: 11);
        pixels[0] = ushort.MaxValue;
        pixels[1] = 0;
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, RasterDataType.UInt16, SmallTiles))
            ds.Write<ushort>(1, ds.Extent, pixels);

        using var reopened = RasterDataset.Open(path);
        Assert.Equal(RasterDataType.UInt16, reopened.DataType(1));
        var asFloat = new float[W * H];
        reopened.Read<float>(1, reopened.Extent, asFloat);
        Assert.Equal(pixels.Select(p => (float)p), asFloat);
        var asDouble = new double[W * H * 1];
        reopened.ReadBands<double>(reopened.Extent, asDouble);
        Assert.Equal(pixels.Select(p => (double)p), asDouble);
    }

    [Fact]
    public void Float_WrittenToAnIntegerFile_IsRoundedAndClampedByGdal()
    {
        using var dir = new TempDir();
        var path = dir.File("b.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, 4, 1, 1, RasterDataType.Byte))
            ds.Write<float>(1, ds.Extent, [-5f, 1.4f, 1.6f, 300f]);
        using var reopened = RasterDataset.Open(path);
        var back = new byte[4];
        reopened.Read<byte>(1, reopened.Extent, back);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, back);
    }

    [Theory]
    [InlineData(4546)]
    [InlineData(4326)]
    public void GeoTransformAndCrs_SurviveCloseAndReopen(int epsg)
    {
        using var dir = new TempDir();
        var path = dir.File("g.tif");
        var transform = epsg == 4326 ? GeoTransform.NorthUp(113.95, 29.85, 0.000_008_983) : Cgcs2000Transform;
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, RasterDataType.Byte))
        {
            ds.GeoTransform = transform;
            ds.SpatialReference = SpatialReference.FromEpsg(epsg);
            ds.Write<byte>(1, ds.Extent, new byte[W * H]);
        }
        using var reopened = RasterDataset.Open(path);
        Assert.True(reopened.HasGeoTransform);
        Assert.Equal(transform, reopened.GeoTransform);
        var crs = reopened.SpatialReference;
        Assert.NotNull(crs);
        Assert.Equal(epsg, crs.Epsg);
        Assert.Equal(epsg == 4326, crs.IsGeographic);
        Assert.Equal(epsg != 4326, crs.IsProjected);
        Assert.True(crs.IsSame(SpatialReference.FromEpsg(epsg)));
    }

    [Fact]
    public void ANewFile_HasNoGeoTransformNoCrsAndNoNoData()
    {
        using var dir = new TempDir();
        var path = dir.File("plain.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 2, RasterDataType.Byte)) ds.WriteBands<byte>(ds.Extent, new byte[W * H * 2]);
        using var reopened = RasterDataset.Open(path);
        Assert.False(reopened.HasGeoTransform);
        Assert.Equal(GeoTransform.Identity, reopened.GeoTransform);
        Assert.Null(reopened.SpatialReference);
        Assert.Equal("", reopened.ProjectionWkt);
        Assert.Null(reopened.NoData(1));
        Assert.Null(reopened.NoData(2));
    }

    [Theory]
    [InlineData(RasterDataType.Byte, 0d)]
    [InlineData(RasterDataType.Byte, 255d)]
    [InlineData(RasterDataType.UInt16, 65535d)]
    [InlineData(RasterDataType.Int16, -32768d)]
    [InlineData(RasterDataType.UInt32, 4294967295d)]
    [InlineData(RasterDataType.Int32, -2147483648d)]
    [InlineData(RasterDataType.Float32, -3.4028234663852886e38)]
    [InlineData(RasterDataType.Float64, -9999.5d)]
    public void NoData_OnEveryBand_SurvivesCloseAndReopen(RasterDataType type, double noData)
    {
        using var dir = new TempDir();
        var path = dir.File("nd.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 3, type))
        {
            for (var b = 1; b <= 3; b++) ds.SetNoData(b, noData);
            ds.WriteBands<double>(ds.Extent, new double[W * H * 3]);
        }
        using var reopened = RasterDataset.Open(path);
        for (var b = 1; b <= 3; b++) Assert.Equal(noData, reopened.NoData(b));
    }

    [Fact]
    public void NoData_NaN_SurvivesCloseAndReopen()
    {
        using var dir = new TempDir();
        var path = dir.File("nan.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, RasterDataType.Float32))
        {
            ds.SetNoData(1, double.NaN);
            ds.Write<float>(1, ds.Extent, new float[W * H]);
        }
        using var reopened = RasterDataset.Open(path);
        var noData = reopened.NoData(1);
        Assert.NotNull(noData);
        Assert.True(double.IsNaN(noData.Value));
    }

    /// <summary>
    /// GeoTIFF has one nodata tag (TIFFTAG_GDAL_NODATA) for the whole file: GDAL 3.6 accepts a
    /// different value per band while the file is open, warns, and on reopening every band has the
    /// value set last. A nodata set on one band is at once the nodata of every band not given its own.
    /// </summary>
    [Fact]
    public void NoData_PerBandValues_CollapseToOneValueInGeoTiff_WithAWarning()
    {
        using var dir = new TempDir();
        var path = dir.File("perband.tif");
        GdalLibrary.TakeWarnings();
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 3, RasterDataType.UInt16))
        {
            ds.SetNoData(1, 0);
            ds.SetNoData(2, 65535);
            Assert.Equal(0, ds.NoData(1)); // still per band while open...
            Assert.Equal(65535, ds.NoData(2));
            Assert.Equal(65535, ds.NoData(3)); // ...but a band never given one already has the file's value
            ds.WriteBands<ushort>(ds.Extent, new ushort[W * H * 3]);
        }
        Assert.Contains(GdalLibrary.TakeWarnings(), w => w.Contains("TIFFTAG_GDAL_NODATA", StringComparison.Ordinal));
        using var reopened = RasterDataset.Open(path);
        Assert.Equal(65535, reopened.NoData(1));
        Assert.Equal(65535, reopened.NoData(2));
        Assert.Equal(65535, reopened.NoData(3));
    }

    [Fact]
    public void BandDescriptionsAndColourInterpretation_SurviveCloseAndReopen()
    {
        using var dir = new TempDir();
        var path = dir.File("bgrn.tif");
        string[] names = ["B", "G", "R", "NIR"];
        ColorInterpretation[] colours = [ColorInterpretation.Blue, ColorInterpretation.Green, ColorInterpretation.Red, ColorInterpretation.Undefined];
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 4, RasterDataType.UInt16))
        {
            for (var b = 1; b <= 4; b++)
            {
                ds.SetBandDescription(b, names[b - 1]);
                ds.SetColorInterpretation(b, colours[b - 1]);
            }
            ds.WriteBands<ushort>(ds.Extent, new ushort[W * H * 4]);
        }
        using var reopened = RasterDataset.Open(path);
        Assert.Equal(names, Enumerable.Range(1, 4).Select(reopened.BandDescription));
        Assert.Equal(colours, Enumerable.Range(1, 4).Select(reopened.ColorInterpretation));
    }

    [Fact]
    public void RgbaColourInterpretation_SurvivesCloseAndReopen()
    {
        using var dir = new TempDir();
        var path = dir.File("rgba.tif");
        ColorInterpretation[] colours = [ColorInterpretation.Red, ColorInterpretation.Green, ColorInterpretation.Blue, ColorInterpretation.Alpha];
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 4, RasterDataType.Byte))
        {
            for (var b = 1; b <= 4; b++) ds.SetColorInterpretation(b, colours[b - 1]);
            ds.WriteBands<byte>(ds.Extent, new byte[W * H * 4]);
        }
        using var reopened = RasterDataset.Open(path);
        Assert.Equal(colours, Enumerable.Range(1, 4).Select(reopened.ColorInterpretation));
    }

    [Fact]
    public void CopyToCog_WritesACogWithOverviewsAndTheSamePixels()
    {
        using var dir = new TempDir();
        var source = dir.File("src.tif");
        const int width = 300, height = 200;
        var pixels = RandomPixels<ushort>(width * height * 2, seed: 21);
        using (var ds = RasterDataset.CreateGeoTiff(source, width, height, 2, RasterDataType.UInt16))
        {
            ds.GeoTransform = Cgcs2000Transform;
            ds.SpatialReference = SpatialReference.FromEpsg(4546);
            ds.SetNoData(1, 0);
            ds.SetNoData(2, 0);
            ds.WriteBands<ushort>(ds.Extent, pixels);
        }
        var cog = dir.File("cog.tif");
        using (var ds = RasterDataset.Open(source))
            ds.CopyToCog(cog, new GeoTiffOptions { BlockSize = 128, Compression = TiffCompression.Zstd });

        using var reopened = RasterDataset.Open(cog);
        Assert.Equal("GTiff", reopened.DriverName);
        Assert.Equal("COG", reopened.MetadataItem("LAYOUT", "IMAGE_STRUCTURE"));
        Assert.Equal("ZSTD", reopened.MetadataItem("COMPRESSION", "IMAGE_STRUCTURE"));
        Assert.Equal((128, 128), reopened.BlockSize(1));
        Assert.True(reopened.OverviewCount(1) >= 1, $"expected overviews, got {reopened.OverviewCount(1)}");
        Assert.Equal(reopened.OverviewCount(1), reopened.OverviewCount(2));
        Assert.Equal((width, height, 2), (reopened.Width, reopened.Height, reopened.BandCount));
        Assert.Equal(Cgcs2000Transform, reopened.GeoTransform);
        Assert.Equal(4546, reopened.SpatialReference?.Epsg);
        Assert.Equal(0, reopened.NoData(2));
        var back = new ushort[pixels.Length];
        reopened.ReadBands<ushort>(reopened.Extent, back);
        Assert.Equal(pixels, back);
    }

    [Theory]
    [InlineData(TiffCompression.Deflate)]
    [InlineData(TiffCompression.Zstd)]
    public void CopyToCog_HonoursTheCompressionLevel(TiffCompression compression)
    {
        // The COG driver reads LEVEL, not the GTiff driver's ZLEVEL / ZSTD_LEVEL: a level it ignored would give equal files.
        using var dir = new TempDir();
        var source = dir.File("src.tif");
        const int size = 512;
        var pixels = new byte[size * size];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)((i / size / 8 * 7 + i % size / 8 * 3 + (i * 2654435761L >> 29) % 3) % 11);
        using (var ds = RasterDataset.CreateGeoTiff(source, size, size, 1, RasterDataType.Byte)) ds.Write<byte>(1, ds.Extent, pixels);
        long Size(int level)
        {
            var cog = dir.File($"cog-{level}.tif");
            using (var ds = RasterDataset.Open(source)) ds.CopyToCog(cog, new GeoTiffOptions { Compression = compression, Level = level });
            return new FileInfo(cog).Length;
        }
        Assert.True(Size(1) > Size(9), $"{compression}: level 1 {Size(1)} bytes, level 9 {Size(9)} bytes");
    }

    [Fact]
    public void BuildOverviews_AddsTheRequestedLevels()
    {
        using var dir = new TempDir();
        var path = dir.File("ov.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, 64, 64, 1, RasterDataType.Byte))
        {
            ds.Write<byte>(1, ds.Extent, RandomPixels<byte>(64 * 64, seed: 5));
            ds.BuildOverviews("AVERAGE", [2, 4]);
        }
        using var reopened = RasterDataset.Open(path);
        Assert.Equal(2, reopened.OverviewCount(1));
    }

    [Fact]
    public void Metadata_RoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("md.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, 4, 4, 1, RasterDataType.Byte))
        {
            ds.SetMetadataItem("ACQUISITION_DATE", "2024-05-01");
            ds.SetMetadataItem("SENSOR", "GF2 PMS1", "WEIPIAN");
            ds.Write<byte>(1, ds.Extent, new byte[16]);
        }
        using var reopened = RasterDataset.Open(path);
        Assert.Equal("2024-05-01", reopened.MetadataItem("ACQUISITION_DATE"));
        Assert.Equal("GF2 PMS1", reopened.MetadataItem("SENSOR", "WEIPIAN"));
        Assert.Null(reopened.MetadataItem("NOT_THERE"));
    }

    [Fact]
    public void InMemoryRaster_ReadsBackWhatWasWritten()
    {
        using var ds = RasterDataset.CreateInMemory(5, 3, 2, RasterDataType.Float32);
        Assert.Equal("MEM", ds.DriverName);
        var pixels = Enumerable.Range(0, 30).Select(i => i * 0.5f).ToArray();
        ds.WriteBands<float>(ds.Extent, pixels);
        var back = new float[30];
        ds.ReadBands<float>(ds.Extent, back);
        Assert.Equal(pixels, back);
    }

    [Fact]
    public void Delete_RemovesTheFileAndItsSideFiles()
    {
        using var dir = new TempDir();
        var path = dir.File("del.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, 8, 8, 1, RasterDataType.Byte)) ds.Write<byte>(1, ds.Extent, new byte[64]);
        using (var ds = RasterDataset.Open(path)) ds.BuildOverviews("NEAREST", [2]); // read-only: external .ovr
        Assert.True(File.Exists(path + ".ovr"));
        RasterDataset.Delete(path);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".ovr"));
    }

    [Fact]
    public void ChinesePathNames_Work()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("影像"));
        var path = Path.Combine(dir.File("影像"), "2024年_前时相.tif");
        var pixels = RandomPixels<ushort>(W * H, seed: 2024);
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, RasterDataType.UInt16)) ds.Write<ushort>(1, ds.Extent, pixels);
        Assert.True(File.Exists(path));
        using var reopened = RasterDataset.Open(path);
        Assert.Equal(path, reopened.Path);
        Assert.Contains(path, reopened.FileList);
        var back = new ushort[W * H];
        reopened.Read<ushort>(1, reopened.Extent, back);
        Assert.Equal(pixels, back);
    }

    private static void AssertRoundTrip<T>(RasterDataType type, T[] extremes) where T : unmanaged
    {
        Assert.Equal(type, RasterDataTypes.Of<T>());
        var pixels = RandomPixels<T>(W * H, seed: (int)type);
        // The extremes go in the four corners and along the first row, where partial tiles are not.
        extremes.CopyTo(pixels, 0);
        pixels[W - 1] = extremes[1];
        pixels[(H - 1) * W] = extremes[0];
        pixels[W * H - 1] = extremes[1];

        using var dir = new TempDir();
        var path = dir.File($"{type}.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, W, H, 1, type, SmallTiles))
        {
            Assert.Equal(type, ds.DataType(1));
            ds.Write<T>(1, ds.Extent, pixels);
        }

        using var reopened = RasterDataset.Open(path);
        Assert.Equal((W, H, 1), (reopened.Width, reopened.Height, reopened.BandCount));
        Assert.Equal(type, reopened.DataType(1));
        Assert.False(reopened.IsWritable);
        var back = new T[W * H];
        reopened.Read<T>(1, reopened.Extent, back);
        Assert.Equal(Bits(pixels), Bits(back));
        Assert.Equal(Bits(extremes), Bits(back[..extremes.Length]));
    }
}
