using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Masks;
using WeiPian.Engine.Output;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tiling;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// One scene pair through the pipeline. The constructor checks everything that can be checked before work
/// (files, grids, bands against the model, survey, CRS) and throws on the first problem; <see cref="RunAsync"/>
/// then streams attributed 图斑 as the strips go by.
/// </summary>
internal sealed class DetectionRun : IDisposable
{
    private readonly ChangeModel _model;
    private readonly DetectionOptions _options;
    private readonly Scene _before;
    private readonly Scene _after;
    private readonly PixelWindow _regionBefore;
    private readonly PixelWindow _regionAfter;
    private readonly int[] _bandsBefore;
    private readonly int[] _bandsAfter;
    private readonly LandSurvey? _survey;
    private readonly string _workDir;
    private readonly AtomicOutput? _classRaster;
    private readonly ExclusionMask[] _exclusions = [];

    public DetectionRun(ChangeModel model, ScenePair pair, string? surveyPath, DetectionOptions options, Screening? screening = null)
    {
        var checks = StageTimes.Start();
        _model = model;
        _options = options;
        if (!(options.SimplifyTolerance >= 0) || double.IsPositiveInfinity(options.SimplifyTolerance))
            throw new InputException($"A simplification tolerance of {options.SimplifyTolerance.ToString(CultureInfo.InvariantCulture)}: it is a distance in metres, 0 or more.") { Setting = nameof(options.SimplifyTolerance) };
        if (surveyPath is null && !options.AllLand)
            throw new InputException("A land survey (DLTB) is needed to find farmland; give one, or report change on all land.") { Setting = nameof(options.AllLand) };
        if (!CountyCode.IsValid(options.DefaultCounty))
            throw new InputException($"Default county code '{options.DefaultCounty}': a county code (XZQDM) is 6 digits.");
        options.CheckMinimumAreas(model.Card);
        if (surveyPath is not null) LandSurvey.Validate(surveyPath, options.Survey);
        try
        {
            if (options.ClassRasterPath is { } classRaster)
            {
                OutputPaths.EnsureApart(classRaster, pair.Before, pair.After, surveyPath, model.ModelPath);
                _classRaster = AtomicOutput.Begin(classRaster, OutputLayout.File, options.Logger);
            }
            var aligned = AlignedPair.Open(pair, model.Card.Input.Gsd);
            (_before, _after, _regionBefore, _regionAfter) = (aligned.First, aligned.Second, aligned.RegionFirst, aligned.RegionSecond);
            Grid = aligned.Grid;
            checks = Times.Add(StageTimes.Stage.Grids, checks);
            Crs = Grid.Crs ?? throw new PixelGridException($"'{pair.Before}' has no CRS; areas and coordinates need one.");
            if (!Crs.IsProjected)
                throw new PixelGridException(
                    $"'{pair.Before}' is in a geographic CRS ({Crs}); areas need a projected CRS in metres, e.g. CGCS2000 / 3-degree Gauss-Kruger (EPSG:4513-4554). Reproject it with gdalwarp first.");
            _bandsBefore = model.Card.BindBands(_before.BandRoles, pair.Before);
            _bandsAfter = model.Card.BindBands(_after.BandRoles, pair.After);
            BeforeDate = _before.DateOrRefuse(pair.BeforeDate, nameof(pair.BeforeDate), "before");
            AfterDate = _after.DateOrRefuse(pair.AfterDate, nameof(pair.AfterDate), "after");
            _exclusions = ExclusionMask.ForRun(options, model.Card, pair, Grid);
            Tiles = new TileGrid(_regionBefore.Width, _regionBefore.Height, model.TileSize, model.Halo, ChunkTiles(model));
            Radiometry = RadiometryPlan.Prepare(model.Card, _before, _regionBefore, _bandsBefore, _after, _regionAfter, _bandsAfter, options.Radiometry);
            checks = Times.Add(StageTimes.Stage.Checks, checks);
            _survey = surveyPath is null ? null : LandSurvey.Load(surveyPath, Crs, Grid.Bounds, options.Survey);
            checks = Times.Add(StageTimes.Stage.Survey, checks);
            aligned.Register(pair);
            (_after, _regionAfter, Registration) = (aligned.Second, aligned.RegionSecond, aligned.Registration);
            CoregistrationCheck.WarnIfLarge(Registration, pair, options.Logger);
            Times.Add(StageTimes.Stage.Grids, checks);
            // After every other check, on the scenes the model reads (the after date as registered, where it is).
            Screen = screening is null ? null : new TileScreen(screening, pair, _before, _regionBefore, _after, _regionAfter, Tiles, options.Radiometry);
            BeforeId = pair.BeforeId ?? _before.SceneId;
            AfterId = pair.AfterId ?? _after.SceneId;
            _workDir = WorkFolder.Create(options.TempDirectory ?? Path.GetTempPath(), options.Logger);
        }
        catch
        {
            foreach (var mask in _exclusions) mask.Dispose();
            _classRaster?.Dispose();
            _before?.Dispose();
            _after?.Dispose();
            throw;
        }
    }

