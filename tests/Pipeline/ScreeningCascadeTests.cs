using System.Globalization;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tiling;
using WeiPian.Models;
using WeiPian.Synth;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The screening cascade (<see cref="InferenceOptions.ScreenModelPath"/>): spectral-v1 screens every tile, fusion-unet-v1
/// runs only on the tiles it flags and those within its halo of a flagged pixel; on a sparse scene the polygons must be those of fusion-unet-v1
/// alone, from fewer of its tiles.
/// </summary>
public class ScreeningCascadeTests(ITestOutputHelper output)
{
    private static string Model => BundledModels.Resolve("fusion-unet-v1");
    private static string Screen => BundledModels.Resolve("spectral-v1");

    // 1536² at 0.8 m is 1.5 km²: 4 changes/km² plant about six objects, enough to find, few enough to leave tiles alone.
    private static ScenePair Synthesise(string folder, long seed = 1019) =>
        Synthesised(folder, new SynthOptions { Size = 1536, Seed = seed, ChangesPerKm2 = 4, WriteShapefiles = false });

    private static ScenePair Synthesised(string folder, SynthOptions options)
    {
        SceneSynthesizer.Run(options, folder);
        return new ScenePair(Path.Combine(folder, "before.tif"), Path.Combine(folder, "after.tif"));
    }

    [Fact]
    public async Task ScreenedRunGivesTheUnscreenedPolygonsFromFewerTiles()
    {
        using var dir = new TempDir();
        var pair = Synthesise(dir.Path);
        var options = new DetectionOptions { AllLand = true };
        var survey = dir.File("survey.gpkg");
        using var alone = new ChangeDetector(Model);
        var unscreened = await alone.DetectToFileAsync(pair, survey, dir.File("alone.gpkg"), options);
        using var cascade = new ChangeDetector(Model, new InferenceOptions { ScreenModelPath = Screen });
        var screened = await cascade.DetectToFileAsync(pair, survey, dir.File("cascade.gpkg"), options);
        output.WriteLine($"unscreened: {unscreened.Count} polygons, model on {unscreened.ModelTiles} of {unscreened.Tiles} tiles");
        output.WriteLine($"screened: {screened.Count} polygons, model on {screened.ModelTiles} of {screened.Tiles} tiles; {screened.Screen}");
        Assert.Equal("spectral-v1", cascade.ScreenCard?.Name);
        Assert.True(unscreened.Count >= 3, $"only {unscreened.Count} polygons: the scene tests nothing");
        Assert.Equal(Polygons(dir.File("alone.gpkg")), Polygons(dir.File("cascade.gpkg")));
        Assert.Equal(unscreened.Tiles, unscreened.ModelTiles);
        Assert.Equal(unscreened.Tiles, screened.Tiles);
        Assert.True(screened.ModelTiles < screened.Tiles * 4 / 5, $"the model ran on {screened.ModelTiles} of {screened.Tiles} tiles");
        Assert.Contains($"of {screened.Tiles} passed", screened.Screen, StringComparison.Ordinal);
        Assert.Equal("", unscreened.Screen);
    }

