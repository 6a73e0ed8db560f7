using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Masks;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline.Stages;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
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
    private PrepareStage? _prepare;
    private StitchStage? _stitch;

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
                OutputPaths.EnsureApart(classRaster, Inputs(model, pair, surveyPath, options, screening));
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
            Tiles = new TileGrid(_regionBefore.Width, _regionBefore.Height, model.TileSize, model.Halo, ChunkTiles(model, screening is not null));
            Radiometry = RadiometryPlan.Prepare(model.Card, _before, _regionBefore, _bandsBefore, _after, _regionAfter, _bandsAfter, options.Radiometry);
            // After the radiometry checks: data the model cannot read is refused for that first, not for looking cloudy.
            _exclusions = ExclusionMask.ForRun(options, model.Card, pair, aligned);
            checks = Times.Add(StageTimes.Stage.Checks, checks);
            _survey = surveyPath is null ? null : LandSurvey.Load(surveyPath, Crs, Grid.Bounds, options.Survey);
            checks = Times.Add(StageTimes.Stage.Survey, checks);
            aligned.Register(pair);
            (_after, _regionAfter, Registration) = (aligned.Second, aligned.RegionSecond, aligned.Registration);
            // The cloud screen reads the dates through an opening of its own: it must read the after date shifted alike.
            foreach (var cloud in _exclusions.OfType<CloudScreen>()) cloud.Follow(pair, Registration);
            CoregistrationCheck.WarnIfLarge(Registration, pair, options.Logger);
            Times.Add(StageTimes.Stage.Grids, checks);
            // After every other check, on the scenes the model reads (the after date as registered, where it is).
            Screen = screening is null ? null : new TileScreen(screening, pair, _before, _regionBefore, _after, _regionAfter, Tiles,
                (_bandsBefore, _bandsAfter), (model.Card, Radiometry), options.Radiometry);
            BeforeId = pair.BeforeId ?? _before.SceneId;
            AfterId = pair.AfterId ?? _after.SceneId;
            WarnOfUntypedClasses(model, options.Logger);
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

    // A change class without a TBLX writes QT (其他) on every polygon of it, which tells a county nothing: the usual cause
    // is a pair-form screen's card (classes "no change" and "change") given as the detection model; a screen of block
    // means is refused when it loads. After the checks, so that bad input still gets its one line.
    private static void WarnOfUntypedClasses(ChangeModel model, ILogger logger)
    {
        var untyped = model.Card.Classes.Where(c => c.Id != 0 && c.Tblx is null).Select(c => $"'{c.Name}'").ToList();
        if (untyped.Count == 0) return;
        logger.LogWarning("'{Model}' gives no change type (TBLX) for class {Classes}: its polygons get TBLX QT (其他). A screen (its card says so) goes after --screen, in front of a detection model.",
            model.ModelPath, string.Join(", ", untyped));
    }

    /// <summary>Every file a run reads: the dates, the survey, the models and their card files, the masks. No output may be one.</summary>
    internal static string?[] Inputs(ChangeModel model, ScenePair pair, string? surveyPath, DetectionOptions options, Screening? screening) =>
        [pair.Before, pair.After, surveyPath, .. model.Files, .. screening?.Model.Files ?? [], options.BeforeMask, options.AfterMask];

    /// <summary>The before date as the model reads it, and its pixels that <see cref="Grid"/> covers.</summary>
    public (Scene Scene, PixelWindow Region) Before => (_before, _regionBefore);

    /// <summary>The after date as the model reads it (aligned, resampled, registered), and the same pixels in it.</summary>
    public (Scene Scene, PixelWindow Region) After => (_after, _regionAfter);

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
    public long ModelTiles => _prepare?.ModelTiles ?? 0;

    /// <summary>Pixels classified.</summary>
    public long Pixels => (long)Grid.Width * Grid.Height;

    /// <summary>Pixels the model gave no number for (NaN), counted as no change; read once the run has finished.</summary>
    public long NoNumberPixels => _stitch?.NoNumberPixels ?? 0;

    /// <summary>Time per stage so far.</summary>
    public StageTimes Times { get; } = new();

    /// <summary>Class strips: one being masked and filled, one being finished, one in the post stage.</summary>
    private const int Strips = 3;

    /// <summary>Chunks of input in flight between the read and prepare stages.</summary>
    private const int ReadSlots = 3;

    /// <summary>Model batches besides one per lane in the model: one being filled, one being classified, one spare to absorb jitter.</summary>
    private const int BatchesBesideLanes = 3;

    // Whole batches per chunk, enough of them to cover TileGrid.ChunkColumns columns; behind a screen one batch, so that
    // the chunks the screen leaves unread (TileScreen.SkipsRead) are as many as its verdicts allow (the blocks the
    // neighbouring chunks share are decoded once, from GDAL's block cache).
    private static int ChunkTiles(ChangeModel model, bool screened)
    {
        if (screened) return model.BatchSize;
        var tiles = (TileGrid.ChunkColumns + model.Kept - 1) / model.Kept;
        return (tiles + model.BatchSize - 1) / model.BatchSize * model.BatchSize;
    }

    /// <summary>
    /// Runs the pipeline and yields each polygon, attributed, as soon as it is closed. With a screen, its pass over the
    /// scene (<see cref="TileScreen"/>) runs beside the stages, a row ahead, and decides which tiles the model runs and
    /// which chunks need not be read. Five stages run at once, each on
    /// its own thread, joined by bounded channels (<see cref="StageChannels"/>) so the slowest (the model) sets the pace
    /// and the others hide behind it:
    /// <list type="number">
    /// <item><see cref="TileReadStage"/>: both dates' padded windows for a chunk of a row of tiles (GDAL), into one of
    /// <see cref="ReadSlots"/> slots;</item>
    /// <item><see cref="PrepareStage"/>: the farmland, exclusion and nodata masks, then each batch of tiles scaled into one
    /// of the pooled model batches; a tile whose kept centre holds no pixel that may be change is left out of the model altogether;</item>
    /// <item><see cref="InferStage"/>: the model, and nothing else, so its cores never wait for our work; <see cref="ChangeModel.Lanes"/> threads
    /// each run whole batches, which the stitch stage puts back in order;</item>
    /// <item><see cref="StitchStage"/>: classes and confidence from the model output, kept centres placed in the strip;</item>
    /// <item><see cref="PostStage"/>: the masks applied, the optional class raster (<see cref="ClassRasterWriter"/>: strips and their overviews; after the last strip its COG is
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
        var readBefore = StripReaders.For(_before, _regionBefore, _bandsBefore, tiles, ReadSlots);
        var readAfter = StripReaders.For(_after, _regionAfter, _bandsAfter, tiles, ReadSlots);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ct = stop.Token;
        var batches = _model.Lanes + BatchesBesideLanes;
        var links = new StageChannels(ReadSlots, batches, Strips, _model.Lanes);
        for (var i = 0; i < ReadSlots; i++) links.FreeSlots.Writer.TryWrite(i);
        for (var i = 0; i < batches; i++) links.FreeBatches.Writer.TryWrite(_model.Batch(i));
        for (var i = 0; i < Strips; i++) links.FreeStrips.Writer.TryWrite(new ClassStrip(tiles));
        var stripPixels = tiles.Kept * tiles.Width;
        var counts = new RunProgress(progress, tiles.TileCount);
        using var attributes = new TubanAttributes(Crs, BeforeDate, AfterDate, BeforeId, AfterId, _model.Card, _survey, _options);
        using var classRaster = _classRaster is null ? null
            : new ClassRasterWriter(_classRaster, _options.ClassRasterPath!, _workDir, Grid, _model.Card, stripPixels);

        var read = new TileReadStage(tiles, readBefore, readAfter, Screen, links.FreeSlots.Reader, links.Read.Writer, Times);
        _prepare = new PrepareStage(tiles, _model.BatchSize, _bandsBefore.Length, Radiometry, readBefore, readAfter,
            _options.AllLand ? null : new FarmlandMask(_survey!, Grid, stripPixels), _exclusions, Screen,
            links.Read.Reader, links.FreeSlots.Writer, links.FreeStrips.Reader, links.FreeBatches.Reader, links.Scaled.Writer, Times);
        var infer = new InferStage(_model, links.Scaled.Reader, links.Inferred.Writer, Times);
        _stitch = new StitchStage(_model.Card, tiles, batches, links.Inferred.Reader, links.FreeBatches.Writer, links.Classified.Writer, counts, Times);
        var post = new PostStage(Grid, _options.EightConnected ? PixelConnectivity.Eight : PixelConnectivity.Four, attributes,
            classRaster, links.Classified.Reader, links.FreeStrips.Writer, links.Output.Writer, counts, Times, ct);

        // A failing stage closes every hand-over with its error first, then stops the others (StageChannels.Close).
        using var closeOnStop = ct.Register(() => links.Close(new OperationCanceledException(ct)));
        Task Start(Func<Task> stage) => Task.Run(async () =>
        {
            try
            {
                await stage().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                links.Close(e);
                await stop.CancelAsync().ConfigureAwait(false);
            }
        }, CancellationToken.None);
        // The screen's pass runs beside the stages, a screen row ahead of the read stage (TileScreen.Screened).
        Task[] running = [.. Screen is null ? Array.Empty<Task>() : [Start(() => Screen.ScreenAsync(Times, ct))],
            Start(read.RunAsync), Start(_prepare.RunAsync), .. infer.Start(Start), Start(_stitch.RunAsync), Start(post.RunAsync)];

        try
        {
            await foreach (var tuban in links.Output.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return tuban;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
        }
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
