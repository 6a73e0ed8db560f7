using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Kernels;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tiling;
using WeiPian.Engine.Vector;
using WeiPian.Models;

namespace WeiPian.Bench.Pipeline;

/// <summary>
/// The detection pipeline on a synthesised scene pair, stage by stage and whole: reading both dates' chunks (GDAL),
/// the model's Run calls over every tile, the post stage's farmland mask and polygoniser over the class raster, and
/// a whole <c>detect</c> to a GeoPackage. Throughput columns: scene megapixels per second and km² per minute at the
/// scene's 0.8 m GSD. <c>dotnet run -c Release --project bench -- --filter '*PipelineBenchmarks*'</c>
/// </summary>
/// <remarks>
/// Stage times are each stage alone on the machine; in a detection they run at once on their own threads, so the
/// whole scene takes about as long as the slowest stage (the model), not their sum.
/// </remarks>
[Config(typeof(Config))]
[SceneGsd(BenchScene.Gsd)]
public class PipelineBenchmarks
{
    private string _dir = "";
    private ChangeDetector? _detector;
    private TileGrid? _tiles;
    private int[] _bands = [];
    private byte[] _classes = [];
    private LandSurvey? _survey;
    private PixelGrid? _grid;

    /// <summary><see cref="BenchConfigs.SecondsLong"/> with the scene throughput columns.</summary>
    public sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(BenchConfigs.SecondsLong);
            AddColumn(new SceneMegapixelsPerSecond(), new SceneSquareKilometresPerMinute());
        }
    }

    /// <summary>Scene side in pixels (the synthesised pair is Size x Size).</summary>
    [Params(2048)]
    public int Size { get; set; }

    /// <summary>Bundled model.</summary>
    [Params("spectral-v1", "fusion-unet-v1")]
    public string Model { get; set; } = "spectral-v1";

    [GlobalSetup]
    public void Setup()
    {
        _dir = BenchScene.Ensure(Size);
        _detector = new ChangeDetector(BundledModels.Resolve(Model));
        var model = _detector.Model;
        using (var before = Scene.Open(Before))
        {
            _bands = model.Card.BindBands(before.BandRoles, Before);
            _tiles = new TileGrid(before.Width, before.Height, model.TileSize, model.Halo);
            _grid = before.Grid;
        }
        _survey = LandSurvey.Load(Survey, _grid.Crs!, _grid.Bounds);
        var batch = model.DefaultBatch;
        var rng = new Random(1);
        for (var i = 0; i < model.BatchSize; i++)
        {
            Fill(batch.BeforeTile(i), rng);
            Fill(batch.AfterTile(i), rng);
        }

        // The class raster the post stage sees: one all-land detection, read back whole (2048² bytes).
        var classRaster = Path.Combine(_dir, $"classes-{Model}.tif");
        if (!File.Exists(classRaster))
            _detector.DetectToFileAsync(Pair, null, Path.Combine(_dir, $"setup-{Model}.gpkg"), new DetectionOptions { AllLand = true, ClassRasterPath = classRaster })
                .GetAwaiter().GetResult();
        using var raster = RasterDataset.Open(classRaster);
        _classes = new byte[raster.Width * raster.Height];
        raster.Read<byte>(1, raster.Extent, _classes);
    }

    private static void Fill(Span<float> tile, Random rng)
    {
        for (var j = 0; j < tile.Length; j++) tile[j] = (float)rng.NextDouble();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _detector?.Dispose();
    }

    private string Before => Path.Combine(_dir, "before.tif");
    private string After => Path.Combine(_dir, "after.tif");
    private string Survey => Path.Combine(_dir, "survey.gpkg");
    private ScenePair Pair => new(Before, After);

    /// <summary>
    /// Read stage: every chunk of every row of tiles, both dates, reflected at the edges. The scenes are opened afresh
    /// each time, so GDAL's block cache (which a closed dataset leaves) starts empty and every block is decoded.
    /// </summary>
    [Benchmark]
    public int Read()
    {
        var tiles = _tiles!;
        var region = new PixelWindow(0, 0, tiles.Width, tiles.Height);
        using var beforeScene = Scene.Open(Before);
        using var afterScene = Scene.Open(After);
        var before = StripReaders.For(beforeScene, region, _bands, tiles, 1);
        var after = StripReaders.For(afterScene, region, _bands, tiles, 1);
        for (var row = 0; row < tiles.Rows; row++)
            for (var chunk = 0; chunk < tiles.Chunks; chunk++)
            {
                before.Read(row, chunk, 0);
                after.Read(row, chunk, 0);
            }
        return tiles.Rows * tiles.Chunks;
    }

    /// <summary>Inference stage: the model's Run calls alone, one per batch of the scene's tiles.</summary>
    [Benchmark]
    public long Inference()
    {
        var model = _detector!.Model;
        var batches = (_tiles!.TileCount + model.BatchSize - 1) / model.BatchSize;
        for (var i = 0; i < batches; i++) model.Run(model.BatchSize);
        return batches;
    }

    /// <summary>Post stage: the survey's farmland burnt per strip, the class raster masked and polygonised.</summary>
    [Benchmark]
    public int Post()
    {
        var tiles = _tiles!;
        var width = tiles.Width;
        var polygons = new PolygonStore();
        var polygonizer = new Polygonizer(width, polygons, PixelConnectivity.Four, _grid!.Transform, noData: 0);
        var mask = new byte[tiles.Kept * width];
        var strip = new byte[tiles.Kept * width];
        for (var row = 0; row < tiles.Rows; row++)
        {
            var window = tiles.Strip(row);
            var n = window.Width * window.Height;
            var m = mask.AsSpan(0, n);
            m.Clear();
            var transform = _grid.Transform.Offset(0, window.Y);
            var (x0, y0) = transform.PixelToWorld(0, 0);
            var (x1, y1) = transform.PixelToWorld(window.Width, window.Height);
            var bounds = new NetTopologySuite.Geometries.Envelope(x0, x1, y0, y1);
            foreach (var parcel in _survey!.FarmlandNear(bounds)) PolygonRasterizer.Burn(parcel, transform, window.Width, window.Height, m);
            var s = strip.AsSpan(0, n);
            _classes.AsSpan(window.Y * width, n).CopyTo(s);
            SimdKernels.ApplyMask(s, m);
            polygonizer.Push(s);
        }
        polygonizer.Finish();
        return polygons.Count;
    }

    /// <summary>A whole detection: the pair and the survey in, attributed polygons on farmland written to a GeoPackage.</summary>
    [Benchmark]
    public int WholeScene()
    {
        var output = Path.Combine(_dir, $"tuban-{Model}.gpkg");
        return _detector!.DetectToFileAsync(Pair, Survey, output).GetAwaiter().GetResult().Count;
    }
}
