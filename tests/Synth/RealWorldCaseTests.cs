using System.Security.Cryptography;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Synth;

/// <summary>
/// The synthesiser's real-world cases (issue 15 §5): each option changes what it should and nothing else. A case is
/// compared with the same seed rendered plainly; grids are compared by resampling the plain render at the case's
/// pixel centres (bilinear), as a warp back would.
/// </summary>
public class RealWorldCaseTests
{
    private const int Size = 256;
    private const double Gsd = 0.8;

    private static readonly SynthOptions Plain = new() { Size = Size, Seed = 5, WriteShapefiles = false, Clouds = CloudMode.None };

    // A seed and size whose clouds and shadows both cover thousands of pixels.
    private static readonly SynthOptions Cloudy = Plain with { Size = 384, Seed = 6 };

    [Fact]
    public void EightBitAfterDateIsAStretchedByteImageOfTheSameScene()
    {
        using var plain = Run(Plain);
        using var eight = Run(Plain with { AfterBitDepth = 8 });
        Assert.Equal(Hash(plain.File("before.tif")), Hash(eight.File("before.tif")));
        using var ds = RasterDataset.Open(eight.File("after.tif"));
        Assert.Equal(RasterDataType.Byte, ds.DataType(1));
        for (var band = 1; band <= 4; band++)
        {
            var a = Band(eight.File("after.tif"), band);
            var b = Band(plain.File("after.tif"), band);
            Assert.Equal(1, a.Min());
            Assert.Equal(255, a.Max());
            // The 2 % linear stretch clips about 2 % at each end.
            var clipped = a.Count(v => v == 255) / (double)a.Length;
            Assert.InRange(clipped, 0.005, 0.05);
            Assert.True(Correlation(a, b) > 0.97, $"band {band}: the 8-bit image must be the 10-bit one stretched");
        }
    }

    [Fact]
    public void TwelveBitAfterDateIsTheSameRadianceAtFourTimesTheDn()
    {
        using var plain = Run(Plain);
        using var twelve = Run(Plain with { AfterBitDepth = 12 });
        using var ds = RasterDataset.Open(twelve.File("after.tif"));
        Assert.Equal(RasterDataType.UInt16, ds.DataType(1));
        var a = Band(twelve.File("after.tif"), 3);
        var b = Band(plain.File("after.tif"), 3);
        Assert.True(a.Max() <= 4095 && a.Max() > 1023);
        for (var k = 0; k < a.Length; k++)
            if (b[k] is > 1 and < 1023) Assert.InRange(a[k] - 4 * b[k], -2, 2);
    }

    [Fact]
    public void ShiftedAfterDateShowsTheSameGroundOnAMovedGrid()
    {
        using var plain = Run(Plain);
        using var shifted = Run(Plain with { AfterShiftColumns = 2.5 });
        var g0 = Grid(plain.File("after.tif"));
        var g1 = Grid(shifted.File("after.tif"));
        Assert.Equal(g0.Transform.OriginX + 2.5 * Gsd, g1.Transform.OriginX, 9);
        Assert.Equal(g0.Transform.OriginY, g1.Transform.OriginY, 9);
        Assert.Equal((Size, Size), (g1.Width, g1.Height));
        var moved = Band(shifted.File("after.tif"), 4);
        var still = Band(plain.File("after.tif"), 4);
        // Warp back: each shifted pixel centre is 2.5 columns into the plain grid.
        var (resampled, same) = Pairs(g1, moved, (c, r) => Bilinear(still, Size, Size, c + 0.5 + 2.5, r + 0.5), (c, r) => still[r * Size + c]);
        var warped = Correlation(resampled.A, resampled.B);
        var unmoved = Correlation(same.A, same.B);
        Assert.True(warped > 0.9, $"the shifted date must show the ground 2.5 px east (r = {warped:0.000})");
        Assert.True(warped > unmoved + 0.03, $"a moved geotransform alone would match the unshifted pixels ({unmoved:0.000} vs {warped:0.000})");
        // Its last columns (centres 2 m further east) lie beyond the scene's ground: nodata.
        Assert.Equal(0, moved[Size - 3]);
        Assert.NotEqual(0, moved[Size - 4]);
    }

    [Fact]
    public void AfterDateAtOneMetreCoversTheSameExtentWithLargerPixels()
    {
        using var plain = Run(Plain);
        using var coarse = Run(Plain with { AfterGsd = 1.0 });
        var g0 = Grid(plain.File("before.tif"));
        var g1 = Grid(coarse.File("after.tif"));
        Assert.Equal(1.0, g1.PixelSizeX, 12);
        Assert.Equal((g0.Transform.OriginX, g0.Transform.OriginY), (g1.Transform.OriginX, g1.Transform.OriginY));
        Assert.Equal((int)Math.Ceiling(Size * Gsd), g1.Width);
        Assert.Equal(Hash(plain.File("truth.tif")), Hash(coarse.File("truth.tif")));
        var a = Band(coarse.File("after.tif"), 4);
        var b = Band(plain.File("after.tif"), 4);
        var (pairs, _) = Pairs(g1, a, (c, r) => Bilinear(b, Size, Size, (c + 0.5) / Gsd, (r + 0.5) / Gsd), (_, _) => 0);
        Assert.True(Correlation(pairs.A, pairs.B) > 0.85);
    }