    /// <summary>
    /// A planted object cut by a tile edge: the detection tiles are sized so that the edge between two kept centres runs
    /// through the middle of the object, so both tiles must run, and the object must come out whole and as without a screen.
    /// </summary>
    [Fact]
    public async Task TileWithChangeAtItsEdgeRunsWithItsNeighbour()
    {
        using var dir = new TempDir();
        var pair = Synthesise(dir.Path, seed: 1020);
        using var raster = RasterDataset.Open(pair.Before);
        var transform = raster.GeoTransform;
        // The widest planted object, and a tile whose kept width puts a tile edge through its middle third.
        var truth = Evaluator.ReadPolygons(dir.File("truth.gpkg")).MaxBy(p => p.Geometry.EnvelopeInternal.Width)!;
        var (left, _) = transform.WorldToPixel(truth.Geometry.EnvelopeInternal.MinX, 0);
        var (right, _) = transform.WorldToPixel(truth.Geometry.EnvelopeInternal.MaxX, 0);
        var third = (right - left) / 3;
        const int halo = 48;
        var tile = Enumerable.Range(0, 23).Select(k => 160 + 16 * k)
            .First(t => Math.Floor((right - third) / (t - 2 * halo)) * (t - 2 * halo) > left + third);
        var kept = tile - 2 * halo;
        var column = (int)Math.Floor((right - third) / kept); // the tile right of the edge
        output.WriteLine(FormattableString.Invariant($"object columns {left:0}..{right:0}, tile {tile} (kept {kept}): edge at {column * kept}"));

        var options = new DetectionOptions { AllLand = true };
        using var model = ChangeModel.Load(Model, new InferenceOptions { TileSize = tile });
        using var screen = ChangeModel.Load(Screen, new InferenceOptions { Lanes = 1 });
        var unscreened = await Run(new DetectionRun(model, pair, null, options));
        var run = new DetectionRun(model, pair, null, options, new Screening(screen, InferenceOptions.DefaultScreenThreshold));
        var screened = await Run(run);
        var (_, top) = transform.WorldToPixel(0, truth.Geometry.EnvelopeInternal.MaxY);
        var row = (int)(top / kept);
        output.WriteLine($"{run.Screen!.Description}; model on {run.ModelTiles} of {run.Tiles.TileCount} tiles");
        Assert.False(run.Screen.LeavesOut(row, column - 1));
        Assert.False(run.Screen.LeavesOut(row, column));
        Assert.Equal(run.Screen.Passed, run.ModelTiles);
        Assert.True(run.ModelTiles < run.Tiles.TileCount, $"the model ran on every one of {run.Tiles.TileCount} tiles");
        // The object, cut by the edge, is one polygon in both runs, and the runs agree on every polygon.
        var across = unscreened.Where(p => p.Geometry.EnvelopeInternal.MinX < transform.PixelToWorld(column * kept, 0).X
            && p.Geometry.EnvelopeInternal.MaxX > transform.PixelToWorld(column * kept, 0).X && p.Geometry.Intersects(truth.Geometry)).ToList();
        Assert.NotEmpty(across);
        Assert.Equal(unscreened.Select(Key).Order(StringComparer.Ordinal), screened.Select(Key).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The detection reads no chunk whose tiles the screen all left out, except one holding pixels without data, which
    /// the class raster must mark "not assessed" as the unscreened run does: a block without data in both dates, planted
    /// in a chunk the screen first left unread, makes it read, and the class rasters' nodata agree pixel for pixel. The
    /// screen is screen-v1, the bundled purpose-trained one; the polygons are those of the unscreened run.
    /// </summary>
    [Fact]
    public async Task ChunkWithoutDataIsReadSoTheClassRasterMarksItAsWithoutTheScreen()
    {
        using var dir = new TempDir();
        var pair = Synthesise(dir.Path);
        using var model = ChangeModel.Load(Model);
        using var screen = ChangeModel.Load(BundledModels.Resolve("screen-v1"));
        var screening = new Screening(screen, InferenceOptions.DefaultScreenThreshold);
        var first = new DetectionRun(model, pair, null, new DetectionOptions { AllLand = true }, screening);
        await Run(first);
        var tiles = first.Tiles;
        var unread = Enumerable.Range(0, tiles.Rows * tiles.Chunks).Where(k => first.Screen!.SkipsRead(k / tiles.Chunks, k % tiles.Chunks)).ToList();
        output.WriteLine($"{first.Screen!.Description}; {tiles}");
        Assert.True(unread.Count > 0, "the screen left no chunk unread: the scene tests nothing");

        var (row, chunk) = (unread[0] / tiles.Chunks, unread[0] % tiles.Chunks);
        var x0 = chunk * tiles.ChunkTiles * tiles.Kept;
        var block = new PixelWindow(x0 + Math.Min(tiles.ChunkTiles * tiles.Kept, tiles.Width - x0) / 2, row * tiles.Kept + tiles.Kept / 2, 24, 24);
        foreach (var date in new[] { pair.Before, pair.After })
        {
            using var raster = RasterDataset.Open(date, update: true);
            for (var band = 1; band <= raster.BandCount; band++) raster.Write<ushort>(band, block, new ushort[block.Width * block.Height]);
        }
        var alone = dir.File("alone.tif");
        var unscreened = await Run(new DetectionRun(model, pair, null, new DetectionOptions { AllLand = true, ClassRasterPath = alone }));
        var cascade = dir.File("cascade.tif");
        var second = new DetectionRun(model, pair, null, new DetectionOptions { AllLand = true, ClassRasterPath = cascade }, screening);
        var screened = await Run(second);
        Assert.Equal(unscreened.Select(Key).Order(StringComparer.Ordinal), screened.Select(Key).Order(StringComparer.Ordinal));
        output.WriteLine($"after planting {block}: {second.Screen!.Description}");
        Assert.All(Enumerable.Range(chunk * tiles.ChunkTiles, tiles.TilesIn(chunk)), column => Assert.True(second.Screen.LeavesOut(row, column)));
        Assert.False(second.Screen.SkipsRead(row, chunk));
        Assert.Equal(first.Screen.Unread - 1, second.Screen.Unread);
        var (withoutScreen, withScreen) = (NotAssessed(alone), NotAssessed(cascade));
        Assert.True(withoutScreen.Length >= block.Width * block.Height, $"{withoutScreen.Length} px not assessed");
        Assert.Equal(withoutScreen, withScreen);
    }

    /// <summary>
    /// A screen of block means (card input.form "blocks") passes the very tiles its twin on full-resolution pairs passes:
    /// the same 1x1 head on the same 4 x 4 block means, averaged by the engine while it scales (SimdKernels.BlockMeans)
    /// or by the graph's average poolings, with logits per block or repeated over its pixels (make_test_models.py (h),
    /// (i)). A block grid shifted against the tile, a wrong date or band in a mean, or a block that flags pixels outside
    /// its own would pass other tiles.
    /// </summary>
    [Fact]
    public async Task ScreenOfBlockMeansPassesTheTilesOfItsFullResolutionTwin()
    {
        using var dir = new TempDir();
        var pair = Synthesise(dir.Path);
        using var model = ChangeModel.Load(Screen);
        var passed = new List<bool[]>();
        foreach (var name in new[] { "screen-pixels.onnx", "screen-blocks.onnx" })
        {
            using var screen = ChangeModel.Load(Path.Combine(TestModels.Folder, name));
            var run = new DetectionRun(model, pair, null, new DetectionOptions { AllLand = true }, new Screening(screen, InferenceOptions.DefaultScreenThreshold));
            await Run(run);
            var tiles = run.Tiles;
            output.WriteLine($"{name}: {run.Screen!.Description}");
            passed.Add(Enumerable.Range(0, (int)tiles.TileCount).Select(k => !run.Screen.LeavesOut(k / tiles.Columns, k % tiles.Columns)).ToArray());
        }
        Assert.Equal(passed[0], passed[1]);
        Assert.InRange(passed[1].Count(p => p), 1, passed[1].Length * 4 / 5);
    }

    private static int[] NotAssessed(string classRaster)
    {
        using var raster = RasterDataset.Open(classRaster);
        var classes = new byte[raster.Width * raster.Height];
        raster.Read<byte>(1, raster.Extent, classes);
        return classes.Select((c, i) => c == ClassRasterLegend.NotAssessed ? i : -1).Where(i => i >= 0).ToArray();
    }

    [Fact]
    public void FlaggedPixelPassesItsTileAndTheNeighboursWithinTheHalo()
    {
        // 500 x 400 px in tiles of 256 with a halo of 48: kept centres of 160 px, 4 columns x 3 rows.
        var grid = new TileGrid(500, 400, 256, 48);
        var flagged = new bool[grid.Columns * grid.Rows];
        var passes = new bool[flagged.Length];
        TileScreen.Around(80, 80, grid, flagged, passes); // in the middle of tile (0, 0): that tile only
        Assert.Equal([0], Indices(passes));
        TileScreen.Around(150, 80, grid, flagged, passes); // 10 px from its right edge: the neighbour across it too
        Assert.Equal([0, 1], Indices(passes));
        TileScreen.Around(470, 390, grid, flagged, passes); // near the region's corner, in tile (2, 2): and (2, 3), 30 px away
        Assert.Equal([0, 1, 10, 11], Indices(passes));
        Assert.Equal([0, 10], Indices(flagged));
    }

    private static int[] Indices(bool[] flags) => flags.Select((f, i) => f ? i : -1).Where(i => i >= 0).ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(0.6)]
    [InlineData(double.NaN)]
    public void ThresholdOutsideTheRecallRangeIsRefused(double threshold)
    {
        var e = Assert.Throws<InputException>(() => new ChangeDetector(Model, new InferenceOptions { ScreenModelPath = Screen, ScreenThreshold = threshold }));
        Assert.Equal(nameof(InferenceOptions.ScreenThreshold), e.Setting);
        Assert.Contains("at most 0.5", e.Message, StringComparison.Ordinal);
    }

    private static async Task<List<Tuban>> Run(DetectionRun run)
    {
        using (run)
        {
            var tubans = new List<Tuban>();
            await foreach (var t in run.RunAsync(null, CancellationToken.None)) tubans.Add(t);
            return tubans;
        }
    }

    private static string Key(Tuban t) => Key(t.ClassId, t.Geometry);

    private static List<string> Polygons(string path) =>
        Evaluator.ReadPolygons(path).Select(p => Key(p.ClassId, p.Geometry)).Order(StringComparer.Ordinal).ToList();

    private static string Key(int classId, NetTopologySuite.Geometries.Geometry geometry)
    {
        var normal = geometry.Copy();
        normal.Normalize();
        return classId.ToString(CultureInfo.InvariantCulture) + " " + normal.AsText();
    }
}
