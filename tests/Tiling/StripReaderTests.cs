using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Gdal;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Tests.Tiling;

/// <summary>
/// A row of tiles is read in chunks so memory does not grow with the scene's width: whatever the chunk size, every
/// tile's model input and the nodata mask must be what a read of the whole row gives, reflected edges included.
/// </summary>
public class StripReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ChunkedReadsEqualWholeRowReads(int chunkTiles)
    {
        using var dir = new TempDir();
        const int width = 301, height = 170, tile = 64, halo = 8;
        var path = dir.File("scene.tif");
        using (var ds = RasterDataset.CreateGeoTiff(path, width, height, 2, RasterDataType.UInt16))
        {
            ds.GeoTransform = RasterFixtures.Cgcs2000Transform;
            for (var b = 1; b <= 2; b++)
            {
                var pixels = RasterFixtures.RandomPixels<ushort>(width * height, seed: b);
                for (var i = 0; i < pixels.Length; i += 7) pixels[i] = 0; // nodata
                ds.SetNoData(b, 0);
                ds.Write<ushort>(b, ds.Extent, pixels);
            }
        }
        using var scene = Scene.Open(path, [BandRole.Red, BandRole.Nir]);
        var region = new PixelWindow(0, 0, width, height);
        int[] bands = [1, 2];
        var whole = new TileGrid(width, height, tile, halo);
        var chunked = new TileGrid(width, height, tile, halo, chunkTiles);
        Assert.Equal(whole.Columns, whole.ChunkTiles);
        Assert.Equal(chunkTiles, chunked.ChunkTiles);
        var a = StripReaders.For(scene, region, bands, whole, slots: 1);
        var c = StripReaders.For(scene, region, bands, chunked, slots: 2);
        var expected = new float[tile * tile];
        var actual = new float[tile * tile];
        for (var row = 0; row < whole.Rows; row++)
        {
            a.Read(row, 0, 0);
            var strip = whole.Strip(row);
            var validWhole = Filled(strip.Width * strip.Height);
            var validChunked = Filled(strip.Width * strip.Height);
            a.MarkNoData(0, strip, validWhole);
            for (var chunk = 0; chunk < chunked.Chunks; chunk++)
            {
                var slot = chunk % 2;
                c.Read(row, chunk, slot);
                c.MarkNoData(slot, strip, validChunked);
                for (var col = chunk * chunkTiles; col < chunk * chunkTiles + chunked.TilesIn(chunk); col++)
                    for (var b = 0; b < bands.Length; b++)
                    {
                        a.ScaleTile(0, col, b, expected, 0, 65535, 1, 0);
                        c.ScaleTile(slot, col, b, actual, 0, 65535, 1, 0);
                        Assert.True(expected.AsSpan().SequenceEqual(actual), $"row {row}, tile {col}, band {b}");
                    }
            }
            Assert.Equal(validWhole, validChunked);
            Assert.Contains((byte)0, validWhole);
        }
    }

    private static byte[] Filled(int n)
    {
        var valid = new byte[n];
        valid.AsSpan().Fill(1);
        return valid;
    }
}
