using WeiPian.Engine.Alignment;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Masks;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Alignment;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Masks;

/// <summary>A synthesised pair whose after date carries painted, unflagged clouds and shadows clear of every true change.</summary>
public sealed class CloudedPairFixture : IDisposable
{
    public const int Size = 1024;
    private readonly TempDir _dir = new();

    public CloudedPairFixture()
    {
        SceneSynthesizer.Run(new SynthOptions { Size = Size, Seed = 1004, WriteShapefiles = false }, _dir.Path);
        var change = new byte[Size * Size];
        using (var t = RasterDataset.Open(File("truth.tif"))) t.Read<byte>(1, t.Extent, change);
        var rng = new Random(15);
        var clouds = new List<CloudPainter.Cloud>();
        for (var tries = 0; clouds.Count < 6 && tries < 10_000; tries++)
        {
            var c = new CloudPainter.Cloud(rng.Next(60, Size - 60), rng.Next(60, Size - 60), rng.Next(35, 60), -70, -55);
            if (!Clear(change, c.X, c.Y, 1.3 * c.Radius + 20) || !Clear(change, c.X + c.ShadowDx, c.Y + c.ShadowDy, 1.3 * c.Radius + 20)) continue;
            clouds.Add(c);
        }
        Assert.Equal(6, clouds.Count);
        Truth = CloudPainter.Paint(File("after.tif"), clouds, seed: 3);
    }

    public string File(string name) => _dir.File(name);

    public ScenePair Pair => new(File("before.tif"), File("after.tif"));

    /// <summary>Per pixel: <see cref="CloudPainter.Clouded"/>, <see cref="CloudPainter.Shadowed"/>, <see cref="CloudPainter.Faint"/> or clear.</summary>
    public byte[] Truth { get; }

    // No true change within the disc (nor outside the scene, which the painter would clip).
    private static bool Clear(byte[] change, double cx, double cy, double r)
    {
        for (var y = (int)(cy - r); y <= cy + r; y++)
            for (var x = (int)(cx - r); x <= cx + r; x++)
            {
                if (x < 0 || y < 0 || x >= Size || y >= Size) continue;
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r && change[y * Size + x] is not (0 or 255)) return false;
            }
        return true;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// The cloud and shadow screen finds painted, unflagged clouds and their shadows, and detection with it reports far
/// fewer false polygons on them than without, while keeping the polygons elsewhere.
/// </summary>
public sealed class CloudScreenTests(CloudedPairFixture fx, ITestOutputHelper log) : IClassFixture<CloudedPairFixture>
{
    [Fact]
    public void DilationEqualsItsDefinition()
    {
        var rng = new Random(4);
        foreach (var (w, h) in new[] { (1, 1), (1, 9), (9, 1), (7, 5), (17, 23), (40, 3) })
            for (var radius = 0; radius <= 5; radius++)
            {
                var mask = new byte[w * h];
                for (var i = 0; i < mask.Length; i++) mask[i] = (byte)(rng.Next(12) == 0 ? 1 : 0);
                var result = new byte[w * h];
                MaskMorphology.Dilate(mask, result, new byte[w * h], w, h, radius, new int[w]);
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                    {
                        var any = false;
                        for (var yy = Math.Max(0, y - radius); yy <= Math.Min(h - 1, y + radius); yy++)
                            for (var xx = Math.Max(0, x - radius); xx <= Math.Min(w - 1, x + radius); xx++)
                                any |= mask[yy * w + xx] != 0;
                        Assert.True(any == (result[y * w + x] != 0), $"{w}x{h} radius {radius} at ({x}, {y})");
                    }
            }
    }

