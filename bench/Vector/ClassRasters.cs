using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Bench.Vector;

/// <summary>The class rasters the polygoniser benchmarks run on, generated row by row so a strip can be made alone.</summary>
public static class ClassRasters
{
    /// <summary>
    /// "noise": every pixel uniform in 0..3 (about 0.52 polygons per pixel with 4-connectivity: 8.7 M at 4096²).
    /// "blocks6": uniform 0..3 per 6 x 6 block (about 240 k polygons at 4096², 960 k at 8192²).
    /// </summary>
    public static void FillRows(string pattern, int width, int firstRow, int rows, Span<byte> target, int seed = 1)
    {
        var block = pattern switch
        {
            "noise" => 1,
            "blocks6" => 6,
            _ => throw new ArgumentException($"Unknown pattern '{pattern}': noise or blocks6."),
        };
        for (var r = 0; r < rows; r++)
        {
            var y = firstRow + r;
            var line = target.Slice(r * width, width);
            for (var x = 0; x < width; x++)
                line[x] = (byte)(Hash((uint)(x / block), (uint)(y / block), (uint)seed) & 3);
        }
    }

    /// <summary>The whole raster.</summary>
    public static byte[] Make(string pattern, int size, int seed = 1)
    {
        var pixels = new byte[(long)size * size];
        FillRows(pattern, size, 0, size, pixels, seed);
        return pixels;
    }

    /// <summary>
    /// <c>WeiPian.Bench class-raster --pattern noise|blocks6 --size N --out FILE.tif</c>: the raster as a tiled DEFLATE
    /// GeoTIFF, 0.8 m pixels in EPSG:4546, written strip by strip: the input of the file-to-file polygonize comparison.
    /// </summary>
    public static int WriteFile(string[] args)
    {
        var (pattern, size, path) = ("noise", 4096, "");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--pattern": pattern = args[++i]; break;
                case "--size": size = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--out": path = args[++i]; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    return 2;
            }
        }
        if (path.Length == 0)
        {
            Console.Error.WriteLine("--out FILE.tif is required.");
            return 2;
        }
        using var raster = RasterDataset.CreateGeoTiff(path, size, size, 1, RasterDataType.Byte, new GeoTiffOptions { Level = 1 });
        raster.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
        raster.SpatialReference = SpatialReference.FromEpsg(4546);
        var strip = new byte[256 * size];
        for (var y = 0; y < size; y += 256)
        {
            var rows = Math.Min(256, size - y);
            FillRows(pattern, size, y, rows, strip);
            raster.Write<byte>(1, new PixelWindow(0, y, size, rows), strip.AsSpan(0, rows * size));
        }
        return 0;
    }

    private static uint Hash(uint x, uint y, uint seed)
    {
        var h = x * 0x9E3779B1u ^ y * 0x85EBCA77u ^ seed * 0xC2B2AE3Du;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return h >> 8;
    }
}
