using System.Globalization;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// A model whose card states <c>input.gsd</c> 0.8 m (a copy of spectral-v1's card given explicitly, as <c>--card</c>
/// does) on whole pairs synthesised at 0.5 m and at 2 m (issue 15 §2): refused without
/// <see cref="ScenePair.ResampleToModel"/>, in one line naming the file, both GSDs and <c>--resample-to-model</c>; with it
/// the model runs at 0.8 m, the polygons are in the scene's CRS with areas from their geometry, and the synthesiser's
/// changes are found about as well as on the native 0.8 m pair of the same seed and ground.
/// </summary>
public sealed class ResampleToModelTests(ITestOutputHelper log) : IDisposable
{
    // The same 1024 m square of ground at each GSD, so that the three pairs show the same place.
    private const double Ground = 1024;
    private const long Seed = 1531;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public async Task PairAtAnotherGsdIsRefusedWithoutTheOptionInOneLine(double gsd)
    {
        using var pair = SynthCase.Run(SynthCase.Clear(Side(gsd), Seed, gsd) with { Size = 64 });
        var card = SynthCase.SpectralCardWithGsd(_dir.Path, 0.8);
        var output = _dir.File("refused.gpkg");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["detect", "--before", pair.Before, "--after", pair.After, "--survey", pair.Survey,
            "--card", card, "--out", output]);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n'));
        Assert.Contains($"'{pair.Before}'", line, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{gsd:0.###} m"), line, StringComparison.Ordinal);
        Assert.Contains("0.8 m", line, StringComparison.Ordinal);
        Assert.EndsWith("(--resample-to-model)", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task PairsAtHalfAMetreAndTwoMetresRunAtTheModelsGsdAndFindWhatTheNativePairFinds()
    {
        var card = SynthCase.SpectralCardWithGsd(_dir.Path, 0.8);
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"), new InferenceOptions { CardPath = card });
        using var native = SynthCase.Run(SynthCase.Clear(Side(0.8), Seed, 0.8, changesPerKm2: 50));
        var (_, reference) = await native.DetectAsync(detector, native.Pair with { ResampleToModel = true });
        log.WriteLine(SynthCase.Describe("native 0.8 m", reference));
        Assert.True(reference.TruthCount >= 30, $"{reference.TruthCount} changes on farmland");

        var failures = new List<string>();
        foreach (var gsd in new[] { 0.5, 2.0 })
        {
            using var pair = SynthCase.Run(SynthCase.Clear(Side(gsd), Seed, gsd, changesPerKm2: 50));
            await Assert.ThrowsAsync<InputException>(() => pair.DetectAsync(detector, pair.Pair));
            var (tubans, found) = await pair.DetectAsync(detector, pair.Pair with { ResampleToModel = true });
            var name = string.Create(CultureInfo.InvariantCulture, $"{gsd} m with --resample-to-model");
            log.WriteLine(SynthCase.Describe(name, found));

            AssertInSceneCrsOnTheModelsGrid(pair.Before, tubans);
            if (found.Recall < reference.Recall - 0.05) failures.Add($"{SynthCase.Describe(name, found)}; {SynthCase.Describe("native", reference)}");
        }
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(2.0, true)]
    [InlineData(1.6, true)]
    [InlineData(1.5, false)]
    [InlineData(0.5, false)]
    public void APairTwiceTheModelsGsdOrCoarserIsReadWithTheSensorsOwnValues(double gsd, bool nearest)
    {
        using var pair = SynthCase.Run(SynthCase.Clear(Side(gsd), Seed, gsd) with { Size = 64 });
        using var aligned = AlignedPair.Open(pair.Pair with { ResampleToModel = true }, modelGsd: 0.8);
        using var source = Scene.Open(pair.Before);
        var grid = aligned.Grid;
        Assert.Equal(0.8, grid.PixelSizeX, 1e-9);

        var read = new ushort[grid.Width * grid.Height];
        aligned.First.Read(1, aligned.RegionFirst, read.AsSpan());
        var own = new ushort[source.Grid.Width * source.Grid.Height];
        source.Read(1, source.Grid.Extent, own.AsSpan());

        // Nearest neighbour by its definition: the source pixel whose footprint holds the target pixel's centre.
        var (t, s) = (grid.Transform, source.Grid.Transform);
        var differ = 0;
        for (var row = 0; row < grid.Height; row++)
        {
            for (var column = 0; column < grid.Width; column++)
            {
                var (x, y) = t.PixelToWorld(column + 0.5, row + 0.5);
                var (c, r) = s.WorldToPixel(x, y);
                if (read[row * grid.Width + column] != own[(int)Math.Floor(r) * source.Grid.Width + (int)Math.Floor(c)]) differ++;
            }
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{gsd} m read at 0.8 m: {differ} of {read.Length} pixels differ from the nearest source pixel"));
        if (nearest) Assert.Equal(0, differ);
        else Assert.True(differ > read.Length / 4, $"{gsd} m read at 0.8 m: only {differ} of {read.Length} pixels interpolated");
    }

    // The polygons lie in the scene (its CRS, its ground), their vertices on a 0.8 m grid from the scene's origin, and each
    // polygon's JCMJ is the area of its geometry in the scene's CRS, not a count of the scene's own pixels.
    private static void AssertInSceneCrsOnTheModelsGrid(string before, IReadOnlyList<Tuban> tubans)
    {
        using var scene = RasterDataset.Open(before);
        Assert.Equal(4546, scene.SpatialReference!.Epsg);
        var t = scene.GeoTransform;
        var bounds = new BoundingBox(t.OriginX, t.OriginY - Ground, t.OriginX + Ground, t.OriginY);
        Assert.NotEmpty(tubans);
        foreach (var p in tubans)
        {
            var e = p.Geometry.EnvelopeInternal;
            Assert.True(e.MinX >= bounds.MinX - 1e-6 && e.MaxX <= bounds.MaxX + 1e-6 && e.MinY >= bounds.MinY - 1e-6 && e.MaxY <= bounds.MaxY + 1e-6,
                $"{p.Jcbh} at {e} outside the scene {bounds}");
            Assert.Equal(p.Geometry.Area, p.Jcmj, 1e-6 * p.Jcmj);
            foreach (var c in p.Geometry.Coordinates)
            {
                var column = (c.X - t.OriginX) / 0.8;
                var row = (t.OriginY - c.Y) / 0.8;
                Assert.True(Math.Abs(column - Math.Round(column)) < 1e-6 && Math.Abs(row - Math.Round(row)) < 1e-6,
                    $"vertex {c} of {p.Jcbh} is not on the 0.8 m grid from {t.OriginX}, {t.OriginY}");
            }
        }
    }

    private static int Side(double gsd) => (int)Math.Round(Ground / gsd);
}
