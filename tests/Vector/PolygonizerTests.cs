using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;
using static WeiPian.Engine.Tests.Vector.PolygonizerOracle;

namespace WeiPian.Engine.Tests.Vector;

public class PolygonizerTests
{
    private static readonly GeoTransform NorthUp = GeoTransform.NorthUp(500_000.5, 3_300_000.25, 0.8);

    public static TheoryData<string, PixelConnectivity> Cases()
    {
        var data = new TheoryData<string, PixelConnectivity>();
        foreach (var name in RasterCases.Keys)
            foreach (var c in new[] { PixelConnectivity.Four, PixelConnectivity.Eight })
                data.Add(name, c);
        return data;
    }

    private static readonly Dictionary<string, (byte[] Pixels, int Width, int Height)> RasterCases = new()
    {
        ["1x1"] = ([7], 1, 1),
        ["1x40 noise"] = (TestRasters.Noise(1, 40, 3, 1), 1, 40),
        ["40x1 noise"] = (TestRasters.Noise(40, 1, 3, 2), 40, 1),
        ["all one value"] = (Enumerable.Repeat((byte)5, 17 * 9).ToArray(), 17, 9),
        ["noise 4 classes 37x23"] = (TestRasters.Noise(37, 23, 4, 3), 37, 23),
        ["noise 2 classes 61x47"] = (TestRasters.Noise(61, 47, 2, 4), 61, 47),
        ["noise 4 classes 70x70"] = (TestRasters.Noise(70, 70, 4, 5), 70, 70),
        ["blobs 80x60"] = (TestRasters.Blobs(80, 60, 6), 80, 60),
        ["blobs 33x90"] = (TestRasters.Blobs(33, 90, 7, 2), 33, 90),
        ["checkerboard 1px 16x13"] = (TestRasters.Checkerboard(16, 13), 16, 13),
        ["checkerboard 3px 40x31"] = (TestRasters.Checkerboard(40, 31, 3), 40, 31),
        ["nested rings 41"] = (TestRasters.Nested(41), 41, 41),
        ["diamonds 33"] = (TestRasters.Diamonds(33), 33, 33),
        ["wide vector rows 300x7"] = (TestRasters.Blobs(300, 7, 8, 1), 300, 7),
        ["values touching every edge 23x19"] = (TestRasters.Edges(23, 19), 23, 19),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsGdalPolygonize(string name, PixelConnectivity connectivity)
    {
        var (pixels, w, h) = RasterCases[name];
        var gdal = RunGdal(pixels, w, h, connectivity, NorthUp);
        AssertSame(gdal, Canonical(Ours(pixels, w, h, connectivity, NorthUp)), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsGdalPolygonizeWithNoData(string name, PixelConnectivity connectivity)
    {
        var (pixels, w, h) = RasterCases[name];
        // Nodata pixels in small clumps, plus one value declared nodata.
        var mask = TestRasters.Mask(w, h, 0.2, w * 31 + h);
        var masked = pixels.Select((v, i) => mask[i] == 0 ? (byte)255 : v).ToArray();
        var gdal = RunGdal(masked, w, h, connectivity, NorthUp, noData: 255);
        AssertSame(gdal, Canonical(Ours(masked, w, h, connectivity, NorthUp, noData: 255)), name + " nodata");
        // The same through a validity mask instead of a nodata value.
        AssertSame(gdal, Canonical(Ours(pixels, w, h, connectivity, NorthUp, mask: mask)), name + " mask");
        // A class value as nodata: it disappears, and nothing joins across it.
        var gdal1 = RunGdal(pixels, w, h, connectivity, NorthUp, noData: 1);
        AssertSame(gdal1, Canonical(Ours(pixels, w, h, connectivity, NorthUp, noData: 1)), name + " nodata=1");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StripHeightDoesNotChangeTheResult(string name, PixelConnectivity connectivity)
    {
        var (pixels, w, h) = RasterCases[name];
        var mask = TestRasters.Mask(w, h, 0.1, 99);
        var whole = Ours(pixels, w, h, connectivity, NorthUp, mask: mask);
        foreach (var strip in new[] { 1, 3, 7 })
        {
            var part = Ours(pixels, w, h, connectivity, NorthUp, mask: mask, strip: strip);
            Assert.Equal(whole.Count, part.Count);
            for (var i = 0; i < whole.Count; i++)
            {
                Assert.Equal(whole[i].Value, part[i].Value);
                Assert.Equal(whole[i].RingStarts, part[i].RingStarts);
                Assert.Equal(whole[i].Coordinates, part[i].Coordinates);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EqualsTheScalarReference(string name, PixelConnectivity connectivity)
    {
        var (pixels, w, h) = RasterCases[name];
        var mask = TestRasters.Mask(w, h, 0.15, 7);
        var reference = ReferencePolygonizer.Run(pixels, mask, w, h, connectivity, NorthUp, null);
        AssertSame(Canonical(reference), Canonical(Ours(pixels, w, h, connectivity, NorthUp, mask: mask, strip: 5)), name);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AreaPerValueIsPixelCountTimesPixelArea(string name, PixelConnectivity connectivity)
    {
        var (pixels, w, h) = RasterCases[name];
        var polygons = Ours(pixels, w, h, connectivity, NorthUp);
        var pixelArea = 0.8 * 0.8;
        foreach (var group in pixels.GroupBy(v => v))
        {
            var mine = polygons.Where(p => p.Value == group.Key).ToList();
            Assert.Equal(group.Count(), mine.Sum(p => p.PixelCount));
            var geometric = mine.Sum(p => p.ToPolygon().Area);
            Assert.Equal(group.Count() * pixelArea, geometric, 1e-9 * group.Count() * pixelArea);
        }
        Assert.Equal(w * h, polygons.Sum(p => p.PixelCount));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RingsTurnAtEveryVertexAndAreOriented(string name, PixelConnectivity connectivity)
    {
        var (pixels, w, h) = RasterCases[name];
        foreach (var transform in new[] { NorthUp, GeoTransform.Identity })
            foreach (var p in Ours(pixels, w, h, connectivity, transform))
            {
                for (var r = 0; r < p.RingCount; r++)
                {
                    var ring = p.Ring(r);
                    var n = ring.Length / 2;
                    Assert.True(n >= 4 && n % 2 == 0, $"ring of {n} vertices");
                    for (var i = 0; i < n; i++)
                    {
                        int a = (i + n - 1) % n, c = (i + 1) % n;
                        var cross = (ring[2 * i] - ring[2 * a]) * (ring[2 * c + 1] - ring[2 * i + 1])
                            - (ring[2 * i + 1] - ring[2 * a + 1]) * (ring[2 * c] - ring[2 * i]);
                        Assert.True(cross != 0, $"collinear or repeated vertex {i} in ring {r} of a {p.Value} polygon");
                    }
                    var signed = 0.0;
                    for (var i = 0; i < n; i++)
                        signed += ring[2 * i] * ring[2 * ((i + 1) % n) + 1] - ring[2 * ((i + 1) % n)] * ring[2 * i + 1];
                    Assert.True(r == 0 ? signed > 0 : signed < 0, $"ring {r} signed area {signed / 2}: exterior CCW, holes CW");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OneRingPerFourConnectedPieceOfTheRestTouchingTheRegion(string name, PixelConnectivity connectivity)
    {
        // The exterior starts at the top-left corner of the region's first pixel; flood-fill the region from there and
        // count the 4-connected pieces of everything else (outside the raster included) that touch it: one ring each.
        var (pixels, w, h) = RasterCases[name];
        var p = new Polygonizer(w, view =>
        {
            int x0 = view.PixelCorners[0], y0 = view.PixelCorners[1];
            var inRegion = new bool[(w + 2) * (h + 2)];
            var stack = new Stack<(int X, int Y)>([(x0, y0)]);
            inRegion[(y0 + 1) * (w + 2) + x0 + 1] = true;
            long count = 0;
            while (stack.Count > 0)
            {
                var (x, y) = stack.Pop();
                count++;
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        if (dx == 0 && dy == 0) continue;
                        if (connectivity == PixelConnectivity.Four && dx != 0 && dy != 0) continue;
                        int qx = x + dx, qy = y + dy;
                        if (qx < 0 || qy < 0 || qx >= w || qy >= h || pixels[qy * w + qx] != view.Value) continue;
                        ref var seen = ref inRegion[(qy + 1) * (w + 2) + qx + 1];
                        if (seen) continue;
                        seen = true;
                        stack.Push((qx, qy));
                    }
            }
            Assert.Equal(view.PixelCount, count);
            var piece = new int[inRegion.Length];
            Array.Fill(piece, -1);
            var pieces = 0;
            var touching = new HashSet<int>();
            for (var i = 0; i < piece.Length; i++)
            {
                if (inRegion[i] || piece[i] >= 0) continue;
                var fill = new Stack<int>([i]);
                piece[i] = pieces;
                while (fill.Count > 0)
                {
                    var c = fill.Pop();
                    foreach (var d in new[] { -1, 1, -(w + 2), w + 2 })
                    {
                        var q = c + d;
                        if (q < 0 || q >= piece.Length || (d == 1 && q % (w + 2) == 0) || (d == -1 && c % (w + 2) == 0)) continue;
                        if (inRegion[q]) touching.Add(pieces);
                        else if (piece[q] < 0)
                        {
                            piece[q] = pieces;
                            fill.Push(q);
                        }
                    }
                }
                pieces++;
            }
            Assert.Equal(touching.Count, view.RingCount);
        }, connectivity);
        p.Push(pixels);
        p.Finish();
    }

    [Fact]
    public void EightConnectedCheckerboardIsOneSelfTouchingRingPerValue()
    {
        // GDAL: each value is one region; its single ring passes the centre corner twice, turning towards its own
        // diagonal pixel (a ring touching itself, not a figure-eight crossing).
        byte[] pixels = [0, 1, 1, 0];
        var polygons = Ours(pixels, 2, 2, PixelConnectivity.Eight, GeoTransform.Identity);
        Assert.Equal(2, polygons.Count);
        var expected = new[]
        {
            "POLYGON ((0 0, 0 1, 1 1, 1 2, 2 2, 2 1, 1 1, 1 0, 0 0))",
            "POLYGON ((1 0, 2 0, 2 1, 1 1, 1 2, 0 2, 0 1, 1 1, 1 0))",
        };
        var reader = new WKTReader();
        for (var k = 0; k < 2; k++)
        {
            var want = reader.Read(expected[k]);
            var got = polygons.Single(p => p.Value == k).ToPolygon();
            Assert.True(want.Normalized().EqualsExact(got.Normalized()), $"{got} vs {want}");
            Assert.Equal(2.0, got.Area);
        }
        AssertSame(RunGdal(pixels, 2, 2, PixelConnectivity.Eight), Canonical(polygons), "2x2 checkerboard");
    }

    [Fact]
    public void RegionMeetingItselfDiagonallyHasAHoleTouchingTheExterior()
    {
        // 4-connected: the 1s go round the 0 at (1,1) and meet themselves at corner (2,2): GDAL gives an exterior and
        // a hole that touch at that corner, not one self-crossing ring.
        byte[] pixels =
        [
            1, 1, 1, 0,
            1, 0, 1, 0,
            1, 1, 0, 1,
        ];
        var polygons = Ours(pixels, 4, 3, PixelConnectivity.Four, GeoTransform.Identity);
        var ones = polygons.Where(p => p.Value == 1).OrderByDescending(p => p.PixelCount).First();
        var want = new WKTReader().Read("POLYGON ((0 0, 0 3, 2 3, 2 2, 3 2, 3 0, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))");
        Assert.True(want.Normalized().EqualsExact(ones.ToPolygon().Normalized()), ones.ToPolygon().ToString());
        AssertSame(RunGdal(pixels, 4, 3, PixelConnectivity.Four), Canonical(polygons), "ring case");
    }

    /// <summary>POLYGONIZER_FUZZ=n runs n random cases in each of the random tests (default 300) for a deeper check.</summary>
    private static int FuzzCases => int.TryParse(Environment.GetEnvironmentVariable("POLYGONIZER_FUZZ"), out var n) ? n : 300;

    [Fact]
    public void ManyRandomRastersEqualGdal()
    {
        var rng = new Random(2024);
        var cases = FuzzCases;
        for (var k = 0; k < cases; k++)
        {
            var big = k % 10 == 9;
            int w = rng.Next(1, big ? 90 : 24), h = rng.Next(1, big ? 90 : 24);
            var pixels = TestRasters.Noise(w, h, rng.Next(2, 5), k);
            byte? noData = rng.Next(3) == 0 ? (byte)rng.Next(3) : null;
            var connectivity = k % 2 == 0 ? PixelConnectivity.Four : PixelConnectivity.Eight;
            var strip = rng.Next(0, 4);
            AssertSame(RunGdal(pixels, w, h, connectivity, NorthUp, noData),
                Canonical(Ours(pixels, w, h, connectivity, NorthUp, noData, strip: strip)), $"case {k} {w}x{h} {connectivity}");
        }
    }

    [Fact]
    public void ManyRandomRastersEqualTheScalarReference()
    {
        var rng = new Random(77);
        var cases = FuzzCases;
        for (var k = 0; k < cases; k++)
        {
            int w = rng.Next(1, 50), h = rng.Next(1, 50);
            var pixels = rng.Next(2) == 0 ? TestRasters.Noise(w, h, rng.Next(2, 4), k) : TestRasters.Blobs(w, h, k, rng.Next(1, 3));
            var mask = rng.Next(2) == 0 ? TestRasters.Mask(w, h, 0.3, k) : null;
            var connectivity = k % 2 == 0 ? PixelConnectivity.Four : PixelConnectivity.Eight;
            var reference = ReferencePolygonizer.Run(pixels, mask, w, h, connectivity, NorthUp, null);
            AssertSame(Canonical(reference), Canonical(Ours(pixels, w, h, connectivity, NorthUp, mask: mask, strip: rng.Next(0, 5))),
                $"case {k} {w}x{h} {connectivity}");
        }
    }

    [Fact]
    public void RotatedGeotransformIsAppliedAsGdalDoes()
    {
        var t = new GeoTransform(1000.25, 0.5, 0.125, 2000.75, -0.0625, -0.5);
        var pixels = TestRasters.Blobs(50, 40, 3);
        foreach (var c in new[] { PixelConnectivity.Four, PixelConnectivity.Eight })
            AssertSame(RunGdal(pixels, 50, 40, c, t), Canonical(Ours(pixels, 50, 40, c, t, strip: 4)), $"rotated {c}");
    }

    [Fact]
    public void ViewConvertsToWkbAndNts()
    {
        var pixels = TestRasters.Nested(21);
        var views = 0;
        var p = new Polygonizer(21, view =>
        {
            var fromWkb = new WKBReader().Read(view.ToWkb());
            Assert.True(fromWkb.EqualsExact(view.ToPolygon()));
            Assert.Equal(view.Area, fromWkb.Area, 1e-9 * view.Area);
            Assert.Equal(view.RingCount, view.ToClassPolygon().RingCount);
            Assert.Equal(view.VertexCount * 2, view.PixelCorners.Length);
            views++;
        }, PixelConnectivity.Four, NorthUp);
        p.Push(pixels);
        p.Finish();
        Assert.Equal(p.PolygonCount, views);
        Assert.True(views > 5);
    }

    [Fact]
    public void StoreKeepsWhatTheSinkWasGiven()
    {
        var pixels = TestRasters.Blobs(120, 90, 11);
        var store = new PolygonStore();
        var collector = new PolygonCollector();
        var p = new Polygonizer(120, view => { store.Add(view); collector.Add(view); }, PixelConnectivity.Eight, NorthUp);
        p.Push(pixels);
        p.Finish();
        Assert.Equal(collector.Polygons.Count, store.Count);
        Assert.Equal(collector.Polygons.Sum(q => (long)q.RingStarts[^1]), store.VertexCount);
        for (var i = 0; i < store.Count; i++)
        {
            var view = store[i];
            var kept = collector.Polygons[i];
            Assert.Equal(kept.Value, view.Value);
            Assert.Equal(kept.PixelCount, view.PixelCount);
            Assert.Equal(kept.Area, view.Area, 1e-12 * kept.Area);
            Assert.Equal(kept.RingStarts, view.RingStarts.ToArray());
            Assert.Equal(kept.Coordinates, view.Coordinates.ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => store[store.Count].Value);
    }

    [Fact]
    public void PolygonsAreEmittedAsSoonAsClosed()
    {
        // A 3x3 block of 1s at the top closes at row 3, long before the raster ends.
        const int w = 10, h = 200;
        var pixels = new byte[w * h];
        for (var y = 0; y < 3; y++)
            for (var x = 2; x < 5; x++) pixels[y * w + x] = 1;
        var emittedAt = new List<int>();
        Polygonizer? p = null;
        p = new Polygonizer(w, view => emittedAt.Add(p!.RowCount), PixelConnectivity.Four);
        for (var y = 0; y < h; y++) p.Push(pixels.AsSpan(y * w, w));
        p.Finish();
        Assert.Equal([3, 200], emittedAt);
    }

    [Fact]
    public void WorkingMemoryDoesNotGrowWithHeight()
    {
        // Noise in a band of rows: polygons keep closing, so the live vertices stay bounded by the width.
        static int Peak(int height)
        {
            var p = new Polygonizer(256, _ => { }, PixelConnectivity.Four);
            var rng = new Random(1);
            var row = new byte[256];
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < 256; x++) row[x] = (byte)rng.Next(4);
                p.Push(row);
            }
            p.Finish();
            return p.PeakVertexCount;
        }
        var small = Peak(500);
        var large = Peak(8000);
        Assert.True(large < small * 1.5, $"peak vertices {small} for 500 rows, {large} for 8000 rows");
    }

    [Fact]
    public void RejectsPartialRowsAndRowsAfterFinish()
    {
        var p = new Polygonizer(4, _ => { });
        Assert.Throws<ArgumentException>(() => p.Push(new byte[6]));
        Assert.Throws<ArgumentException>(() => p.Push(new byte[8], new byte[4]));
        p.Finish();
        Assert.Throws<InvalidOperationException>(() => p.Push(new byte[4]));
    }

    [Fact]
    public void EmptyRasterGivesNothing()
    {
        var p = new Polygonizer(5, _ => Assert.Fail("no polygon expected"));
        p.Finish();
        Assert.Equal(0, p.PolygonCount);
    }

    [Fact]
    public void RunEncodingVectorAndScalarAgree()
    {
        var rng = new Random(3);
        for (var width = 1; width <= 4 * 32 + 1; width++)
        {
            var a = new Polygonizer.RunRow(width);
            var b = new Polygonizer.RunRow(width);
            for (var trial = 0; trial < 6; trial++)
            {
                var row = new byte[width];
                var mask = new byte[width];
                for (var x = 0; x < width; x++)
                {
                    row[x] = (byte)(trial % 2 == 0 ? rng.Next(3) : (x / 5) % 3);
                    mask[x] = (byte)(rng.Next(4) == 0 ? 0 : rng.Next(1, 256));
                }
                foreach (var (m, nd) in new[] { (Array.Empty<byte>(), -1), (mask, -1), (Array.Empty<byte>(), 1), (mask, 2) })
                {
                    a.Encode(row, m, nd, vectorized: true);
                    b.Encode(row, m, nd, vectorized: false);
                    Assert.Equal(b.Count, a.Count);
                    Assert.Equal(b.Start.AsSpan(0, b.Count + 3).ToArray(), a.Start.AsSpan(0, a.Count + 3).ToArray());
                    Assert.Equal(b.Class.AsSpan(0, b.Count + 3).ToArray(), a.Class.AsSpan(0, a.Count + 3).ToArray());
                }
            }
        }
    }
}
