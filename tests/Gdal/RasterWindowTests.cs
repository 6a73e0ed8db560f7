using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using static WeiPian.Engine.Tests.Gdal.RasterFixtures;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>
/// Windowed reads and writes at every edge and corner of a tiled GeoTIFF whose pixels encode their
/// own band, row and column; windows that leave the raster, and buffers too small, are refused.
/// </summary>
public sealed class RasterWindowTests : IDisposable
{
    // 45 x 29 with 16-pixel tiles: windows at the right and bottom edges touch partial tiles.
    private const int W = 45, H = 29, Bands = 2;
    private readonly TempDir _dir = new();
    private readonly string _path;

    public RasterWindowTests() => _path = WriteCoded(_dir, "coded.tif", W, H, Bands, new GeoTiffOptions { BlockSize = 16 });

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, int, int, int, int> EdgeWindows => new()
    {
        { "top-left", 0, 0, 10, 7 },
        { "top-right", W - 10, 0, 10, 7 },
        { "bottom-left", 0, H - 7, 10, 7 },
        { "bottom-right", W - 10, H - 7, 10, 7 },
        { "1px top-left", 0, 0, 1, 1 },
        { "1px top-right", W - 1, 0, 1, 1 },
        { "1px bottom-left", 0, H - 1, 1, 1 },
        { "1px bottom-right", W - 1, H - 1, 1, 1 },
        { "first full row", 0, 0, W, 1 },
        { "last full row", 0, H - 1, W, 1 },
        { "first full column", 0, 0, 1, H },
        { "last full column", W - 1, 0, 1, H },
        { "across a tile corner", 12, 13, 9, 6 },
        { "whole raster", 0, 0, W, H },
    };

    [Theory]
    [MemberData(nameof(EdgeWindows))]
    public void Read_ReturnsExactlyTheWindowsPixels(string where, int x, int y, int width, int height)
    {
        var window = new PixelWindow(x, y, width, height);
        using var ds = RasterDataset.Open(_path);
        for (var b = 1; b <= Bands; b++)
        {
            var buffer = new int[window.PixelCount];
            ds.Read<int>(b, window, buffer);
            Assert.True(Coded(b, window).SequenceEqual(buffer), $"{where}: band {b} window {window} differs");
        }
        var both = new int[window.PixelCount * Bands];
        ds.ReadBands<int>(window, both);
        Assert.Equal(Coded(1, window).Concat(Coded(2, window)), both);
    }

    [Theory]
    [MemberData(nameof(EdgeWindows))]
    public void Write_ChangesExactlyTheWindowsPixels(string where, int x, int y, int width, int height)
    {
        var window = new PixelWindow(x, y, width, height);
        using (var ds = RasterDataset.Open(_path, update: true))
        {
            Assert.True(ds.IsWritable);
            var fill = new int[window.PixelCount];
            Array.Fill(fill, -1);
            ds.Write<int>(2, window, fill);
        }
        using var reopened = RasterDataset.Open(_path);
        var band1 = new int[W * H];
        var band2 = new int[W * H];
        reopened.Read<int>(1, reopened.Extent, band1);
        reopened.Read<int>(2, reopened.Extent, band2);
        Assert.Equal(Coded(1, reopened.Extent), band1);
        for (var r = 0; r < H; r++)
            for (var c = 0; c < W; c++)
            {
                var inside = c >= x && c < x + width && r >= y && r < y + height;
                var expected = inside ? -1 : Code(2, c, r);
                Assert.True(expected == band2[r * W + c], $"{where}: pixel ({c}, {r}) is {band2[r * W + c]}, expected {expected}");
            }
    }

    public static TheoryData<string, int, int, int, int> BadWindows => new()
    {
        { "past the right edge", W - 5, 0, 6, 1 },
        { "past the bottom edge", 0, H - 5, 1, 6 },
        { "past the bottom-right corner", W - 1, H - 1, 2, 2 },
        { "wholly outside", W, H, 1, 1 },
        { "negative column", -1, 0, 5, 5 },
        { "negative row", 0, -1, 5, 5 },
        { "zero width", 0, 0, 0, 5 },
        { "zero height", 0, 0, 5, 0 },
        { "negative size", 3, 3, -2, 2 },
    };

    [Theory]
    [MemberData(nameof(BadWindows))]
    public void WindowOutsideTheRaster_IsRefused_NamingTheFile(string where, int x, int y, int width, int height)
    {
        var window = new PixelWindow(x, y, width, height);
        var buffer = new int[Math.Max(1, Math.Abs(width * height)) * Bands];
        using var ds = RasterDataset.Open(_path, update: true);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.Read<int>(1, window, buffer));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.Write<int>(1, window, buffer));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.ReadBands<int>(window, buffer));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.WriteBands<int>(window, buffer));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        _ = where;
    }

    [Fact]
    public void BufferTooSmall_IsRefused_NamingTheFile()
    {
        var window = new PixelWindow(3, 4, 5, 6);
        using var ds = RasterDataset.Open(_path, update: true);
        var e = Assert.Throws<ArgumentException>(() => ds.Read<int>(1, window, new int[29]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ds.Write<int>(1, window, new int[29]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        // Enough for one band, not for two.
        e = Assert.Throws<ArgumentException>(() => ds.ReadBands<int>(window, new int[30]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ds.WriteBands<int>(window, new int[59]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        // A byte buffer of the right byte size is still too few elements of the window type.
        e = Assert.Throws<ArgumentException>(() => ds.Read<byte>(1, window, new byte[29]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LargerBuffer_IsAccepted_AndOnlyItsStartIsWritten()
    {
        var window = new PixelWindow(1, 1, 2, 2);
        using var ds = RasterDataset.Open(_path);
        var buffer = Enumerable.Repeat(-5, 7).ToArray();
        ds.Read<int>(1, window, buffer);
        Assert.Equal(Coded(1, window).Concat([-5, -5, -5]), buffer);
    }

    [Fact]
    public void MissingBand_IsRefused_NamingTheFile()
    {
        using var ds = RasterDataset.Open(_path);
        var buffer = new int[4];
        var window = new PixelWindow(0, 0, 2, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.Read<int>(0, window, buffer));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.Read<int>(Bands + 1, window, buffer));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => ds.ReadBands<int>(window, new int[8], [1, Bands + 1]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.NoData(Bands + 1));
    }

    [Fact]
    public void Write_ToAReadOnlyDataset_IsRefused()
    {
        using var ds = RasterDataset.Open(_path);
        var e = Assert.Throws<InvalidOperationException>(() => ds.Write<int>(1, new PixelWindow(0, 0, 1, 1), new int[1]));
        Assert.Contains(_path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Use_AfterDispose_Throws()
    {
        var ds = RasterDataset.Open(_path);
        ds.Dispose();
        ds.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => ds.Read<int>(1, new PixelWindow(0, 0, 1, 1), new int[1]));
    }
}