    [Fact]
    public void ShadeDarkensEveryBandAlikeAndAPondDoesNot()
    {
        var soil = new CloudScreen.Bgrn(0.10f, 0.13f, 0.16f, 0.22f);
        var shaded = new CloudScreen.Bgrn(0.045f, 0.049f, 0.053f, 0.066f);
        var pond = new CloudScreen.Bgrn(0.07f, 0.06f, 0.035f, 0.015f);
        var cloud = new CloudScreen.Bgrn(0.64f, 0.655f, 0.67f, 0.63f);
        var whiteRoof = new CloudScreen.Bgrn(0.33f, 0.34f, 0.35f, 0.37f);
        var neutral = CloudScreen.Typical.Neutral;
        Assert.True(CloudScreen.Classify(shaded, soil, neutral).HasFlag(CloudScreen.Kind.Shadow));
        Assert.False(CloudScreen.Classify(pond, soil, neutral).HasFlag(CloudScreen.Kind.Shadow));
        Assert.False(CloudScreen.Classify(pond, soil, neutral).HasFlag(CloudScreen.Kind.Dark));
        Assert.False(CloudScreen.Classify(pond, soil, neutral).HasFlag(CloudScreen.Kind.Penumbra));
        Assert.True(CloudScreen.Classify(cloud, soil, neutral).HasFlag(CloudScreen.Kind.Core));
        Assert.False(CloudScreen.Classify(whiteRoof, soil, neutral).HasFlag(CloudScreen.Kind.Core));
        Assert.Equal(CloudScreen.Kind.Clear, CloudScreen.Classify(soil, soil, neutral));
    }

    [Fact]
    public void ShadeIsJudgedAgainstWhatIsTypicalBetweenTheDates()
    {
        var soil = new CloudScreen.Bgrn(0.10f, 0.13f, 0.16f, 0.22f);
        var dimmer = new CloudScreen.Bgrn(0.055f, 0.072f, 0.088f, 0.121f); // 0.55 of soil in every band
        var penumbra = new CloudScreen.Bgrn(0.088f, 0.114f, 0.141f, 0.194f); // 0.88
        var median = soil.Sum;
        Assert.True(CloudScreen.Classify(dimmer, soil, new(new(1, 1, 1, 1), median, median)).HasFlag(CloudScreen.Kind.Shadow));
        // The whole scene is 0.6 as bright on this date (a hazier day, another gain): 0.55 is ordinary, not shade.
        var hazier = new CloudScreen.Typical(new(0.6f, 0.6f, 0.6f, 0.6f), 0.6f * median, median);
        Assert.Equal(CloudScreen.Kind.Clear, CloudScreen.Classify(dimmer, soil, hazier) & (CloudScreen.Kind.Shadow | CloudScreen.Kind.Penumbra));
        Assert.True(CloudScreen.Classify(penumbra, soil, new(new(1, 1, 1, 1), median, median)).HasFlag(CloudScreen.Kind.Penumbra));
        Assert.False(CloudScreen.Classify(penumbra, soil, new(new(1, 1, 1, 1), median, median)).HasFlag(CloudScreen.Kind.Shadow));
        // Soil before a new bright roof is 0.3 of it in every band alike, but it is ordinary soil under an extraordinary roof.
        var roof = new CloudScreen.Bgrn(0.33f, 0.43f, 0.53f, 0.73f);
        Assert.False(CloudScreen.Classify(soil, roof, new(new(1, 1, 1, 1), median, median)).HasFlag(CloudScreen.Kind.Shadow));
        Assert.True(CloudScreen.Classify(soil, roof, CloudScreen.Typical.Neutral).HasFlag(CloudScreen.Kind.Shadow));
    }

    [Fact]
    public void PenumbraGrowthEqualsRepeatedDilationWithinThePenumbra()
    {
        var rng = new Random(8);
        foreach (var (w, h) in new[] { (1, 1), (9, 1), (13, 7), (64, 48), (120, 90) })
        {
            var kinds = new byte[w * h];
            var shadow = new byte[w * h];
            for (var i = 0; i < kinds.Length; i++)
            {
                if (rng.Next(3) != 0) kinds[i] = (byte)CloudScreen.Kind.Penumbra;
                if (rng.Next(400) == 0) shadow[i] = 1;
            }
            var queue = new int[w * h];
            var shadows = 0;
            for (var i = 0; i < shadow.Length; i++) if (shadow[i] != 0) queue[shadows++] = i;
            var grown = (byte[])shadow.Clone();
            MaskMorphology.Grow(kinds, (byte)CloudScreen.Kind.Penumbra, CloudScreen.PenumbraReach, grown, new byte[w * h], w, h, queue, shadows);
            // The reference: PenumbraReach rounds of 3 x 3 dilation, each kept only on penumbra pixels.
            var expected = (byte[])shadow.Clone();
            for (var step = 0; step < CloudScreen.PenumbraReach; step++)
            {
                var next = (byte[])expected.Clone();
                for (var y = 0; y < h; y++)
                    for (var x = 0; x < w; x++)
                    {
                        if (expected[y * w + x] != 0 || kinds[y * w + x] == 0) continue;
                        for (var yy = Math.Max(0, y - 1); yy <= Math.Min(h - 1, y + 1); yy++)
                            for (var xx = Math.Max(0, x - 1); xx <= Math.Min(w - 1, x + 1); xx++)
                                if (expected[yy * w + xx] != 0) next[y * w + x] = 1;
                    }
                expected = next;
            }
            Assert.Equal(expected, grown);
        }
    }