    [Fact]
    public void AfterDateInTheNextZoneIsTheSceneReprojected()
    {
        using var plain = Run(Plain);
        using var other = Run(Plain with { AfterEpsg = 4547 });
        using var ds = RasterDataset.Open(other.File("after.tif"));
        Assert.Equal(4547, ds.SpatialReference!.Epsg);
        var g0 = Grid(plain.File("after.tif"));
        var g1 = Grid(other.File("after.tif"));
        var a = Band(other.File("after.tif"), 4);
        var b = Band(plain.File("after.tif"), 4);
        using var back = new CoordinateTransform(SpatialReference.FromEpsg(4547), SpatialReference.FromEpsg(4546));
        var inside = new List<double>();
        var reference = new List<double>();
        for (var r = 0; r < g1.Height; r++)
            for (var c = 0; c < g1.Width; c++)
            {
                var (x, y) = back.Transform(g1.Transform.PixelToWorld(c + 0.5, r + 0.5).X, g1.Transform.PixelToWorld(c + 0.5, r + 0.5).Y);
                var (pc, pr) = g0.Transform.WorldToPixel(x, y);
                var value = a[r * g1.Width + c];
                // The overlap: data on the scene's ground, nodata off it (a pixel's width of slack for the edge).
                if (pc < -0.5 || pr < -0.5 || pc > Size + 0.5 || pr > Size + 0.5) Assert.Equal(0, value);
                else if (pc > 0.5 && pr > 0.5 && pc < Size - 0.5 && pr < Size - 0.5)
                {
                    Assert.NotEqual(0, value);
                    inside.Add(value);
                    reference.Add(Bilinear(b, Size, Size, pc, pr));
                }
            }
        Assert.True(a.Count(v => v == 0) > 0, "the rotated footprint leaves nodata corners");
        Assert.True(Correlation([.. inside], [.. reference]) > 0.85);
    }

    [Fact]
    public void FlaggedCloudsAreNodataExactlyWhereTheTruthMaskSaysSo()
    {
        using var flagged = Run(Cloudy with { Clouds = CloudMode.Flagged });
        var mask = Band(flagged.File("after_clouds.tif"), 1);
        Assert.Contains(1, mask);
        Assert.Contains(2, mask);
        for (var band = 1; band <= 4; band++)
        {
            var a = Band(flagged.File("after.tif"), band);
            for (var k = 0; k < a.Length; k++) Assert.Equal(mask[k] != 0, a[k] == 0);
        }
    }

    [Fact]
    public void UnflaggedCloudsArePaintedOnlyInsideTheTruthMaskAndHideNoChange()
    {
        using var clear = Run(Cloudy);
        using var cloudy = Run(Cloudy with { Clouds = CloudMode.Unflagged });
        var mask = Band(cloudy.File("after_clouds.tif"), 1);
        Assert.False(File.Exists(clear.File("after_clouds.tif")));
        Assert.Equal(Hash(clear.File("truth.tif")), Hash(cloudy.File("truth.tif")));
        Assert.Equal(Hash(clear.File("before.tif")), Hash(cloudy.File("before.tif")));
        var blue0 = Band(clear.File("after.tif"), 1);
        var blue1 = Band(cloudy.File("after.tif"), 1);
        var nir0 = Band(clear.File("after.tif"), 4);
        var nir1 = Band(cloudy.File("after.tif"), 4);
        int cloud = 0, brighter = 0, shadow = 0, darker = 0;
        for (var k = 0; k < mask.Length; k++)
        {
            Assert.NotEqual(0, blue1[k]);
            if (mask[k] == 0) { Assert.Equal(blue0[k], blue1[k]); Assert.Equal(nir0[k], nir1[k]); }
            else if (mask[k] == 1) { cloud++; if (blue1[k] > blue0[k] + 5) brighter++; }
            else { shadow++; if (nir1[k] < nir0[k]) darker++; }
        }
        Assert.True(cloud > 500 && brighter > 0.97 * cloud, $"{brighter} of {cloud} cloud pixels brighter");
        Assert.True(shadow > 500 && darker > 0.95 * shadow, $"{darker} of {shadow} shadow pixels darker");
    }

    [Fact]
    public void AfterSensorMovesBandStatisticsByItsGainsAndOffsets()
    {
        using var plain = Run(Plain);
        using var gained = Run(Plain with { AfterSensor = SensorResponse.Parse("gains=1.2,1,0.8,1.1") });
        using var offset = Run(Plain with { AfterSensor = SensorResponse.Parse("offsets=10,0,0,-5") });
        Assert.Equal(Hash(plain.File("before.tif")), Hash(gained.File("before.tif")));
        float[] gains = [1.2f, 1, 0.8f, 1.1f], offsets = [10, 0, 0, -5];
        for (var band = 1; band <= 4; band++)
        {
            var x = Band(plain.File("after.tif"), band);
            var slope = Slope(x, Band(gained.File("after.tif"), band));
            Assert.InRange(slope, gains[band - 1] - 0.03, gains[band - 1] + 0.03);
            Assert.InRange(Band(offset.File("after.tif"), band).Average() - x.Average(), offsets[band - 1] - 0.3, offsets[band - 1] + 0.3);
        }
    }