    /// <summary>The output grid: the part of the before image that the after image also covers.</summary>
    public PixelGrid Grid { get; }

    /// <summary>The residual shift measured between the dates; null when it could not be measured.</summary>
    public Coregistration? Registration { get; }

    /// <summary>The scene CRS.</summary>
    public SpatialReference Crs { get; }

    /// <summary>How the region is tiled.</summary>
    public TileGrid Tiles { get; }

    /// <summary>QSX: the before date given, else the one its file records or is named by.</summary>
    public DateOnly BeforeDate { get; }

    /// <summary>HSX: the after date given, else the one its file records or is named by; the year of JCBH.</summary>
    public DateOnly AfterDate { get; }

    /// <summary>Each date's scaling onto the model, decided from both scenes' samples.</summary>
    public RadiometryPlan Radiometry { get; }

    public string BeforeId { get; }
    public string AfterId { get; }

    /// <summary>The screening cascade's first stage; null when every tile runs.</summary>
    public TileScreen? Screen { get; }

    /// <summary>Tiles the model ran on (not those off farmland, without data or left out by the screen); read once the run has finished.</summary>
    public long ModelTiles { get; private set; }

    /// <summary>Pixels classified.</summary>
    public long Pixels => (long)Grid.Width * Grid.Height;

    /// <summary>Pixels the model gave no number for (NaN), counted as no change; read once the run has finished.</summary>
    public long NoNumberPixels { get; private set; }

    /// <summary>Time per stage so far.</summary>
    public StageTimes Times { get; } = new();

    /// <summary>Class strips: one being masked and filled, one being finished, one in the post stage.</summary>
    private const int Strips = 3;

    /// <summary>Chunks of input in flight between the read and prepare stages.</summary>
    private const int ReadSlots = 3;

    /// <summary>Model batches besides one per lane in the model: one being filled, one being classified, one spare to absorb jitter.</summary>
    private const int BatchesBesideLanes = 3;

    // Whole batches per chunk, enough of them to cover TileGrid.ChunkColumns columns.
    private static int ChunkTiles(ChangeModel model)
    {
        var tiles = (TileGrid.ChunkColumns + model.Kept - 1) / model.Kept;
        return (tiles + model.BatchSize - 1) / model.BatchSize * model.BatchSize;
    }

    /// <summary>
    /// A batch between the prepare, infer and stitch stages: tiles <c>Column .. Column + Span - 1</c> of the strip's row,
    /// of which those with bit <c>i</c> of <c>Skipped</c> set hold no pixel that may be change (off farmland or nodata in
    /// a date, or left out by the screen) and are not run; the other <c>Count</c> fill the batch's first slots in column order. <c>Seq</c> numbers the
    /// works in the order the prepare stage made them, which the stitch stage restores after the lanes.
    /// </summary>
    private readonly record struct Work(ClassStrip Strip, int Column, int Span, int Count, ulong Skipped, TileBatch Batch, int Seq);

    /// <summary>Most tiles one <see cref="Work"/> covers (the bits of its skip mask).</summary>
    private const int MaxSpan = 64;