    [Fact]
    public void FindsNineTenthsOfTheCloudAndShadowPixels()
    {
        using var screen = new CloudScreen(fx.Pair, null, 1023);
        var (found, truth, flagged, clear) = Found(Screened(screen));
        log.WriteLine($"cloud and shadow pixels found {found}/{truth} = {(double)found / truth:0.000}; clear pixels screened out {flagged}/{clear} = {(double)flagged / clear:0.0000}");
        Assert.True(truth > 20_000, $"{truth} painted pixels");
        Assert.True(found >= 0.9 * truth, $"found {found} of {truth} cloud and shadow pixels");
        Assert.True(flagged <= 0.05 * clear, $"screened out {flagged} of {clear} clear pixels");
    }

    /// <summary>
    /// With <see cref="ScenePair.Coregister"/>, the run reads the after date shifted back by the residual shift it measured;
    /// the screen, which reads the pair through an opening of its own, must read it so too
    /// (<see cref="CloudScreen.Follow"/>). Its mask then lies on the clouds where the model sees them; without, it
    /// compares pixels 8 px apart and lies 8 px off. The run's class raster leaves out exactly the followed mask.
    /// </summary>
    [Fact]
    public async Task OnAMisregisteredPairItFollowsTheRunsRegistration()
    {
        var after = fx.File("after-misregistered.tif");
        if (!File.Exists(after)) ShiftedImages.WriteContentShifted(fx.Pair.After, after, 8, -6);
        var pair = new ScenePair(fx.Pair.Before, after) { Coregister = true };
        using var aligned = AlignedPair.Open(pair, null);
        aligned.Register(pair);
        Assert.True(aligned.Registration is { IsGlobal: true, Corrected: true }, $"{aligned.Registration}");

        using var unfollowed = new CloudScreen(pair, null, 1023);
        using var followed = new CloudScreen(pair, null, 1023);
        followed.Follow(pair, aligned.Registration);
        var mask = Screened(followed);
        var (foundWithout, truth, flaggedWithout, _) = Found(Screened(unfollowed));
        var (found, _, flagged, clear) = Found(mask);

        log.WriteLine($"cloud and shadow pixels found {found}/{truth} following the registration, {foundWithout} not; clear pixels screened out {flagged}/{clear}, and {flaggedWithout} not following");
        Assert.True(found >= 0.9 * truth, $"found {found} of {truth} cloud and shadow pixels");
        Assert.True(flagged <= 0.05 * clear, $"screened out {flagged} of {clear} clear pixels");
        Assert.True(found - foundWithout >= 0.03 * truth, $"following the registration found {found}, not following it {foundWithout} of {truth}");
        Assert.True(flaggedWithout >= 1.5 * flagged, $"not following the registration screened out {flaggedWithout} clear pixels, following it {flagged}");

        // The run: its pixels not assessed, away from the edges the shift leaves without data, are the followed mask's.
        var classes = fx.File("misregistered-classes.tif");
        using (var detector = new ChangeDetector(SampleDetection.Model))
            await detector.DetectToFileAsync(pair, null, fx.File("misregistered.gpkg"),
                new DetectionOptions { AllLand = true, CloudScreen = true, ClassRasterPath = classes });
        var assessed = new byte[mask.Length];
        using (var raster = RasterDataset.Open(classes)) raster.Read<byte>(1, raster.Extent, assessed);
        // The after date as the run reads it: its pixels without data (the fixture flags some clouds so) are not assessed either.
        const int size = CloudedPairFixture.Size, edge = 16;
        var registered = new ushort[4 * size * size];
        aligned.Second.ReadBands<ushort>(aligned.RegionSecond, registered, [1, 2, 3, 4]);
        var noData = (ushort)aligned.Second.NoData[0]!.Value;
        long compared = 0;
        for (var y = edge; y < size - edge; y++)
            for (var x = edge; x < size - edge; x++)
            {
                var i = y * size + x;
                if (Enumerable.Range(0, 4).Any(b => registered[b * size * size + i] == noData)) continue;
                compared++;
                Assert.True((assessed[i] == ClassRasterLegend.NotAssessed) == (mask[i] == 0), $"pixel ({x}, {y})");
            }
        Assert.True(compared > 0.9 * size * size, $"{compared} pixels compared");
    }