    [Fact]
    public void WiderBandsMixInTheirNeighbours()
    {
        using var plain = Run(Plain);
        using var wide = Run(Plain with { AfterSensor = SensorResponse.Parse("width=0.2") });
        // NIR' = 0.8 NIR + 0.2 R: over vegetation (NIR far above red) the NIR band drops.
        var nir = Band(plain.File("after.tif"), 4);
        var red = Band(plain.File("after.tif"), 3);
        var nirWide = Band(wide.File("after.tif"), 4);
        Assert.True(nirWide.Average() < nir.Average() - 0.1 * (nir.Average() - red.Average()));
    }

    [Theory]
    [InlineData("gains=1,2", "four numbers")]
    [InlineData("width=0.5", "width")]
    [InlineData("gains=1,1,1,0", "gain")]
    [InlineData("bright", "neither a preset")]
    public void BadSensorIsRefusedNamingTheOption(string text, string why)
    {
        var e = Assert.Throws<InputException>(() => SensorResponse.Parse(text));
        Assert.StartsWith($"--after-sensor {text}:", e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void PresetsAreKnownByName()
    {
        Assert.Same(SensorResponse.Gf1, SensorResponse.Parse("GF1"));
        Assert.True(SensorResponse.Parse("native").IsNative);
        Assert.Equal(0.15f, SensorResponse.Parse("aerial").Width);
    }

    [Theory]
    [InlineData(9, null, "--bit-depth 9")]
    [InlineData(10, 11, "--after-bit-depth 11")]
    public void BadBitDepthIsRefused(int bits, int? afterBits, string start)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InputException>(() => SceneSynthesizer.Run(Plain with { BitDepth = bits, AfterBitDepth = afterBits }, dir.Path));
        Assert.StartsWith(start, e.Message);
    }

    // ------------------------------------------------------------------ helpers

    private sealed class Case(SynthResult result, TempDir dir) : IDisposable
    {
        public string File(string name) => Path.Combine(result.Directory, name);
        public void Dispose() => dir.Dispose();
    }

    private static Case Run(SynthOptions options)
    {
        var dir = new TempDir();
        return new Case(SceneSynthesizer.Run(options, dir.Path), dir);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static PixelGrid Grid(string path)
    {
        using var ds = RasterDataset.Open(path);
        return new PixelGrid(ds.Width, ds.Height, ds.GeoTransform, ds.SpatialReference);
    }

    private static double[] Band(string path, int band)
    {
        using var ds = RasterDataset.Open(path);
        var values = new double[ds.Width * ds.Height];
        ds.Read<double>(band, PixelWindow.Full(ds.Width, ds.Height), values);
        return values;
    }

    /// <summary>Bilinear value at fractional pixel coordinates (pixel centres at k + 0.5), edges clamped.</summary>
    private static double Bilinear(double[] v, int w, int h, double x, double y)
    {
        double fx = Math.Clamp(x - 0.5, 0, w - 1), fy = Math.Clamp(y - 0.5, 0, h - 1);
        int x0 = (int)fx, y0 = (int)fy, x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double tx = fx - x0, ty = fy - y0;
        var top = v[y0 * w + x0] * (1 - tx) + v[y0 * w + x1] * tx;
        var bottom = v[y1 * w + x0] * (1 - tx) + v[y1 * w + x1] * tx;
        return top * (1 - ty) + bottom * ty;
    }

    /// <summary>The grid's valid pixels paired with two references, one pair of lists each.</summary>
    private static ((double[] A, double[] B) First, (double[] A, double[] B) Second) Pairs(PixelGrid grid, double[] values,
        Func<int, int, double> first, Func<int, int, double> second)
    {
        List<double> a = [], b = [], c = [];
        for (var r = 0; r < grid.Height; r++)
            for (var col = 0; col < grid.Width; col++)
            {
                var v = values[r * grid.Width + col];
                if (v == 0) continue;
                a.Add(v);
                b.Add(first(col, r));
                c.Add(second(col, r));
            }
        return (([.. a], [.. b]), ([.. a], [.. c]));
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (var k = 0; k < a.Length; k++)
        {
            sab += (a[k] - ma) * (b[k] - mb);
            saa += (a[k] - ma) * (a[k] - ma);
            sbb += (b[k] - mb) * (b[k] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>Least-squares slope of y on x.</summary>
    private static double Slope(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (var k = 0; k < x.Length; k++)
        {
            sxy += (x[k] - mx) * (y[k] - my);
            sxx += (x[k] - mx) * (x[k] - mx);
        }
        return sxy / sxx;
    }
}
