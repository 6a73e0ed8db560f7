using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using SkiaSharp;
using WeiPian.Engine.Output;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Output;

/// <summary>
/// The chips' percentile stretch by histogram must give the sort's values, and a chip's pixels must be that stretch
/// applied pixel by pixel, whatever thread drew it.
/// </summary>
public class ChipStretchTests
{
    private static readonly (double, double)[] Percentiles = [(2, 98), (0, 100), (50, 50), (0.5, 99.5)];

    [Theory]
    [InlineData(255, 0.0)]
    [InlineData(65535, 0.1)]
    [InlineData(4095, 0.9)]
    public void HistogramStretchEqualsTheSortOfWholeNumbers(int max, double nanShare)
    {
        var random = new Random(max);
        float[][] planes = [.. Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 9973)
            .Select(_ => random.NextDouble() < nanShare ? float.NaN : random.Next(max + 1)).ToArray())];
        foreach (var p in Percentiles)
            Assert.Equal(SortedReference(planes, p), ChipRendering.Stretch([.. planes], p));
    }

    [Fact]
    public void FractionalNegativeFlatAndEmptyPlanesKeepTheSortsAnswer()
    {
        var random = new Random(3);
        float[][] reflectance = [.. Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 5000).Select(_ => (float)random.NextDouble()).ToArray())];
        float[][] signed = [[-3, 7, 2, float.NaN, 65535, 65536, 100000]];
        float[][] flat = [[42, 42, 42]];
        float[][] empty = [[float.NaN, float.NaN], []];
        foreach (var planes in new[] { reflectance, signed, flat, empty })
            foreach (var p in Percentiles)
                Assert.Equal(SortedReference(planes, p), ChipRendering.Stretch([.. planes], p));
    }

    [Fact]
    public void ChipPixelsAreTheScalarStretchOfTheScene()
    {
        using var dir = new TempDir();
        using var scene = Scene.Open(Path.Combine(TestPaths.SampleTiles, "after.tif"));
        var window = new PixelWindow(40, 60, 128, 128);
        int[] bands = [scene.BandOf(BandRole.Blue), scene.BandOf(BandRole.Green), scene.BandOf(BandRole.Red), scene.BandOf(BandRole.Nir)];
        var n = (int)window.PixelCount;
        var all = new float[4 * n];
        scene.ReadBands<float>(window, all, bands);
        var planes = Enumerable.Range(0, 4).Select(b => all.AsSpan(b * n, n).ToArray()).ToArray();
        ArraySegment<float>[] segments = [.. planes];
        int[] trueColour = [2, 1, 0];
        var stretch = ChipRendering.Stretch([.. trueColour.Select(b => segments[b])], (2, 98));
        Assert.Equal(SortedReference([.. trueColour.Select(b => planes[b])], (2, 98)), stretch);

        // A chip at the window's own size (no resampling) of a polygon far outside it (no outline on the picture).
        var away = new GeometryFactory().CreatePolygon([new(-1e7, -1e7), new(-1e7 + 1, -1e7), new(-1e7, -1e7 + 1), new(-1e7, -1e7)]);
        var path = dir.File("chip.png");
        using (var typeface = ChipRendering.LoadTypeface())
            ChipRendering.Render(segments, trueColour, stretch, window, scene.Grid.Transform, away, window.Width, typeface, "x", null, path);
        using var png = SKBitmap.Decode(path);
        var checkedPixels = 0;
        for (var y = 20; y < window.Height; y++) // below the label band
            for (var x = 0; x < window.Width; x++)
            {
                var i = y * window.Width + x;
                var c = png.GetPixel(x, y);
                Assert.Equal((Scalar(planes[2][i], stretch), Scalar(planes[1][i], stretch), Scalar(planes[0][i], stretch)), (c.Red, c.Green, c.Blue));
                checkedPixels++;
            }
        Assert.True(checkedPixels > 10000);
    }

    [Fact]
    public void ChipsDrawnOnManyThreadsEqualOneByOneRenders()
    {
        using var parallel = new TempDir();
        var tubans = ChipWriterTests.SampleTruthAsTubans().Take(6).ToList();
        string before = Path.Combine(TestPaths.SampleTiles, "before.tif"), after = Path.Combine(TestPaths.SampleTiles, "after.tif");
        using (var chips = new ChipWriter(parallel.Path, before, after))
        {
            foreach (var t in tubans) chips.Add(t);
            chips.Finish();
        }
        // Each polygon alone, its chips finished before the next is queued: the same pixels, file for file.
        using var serial = new TempDir();
        foreach (var t in tubans)
        {
            using var chips = new ChipWriter(serial.Path, before, after);
            chips.Add(t);
            chips.Finish();
        }
        var files = Directory.GetFiles(parallel.Path, "*.png").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(4 * tubans.Count, files.Count);
        foreach (var f in files)
        {
            using var a = SKBitmap.Decode(Path.Combine(parallel.Path, f!));
            using var b = SKBitmap.Decode(Path.Combine(serial.Path, f!));
            Assert.True(a.Bytes.AsSpan().SequenceEqual(b.Bytes), $"{f} differs");
        }
    }

    [Fact]
    public void IndexShowsTheRecordsChineseNames()
    {
        using var dir = new TempDir();
        var tubans = ChipWriterTests.SampleTruthAsTubans().Take(2).Select(t => t with { Xzqmc = "宜都市" }).ToList();
        using (var chips = new ChipWriter(dir.Path, Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif")))
        {
            foreach (var t in tubans) chips.Add(t);
            chips.Finish();
        }
        var html = File.ReadAllText(dir.File("index.html"));
        Assert.Contains("<dt>XZQMC</dt><dd>宜都市</dd>", html);
        foreach (var t in tubans)
        {
            Assert.Contains($"<dt>TBLXMC</dt><dd>{ChangeTypes.ChineseName(t.Tblx)}</dd>", html);
            Assert.DoesNotContain($"({t.ClassName})", html);
        }
        Assert.DoesNotMatch(new Regex("<dd>[^<]*(building|pond|mining)[^<]*</dd>", RegexOptions.IgnoreCase), html);
    }

    [Theory]
    [InlineData(3, 5, 8)]     // magnified: whole rows and pixels repeat
    [InlineData(96, 96, 256)]
    [InlineData(10, 7, 4)]    // reduced
    [InlineData(300, 290, 256)]
    public void ResamplingTakesThePixelUnderEachCentreOrTheMeanOfThoseCovered(int width, int height, int size)
    {
        var random = new Random(width * 1000 + height);
        var bytes = new byte[4 * width * height];
        random.NextBytes(bytes);
        var pixels = MemoryMarshal.Cast<byte, uint>(bytes);
        var rgba = new uint[size * size];
        ChipRendering.Resample(pixels, width, height, rgba, size);
        var chip = MemoryMarshal.AsBytes(rgba.AsSpan());
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var (c0, c1) = Covered(x, width, size);
                var (r0, r1) = Covered(y, height, size);
                for (var k = 0; k < 3; k++)
                {
                    var sum = 0;
                    for (var r = r0; r < r1; r++)
                        for (var c = c0; c < c1; c++) sum += bytes[4 * (r * width + c) + k];
                    var n = (r1 - r0) * (c1 - c0);
                    Assert.Equal((int)Math.Round((double)sum / n, MidpointRounding.AwayFromZero), chip[4 * (y * size + x) + k]);
                }
                Assert.Equal(255, chip[4 * (y * size + x) + 3]);
            }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(1001)]
    public void VectorStretchGivesTheScalarTwinsBytes(int length)
    {
        var random = new Random(length);
        float[] Plane() => [.. Enumerable.Range(0, length).Select(i => (i % 5) switch
        {
            0 => float.NaN,
            1 => -random.Next(1, 100),   // below the stretch: 0
            2 => 1000 + random.Next(500), // above: 255
            _ => (float)(random.NextDouble() * 1100 - 50),
        })];
        float[] red = Plane(), green = Plane(), blue = Plane();
        foreach (var stretch in new[] { (0f, 1000f), (137f, 138f), (-20.5f, 999.25f) })
        {
            var vector = new uint[length];
            var scalar = new uint[length];
            ChipRendering.StretchToRgba(red, green, blue, stretch, vector);
            ChipRendering.StretchToRgbaScalar(red, green, blue, stretch, scalar);
            Assert.Equal(scalar, vector);
        }
        Assert.Equal(0xFF000000u, StretchOne(float.NaN));
        Assert.Equal(0xFFFFFFFFu, StretchOne(2000));
        Assert.Equal(0xFF000000u | 127 | (127 << 8) | (127 << 16), StretchOne(500));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(33)]
    public void VectorNoDataToNaNGivesTheScalarTwinsValues(int length)
    {
        foreach (var nodata in new[] { 0f, 255f, -9999f, float.NaN })
        {
            var random = new Random(length);
            var values = Enumerable.Range(0, length).Select(i => (i % 5) switch
            {
                0 => nodata,
                1 => -0f, // equal to a nodata of 0, as floats compare
                2 => float.NaN,
                _ => random.Next(300),
            }).ToArray();
            float[] vector = [.. values], scalar = [.. values];
            DigitalNumbers.NoDataToNaN(vector, nodata);
            DigitalNumbers.NoDataToNaNScalar(scalar, nodata);
            Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), vector.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(values.Select(v => float.IsNaN(v) || v == nodata), vector.Select(float.IsNaN));
        }
    }

    private static uint StretchOne(float v)
    {
        var rgba = new uint[1];
        ChipRendering.StretchToRgbaScalar([v], [v], [v], (0, 1000), rgba);
        return rgba[0];
    }

    // The image pixels a chip pixel takes, found by trying every image pixel in whole numbers: magnified, the one its
    // centre falls in; reduced, those whose centres fall in it.
    private static (int First, int Last) Covered(int o, int source, int size)
    {
        var taken = Enumerable.Range(0, source).Where(c => source <= size
            ? 2L * c * size <= (2L * o + 1) * source && (2L * o + 1) * source < 2L * (c + 1) * size
            : 2L * o * source <= (2L * c + 1) * size && (2L * c + 1) * size < 2L * (o + 1) * source).ToList();
        Assert.NotEmpty(taken);
        return (taken[0], taken[^1] + 1);
    }

    [Theory]
    [InlineData(37, 29)]
    [InlineData(1, 3)]
    [InlineData(5, 4)]  // too narrow for a vector step
    [InlineData(6, 4)]  // one vector step, then two pixels
    [InlineData(256, 9)]
    public void PngsWithRepeatedRowsDecodeToTheirPixels(int w, int h)
    {
        using var dir = new TempDir();
        var random = new Random(w);
        var rgba = new byte[4 * w * h];
        random.NextBytes(rgba);
        for (var y = 0; y < h; y++)
        {
            if (y % 3 != 0) rgba.AsSpan(4 * w * (y - 1), 4 * w).CopyTo(rgba.AsSpan(4 * w * y)); // two of every three rows repeat
            for (var x = 0; x < w; x++) rgba[4 * (y * w + x) + 3] = 255;
        }
        var path = dir.File("rows.png");
        using (var file = File.Create(path)) PngEncoder.Write(file, rgba, w, h);
        using var png = SKBitmap.Decode(path);
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var i = 4 * (y * w + x);
                Assert.Equal((rgba[i], rgba[i + 1], rgba[i + 2]), (png.GetPixel(x, y).Red, png.GetPixel(x, y).Green, png.GetPixel(x, y).Blue));
            }
    }

    // The stretch as it was first written: every value sorted, the ranks n·p/100 taken.
    private static (float Low, float High) SortedReference(float[][] planes, (double Low, double High) percentiles)
    {
        var values = planes.SelectMany(p => p).Where(v => !float.IsNaN(v)).ToArray();
        if (values.Length == 0) return (0, 1);
        Array.Sort(values);
        var lo = values[(int)Math.Clamp(values.Length * percentiles.Low / 100, 0, values.Length - 1)];
        var hi = values[(int)Math.Clamp(values.Length * percentiles.High / 100, 0, values.Length - 1)];
        return hi > lo ? (lo, hi) : (lo, lo + 1);
    }

    private static byte Scalar(float v, (float Low, float High) s) =>
        float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp((v - s.Low) / (s.High - s.Low) * 255f, 0f, 255f);
}