    /// <summary>
    /// Runs the pipeline and yields each polygon, attributed, as soon as it is closed. With a screen, its pass over the
    /// scene (<see cref="TileScreen"/>) comes first and decides which tiles the model runs. Five stages run at once, each on
    /// its own thread, joined by bounded channels so the slowest (the model) sets the pace and the others hide behind it:
    /// <list type="number">
    /// <item>read: both dates' padded windows for a chunk of a row of tiles (GDAL), into one of <see cref="ReadSlots"/> slots;</item>
    /// <item>prepare: the farmland and nodata masks, then each batch of tiles scaled into one of the pooled model
    /// batches; a tile whose kept centre holds no pixel that may be change is left out of the model altogether;</item>
    /// <item>infer: the model, and nothing else, so its cores never wait for our work; <see cref="ChangeModel.Lanes"/> threads
    /// each run whole batches, which the stitch stage puts back in order;</item>
    /// <item>stitch: classes and confidence from the model output, kept centres placed in the strip;</item>
    /// <item>post: the masks applied, the optional class raster (strips and their overviews; after the last strip its COG is
    /// made on its own task while the polygons finish), the streaming polygoniser and the attributes.</item>
    /// </list>
    /// Buffers are made once and circulate (chunks, batches, strips), so the steady state allocates nothing per tile;
    /// memory holds only what is in flight and the polygons still open. The first failure of any stage ends the run and
    /// is what the caller sees; cancellation stops every stage between tiles.
    /// </summary>
    public async IAsyncEnumerable<Tuban> RunAsync(IProgress<DetectionProgress>? progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tiles = Tiles;
        if (Screen is not null) await Screen.ScreenAsync(Times, cancellationToken).ConfigureAwait(false);
        var readBefore = StripReaders.For(_before, _regionBefore, _bandsBefore, tiles, ReadSlots);
        var readAfter = StripReaders.For(_after, _regionAfter, _bandsAfter, tiles, ReadSlots);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = stop.Token;
        var freeSlots = Bounded<int>(ReadSlots);
        var read = Bounded<(int Row, int Chunk, int Slot)>(ReadSlots);
        var lanes = _model.Lanes;
        var batches = lanes + BatchesBesideLanes;
        var freeBatches = Bounded<TileBatch>(batches);
        var scaled = Bounded<Work>(1, singleReader: lanes == 1);
        var inferred = Bounded<Work>(1, singleWriter: lanes == 1);
        var freeStrips = Bounded<ClassStrip>(Strips);
        var classified = Bounded<ClassStrip>(Strips);
        var output = Bounded<Tuban>(256);
        for (var i = 0; i < ReadSlots; i++) freeSlots.Writer.TryWrite(i);
        for (var i = 0; i < batches; i++) freeBatches.Writer.TryWrite(_model.Batch(i));
        for (var i = 0; i < Strips; i++) freeStrips.Writer.TryWrite(new ClassStrip(tiles));
        long tilesDone = 0, polygons = 0;

        // A failing stage closes every hand-over (the free pools too) with its error first, then stops the others, so
        // its error is the one the caller gets and no stage waits forever. Cancellation closes them the same way, once:
        // the stages wait on the channels without a token, because a cancellable wait allocates (a registration) and
        // an uncancellable one reuses the channel's own operation, which keeps the steady state free of allocations.
        void Close(Exception e)
        {
            output.Writer.TryComplete(e);
            read.Writer.TryComplete(e);
            scaled.Writer.TryComplete(e);
            inferred.Writer.TryComplete(e);
            classified.Writer.TryComplete(e);
            freeSlots.Writer.TryComplete(e);
            freeBatches.Writer.TryComplete(e);
            freeStrips.Writer.TryComplete(e);
        }
        using var closeOnStop = ct.Register(() => Close(new OperationCanceledException(ct)));

        Task Stage(Func<Task> body) => Task.Run(async () =>
        {
            try
            {
                await body().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Close(e);
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);

        var reader = Stage(async () =>
        {
            for (var row = 0; row < tiles.Rows; row++)
                for (var chunk = 0; chunk < tiles.Chunks; chunk++)
                {
                    var slot = await freeSlots.Reader.ReadAsync().ConfigureAwait(false);
                    var t = StageTimes.Start();
                    readBefore.Read(row, chunk, slot);
                    readAfter.Read(row, chunk, slot);
                    Times.Add(StageTimes.Stage.Read, t);
                    await read.Writer.WriteAsync((row, chunk, slot)).ConfigureAwait(false);
                }
            read.Writer.Complete();
        });

        var prepare = Stage(async () =>
        {
            var (scaleBefore, scaleAfter) = (Radiometry.Before, Radiometry.After);
            var plane = tiles.Tile * tiles.Tile;
            var farmland = _options.AllLand ? [] : new byte[tiles.Kept * tiles.Width];
            ClassStrip? strip = null;
            var seq = 0;
            await foreach (var (row, chunk, slot) in read.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                var t = StageTimes.Start();
                if (chunk == 0)
                {
                    strip = await freeStrips.Reader.ReadAsync().ConfigureAwait(false);
                    t = StageTimes.Start();
                    strip.Begin(row);
                    if (!_options.AllLand) MaskFarmland(strip, farmland);
                    foreach (var mask in _exclusions) mask.Exclude(strip.Window, strip.Valid.AsSpan(0, strip.Length));
                }
                readBefore.MarkNoData(slot, strip!.Window, strip.Valid);
                readAfter.MarkNoData(slot, strip.Window, strip.Valid);
                Times.Add(StageTimes.Stage.Mask, t);
                var end = chunk * tiles.ChunkTiles + tiles.TilesIn(chunk);
                for (var c0 = chunk * tiles.ChunkTiles; c0 < end;)
                {
                    var batch = await freeBatches.Reader.ReadAsync().ConfigureAwait(false);
                    t = StageTimes.Start();
                    int span = 0, n = 0;
                    var skipped = 0UL;
                    for (; c0 + span < end && n < _model.BatchSize && span < MaxSpan; span++)
                    {
                        var column = c0 + span;
                        if (!strip.AnyValid(column) || Screen?.LeavesOut(row, column) == true)
                        {
                            skipped |= 1UL << span;
                            continue;
                        }
                        var before = batch.BeforeTile(n);
                        var after = batch.AfterTile(n);
                        for (var b = 0; b < _bandsBefore.Length; b++)
                        {
                            readBefore.ScaleTile(slot, column, b, before.Slice(b * plane, plane),
                                scaleBefore.Low[b], scaleBefore.High[b], scaleBefore.Multiplier[b], scaleBefore.Offset[b]);
                            readAfter.ScaleTile(slot, column, b, after.Slice(b * plane, plane),
                                scaleAfter.Low[b], scaleAfter.High[b], scaleAfter.Multiplier[b], scaleAfter.Offset[b]);
                        }
                        n++;
                    }
                    Times.Add(StageTimes.Stage.Scale, t);
                    ModelTiles += n;
                    await scaled.Writer.WriteAsync(new Work(strip, c0, span, n, skipped, batch, seq++)).ConfigureAwait(false);
                    c0 += span;
                }
                freeSlots.Writer.TryWrite(slot);
            }
            scaled.Writer.Complete();
        });

        // With several lanes batches may finish out of order; the stitch stage puts them back in order. The model's time
        // is the time at least one lane is inside a run, so wall / model keeps its meaning.
        var running = 0;
        var modelSince = 0L;
        var modelLock = new Lock();
        var lanesLeft = lanes;
        var inference = Enumerable.Range(0, lanes).Select(_ => Stage(async () =>
        {
            await foreach (var work in scaled.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (work.Count > 0)
                {
                    lock (modelLock) if (running++ == 0) modelSince = StageTimes.Start();
                    try
                    {
                        _model.Run(work.Batch, work.Count);
                    }
                    finally
                    {
                        lock (modelLock) if (--running == 0) Times.Add(StageTimes.Stage.Model, modelSince);
                    }
                }
                await inferred.Writer.WriteAsync(work).ConfigureAwait(false);
            }
            if (Interlocked.Decrement(ref lanesLeft) == 0) inferred.Writer.Complete();
        })).ToArray();

        var stitch = Stage(async () =>
        {
            var classifier = new TileClassifier(_model.Card.Output, _model.Card.ClassCount, tiles.Tile);
            // At most `batches` works are in flight, so a work's place in this ring by its sequence number is free.
            var early = new Work?[batches];
            var next = 0;
            async IAsyncEnumerable<Work> InOrder()
            {
                await foreach (var work in inferred.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    early[work.Seq % batches] = work;
                    while (early[next % batches] is { } ready && ready.Seq == next)
                    {
                        early[next % batches] = null;
                        next++;
                        yield return ready;
                    }
                }
            }
            await foreach (var (strip, column, span, _, skipped, batch, _) in InOrder().ConfigureAwait(false))
            {
                var t = StageTimes.Start();
                for (int i = 0, k = 0; i < span; i++)
                {
                    if ((skipped & (1UL << i)) != 0)
                    {
                        strip.NoChange(column + i); // masked (the post stage marks it) or left out by the screen
                        continue;
                    }
                    classifier.Classify(batch.OutputTile(k++));
                    NoNumberPixels += strip.Place(column + i, classifier);
                }
                Times.Add(StageTimes.Stage.Stitch, t);
                freeBatches.Writer.TryWrite(batch);
                var done = Interlocked.Add(ref tilesDone, span);
                progress?.Report(new DetectionProgress(done, tiles.TileCount, Interlocked.Read(ref polygons)));
                if (column + span == tiles.Columns) await classified.Writer.WriteAsync(strip).ConfigureAwait(false);
            }
            classified.Writer.Complete();
        });

        var post = Stage(async () =>
        {
            var closed = new PolygonCollector();
            var connectivity = _options.EightConnected ? PixelConnectivity.Eight : PixelConnectivity.Four;
            var polygonizer = new Polygonizer(Grid.Width, closed, connectivity, Grid.Transform, noData: 0);
            using var attributes = new TubanAttributes(Crs, BeforeDate, AfterDate, BeforeId, AfterId, _model.Card, _survey, _options);
            using var classRaster = _options.ClassRasterPath is null ? null : CreateClassRaster();
            var rasterClasses = classRaster is null ? [] : new byte[tiles.Kept * tiles.Width];
            var rasterPercent = classRaster is null ? [] : new byte[tiles.Kept * tiles.Width];
            var overviews = classRaster is null ? null : ClassRasterOverviews.For(Grid.Width, Grid.Height, GeoTiffOptions.Default.BlockSize);
            if (overviews is not null && !overviews.Create(classRaster!)) overviews = null;
            var coverage = attributes.Simplifies ? new CoverageSimplification(attributes.Tolerance) : null;
            async Task Emit()
            {
                foreach (var tuban in Attribute(closed, attributes, coverage, polygonizer))
                {
                    Interlocked.Increment(ref polygons);
                    await output.Writer.WriteAsync(tuban).ConfigureAwait(false);
                }
            }
            Task? finishing = null;
            try
            {
                await foreach (var strip in classified.Reader.ReadAllAsync().ConfigureAwait(false))
                {
                    var t = StageTimes.Start();
                    strip.ApplyMask();
                    var len = strip.Length;
                    t = Times.Add(StageTimes.Stage.Mask, t);
                    if (classRaster is not null)
                    {
                        strip.MarkNotAssessed(rasterClasses, rasterPercent, ClassRasterLegend.NotAssessed);
                        classRaster.Write<byte>(1, strip.Window, rasterClasses.AsSpan(0, len));
                        classRaster.Write<byte>(2, strip.Window, rasterPercent.AsSpan(0, len));
                        overviews?.Write(classRaster, strip.Window, rasterClasses.AsSpan(0, len), rasterPercent.AsSpan(0, len));
                        t = Times.Add(StageTimes.Stage.WriteRaster, t);
                    }
                    polygonizer.Push(strip.Classes.AsSpan(0, len), [], strip.Percent.AsSpan(0, len));
                    Times.Add(StageTimes.Stage.Polygonize, t);
                    freeStrips.Writer.TryWrite(strip);
                    await Emit().ConfigureAwait(false);
                }
                // The last strip is written: the COG is built on its own thread while the polygoniser closes what is
                // still open, the last polygons are attributed and the consumer writes them; the output ends after both.
                progress?.Report(new DetectionProgress(Interlocked.Read(ref tilesDone), tiles.TileCount, Interlocked.Read(ref polygons))
                {
                    Stage = DetectionStage.Finishing,
                });
                if (classRaster is not null) finishing = Task.Run(() => FinishClassRaster(classRaster, ct), CancellationToken.None);
                var last = StageTimes.Start();
                polygonizer.Finish();
                Times.Add(StageTimes.Stage.Polygonize, last);
                await Emit().ConfigureAwait(false);
                if (finishing is not null) await finishing.ConfigureAwait(false);
            }
            finally
            {
                // On a failure here or elsewhere the token stops the COG at its next progress step; it must be over
                // before the work folder it reads is deleted. Its own error, if any, already ended the run above.
                if (finishing is not null) await finishing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            output.Writer.TryComplete();
        });

        try
        {
            await foreach (var tuban in output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return tuban;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll([reader, prepare, .. inference, stitch, post]).ConfigureAwait(false);
        }
    }

    private static Channel<T> Bounded<T>(int capacity, bool singleReader = true, bool singleWriter = true) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = singleReader, SingleWriter = singleWriter });

    // Polygons just closed become records: directly, or through the coverage when simplifying, which hands on the
    // polygons whose neighbours have all closed (all of them once the polygoniser has finished).
    private IEnumerable<Tuban> Attribute(PolygonCollector closed, TubanAttributes attributes, CoverageSimplification? coverage,
        Polygonizer polygonizer)
    {
        var batch = closed.Polygons.ToArray();
        closed.Polygons.Clear();
        IEnumerable<(ClassPolygon Polygon, Geometry Geometry)> ready;
        if (coverage is null) ready = batch.Where(attributes.Keeps).Select(p => (p, (Geometry)p.ToPolygon()));
        else
        {
            var t = StageTimes.Start();
            foreach (var p in batch)
                if (attributes.Keeps(p)) coverage.Add(p, polygonizer.RowCount);
            ready = coverage.TakeFinal(polygonizer.OpenTopRow);
            Times.Add(StageTimes.Stage.Attribute, t);
        }
        foreach (var (p, geometry) in ready)
        {
            var t = StageTimes.Start();
            var tubans = attributes.Build(p, geometry).ToList();
            Times.Add(StageTimes.Stage.Attribute, t);
            foreach (var tuban in tubans) yield return tuban;
        }
    }

    private string TempClassRaster => Path.Combine(_workDir, "class.tif");

    // The temporary class raster is written once and read once, by the COG step after the last strip: ZSTD level 1
    // without a predictor costs less CPU both ways than DEFLATE level 1 with one, and is smaller on these rasters.
    private static readonly GeoTiffOptions TempClassRasterOptions = new()
    {
        Compression = TiffCompression.Zstd, Level = 1, Predictor = false, PixelInterleaved = false,
    };

    private RasterDataset CreateClassRaster()
    {
        var raster = RasterDataset.CreateGeoTiff(TempClassRaster, Grid.Width, Grid.Height, 2, RasterDataType.Byte,
            TempClassRasterOptions);
        raster.GeoTransform = Grid.Transform;
        raster.SpatialReference = Crs;
        ClassRasterLegend.Apply(raster, _model.Card);
        raster.SetBandDescription(1, "change class");
        raster.SetBandDescription(2, "confidence (%)");
        return raster;
    }

    // The class raster becomes a COG (overviews by nearest neighbour: classes must not be averaged), renamed into place.
    // Compressed on every core: the step runs after the model's last tile, so the cores are free (on 2 quiet vCPUs the
    // copy took 0.32 s instead of 0.59-0.65 s; under a load of 7-11 two threads were no faster than one).
    private static readonly GeoTiffOptions ClassRasterCogOptions = new() { CompressionThreads = Environment.ProcessorCount };

    private const string AuxiliaryFile = ".aux.xml";

    private void FinishClassRaster(RasterDataset raster, CancellationToken cancellationToken)
    {
        var t = StageTimes.Start();
        raster.Dispose();
        // GeoTIFF has no tag for category names: GDAL copies them into a .aux.xml beside the COG, which goes into place
        // with it (the colour table and nodata are inside the TIFF).
        var sidecar = _classRaster!.TempPath + AuxiliaryFile;
        try
        {
            using var legend = AtomicOutput.Begin(_options.ClassRasterPath + AuxiliaryFile);
            using (var temp = RasterDataset.Open(TempClassRaster))
                temp.CopyToCog(_classRaster.TempPath, ClassRasterCogOptions, "NEAREST", cancellationToken);
            File.Move(sidecar, legend.TempPath);
            legend.Commit();
            _classRaster.Commit();
        }
        finally
        {
            File.Delete(sidecar);
        }
        Times.Add(StageTimes.Stage.WriteRaster, t);
    }

    private void MaskFarmland(ClassStrip strip, byte[] farmland)
    {
        var window = strip.Window;
        var mask = farmland.AsSpan(0, strip.Length);
        mask.Clear();
        var transform = Grid.Transform.Offset(0, window.Y);
        var (x0, y0) = transform.PixelToWorld(0, 0);
        var (x1, y1) = transform.PixelToWorld(window.Width, window.Height);
        var bounds = new Envelope(Math.Min(x0, x1), Math.Max(x0, x1), Math.Min(y0, y1), Math.Max(y0, y1));
        foreach (var parcel in _survey!.FarmlandNear(bounds))
            PolygonRasterizer.Burn(parcel, transform, window.Width, window.Height, mask);
        var valid = strip.Valid.AsSpan(0, strip.Length);
        for (var i = 0; i < valid.Length; i++) valid[i] &= mask[i];
    }

    public void Dispose()
    {
        foreach (var mask in _exclusions) mask.Dispose();
        _classRaster?.Dispose();
        _before.Dispose();
        _after.Dispose();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