    // Screens the whole scene in strips, as the run calls it, so the strips' margins are exercised; 0 = screened out.
    private static byte[] Screened(CloudScreen screen)
    {
        var full = PixelWindow.Full(CloudedPairFixture.Size, CloudedPairFixture.Size);
        var valid = new byte[(int)full.PixelCount];
        valid.AsSpan().Fill(1);
        for (var y = 0; y < full.Height; y += 200)
        {
            var strip = new PixelWindow(0, y, full.Width, Math.Min(200, full.Height - y));
            screen.Exclude(strip, valid.AsSpan(y * full.Width, (int)strip.PixelCount));
        }
        return valid;
    }

    // The painted cloud and shadow pixels screened out, and the clear pixels screened out.
    private (long Found, long Truth, long Flagged, long Clear) Found(byte[] valid)
    {
        long truth = 0, found = 0, clear = 0, flagged = 0;
        for (var i = 0; i < valid.Length; i++)
        {
            if (fx.Truth[i] is CloudPainter.Clouded or CloudPainter.Shadowed)
            {
                truth++;
                if (valid[i] == 0) found++;
            }
            else if (fx.Truth[i] == CloudPainter.Clear)
            {
                clear++;
                if (valid[i] == 0) flagged++;
            }
        }
        return (found, truth, flagged, clear);
    }

    [Fact]
    public async Task ScreenedDetectionReportsFarFewerPolygonsOnClouds()
    {
        using var detector = new ChangeDetector(SampleDetection.Model);
        async Task<(int OnClouds, int Elsewhere)> Run(bool clouds)
        {
            int on = 0, elsewhere = 0;
            using var grid = RasterDataset.Open(fx.Pair.Before);
            await foreach (var t in detector.DetectAsync(fx.Pair, fx.File("survey.gpkg"), new DetectionOptions { CloudScreen = clouds }))
            {
                var (c, r) = grid.GeoTransform.WorldToPixel(t.X, t.Y);
                var painted = fx.Truth[(int)r * CloudedPairFixture.Size + (int)c] != CloudPainter.Clear
                              || Touches(t, grid.GeoTransform);
                if (painted) on++;
                else elsewhere++;
            }
            return (on, elsewhere);
        }
        var without = await Run(false);
        var with = await Run(true);
        log.WriteLine($"polygons on painted clouds and shadows: {without.OnClouds} without the screen, {with.OnClouds} with; elsewhere {without.Elsewhere} and {with.Elsewhere}");
        Assert.True(without.OnClouds >= 3, $"only {without.OnClouds} false polygons on the painted clouds without the screen");
        Assert.True(with.OnClouds * 4 <= without.OnClouds, $"{with.OnClouds} polygons on clouds with the screen, {without.OnClouds} without");
        Assert.True(with.Elsewhere >= 0.9 * without.Elsewhere, $"the screen lost polygons away from the clouds: {with.Elsewhere} of {without.Elsewhere}");
    }

    // Whether any vertex of the polygon lies on a painted pixel.
    private bool Touches(Tuban t, GeoTransform transform) => t.Geometry.Coordinates.Any(p =>
    {
        var (c, r) = transform.WorldToPixel(p.X, p.Y);
        int x = Math.Clamp((int)c, 0, CloudedPairFixture.Size - 1), y = Math.Clamp((int)r, 0, CloudedPairFixture.Size - 1);
        return fx.Truth[y * CloudedPairFixture.Size + x] != CloudPainter.Clear;
    });
}
