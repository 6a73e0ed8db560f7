using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using WeiPian.Engine.Files;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// The engine's entry point: finds change polygons (图斑) between the two dates of a scene pair with an ONNX
/// change model, reports those on farmland (by the land survey), and attributes them for the national tables.
/// </summary>
/// <remarks>
/// Load the model once and run many scene pairs through it. One detection at a time per detector (the model's
/// buffers are reused); create one detector per concurrent lane.
/// <code>
/// using var detector = new ChangeDetector("spectral-v1.onnx");
/// await foreach (var t in detector.DetectAsync(new ScenePair("before.tif", "after.tif"), "survey.gpkg"))
///     Console.WriteLine($"{t.Jcbh} {t.Tblx} {t.Jcmj:0} m²");
/// </code>
/// </remarks>
public sealed class ChangeDetector : IDisposable
{
    private readonly ChangeModel _model;
    private readonly Screening? _screening;
    private int _busy;

    /// <summary>Loads a change model (.onnx with its card) for detection, and its screen when the options name one.</summary>
    /// <param name="modelPath">The model file.</param>
    /// <param name="inference">Device, threads, batch and tile size, the screen; null for CPU defaults.</param>
    public ChangeDetector(string modelPath, InferenceOptions? inference = null)
    {
        if (inference?.ScreenModelPath is not null) Screening.CheckThreshold(inference.ScreenThreshold);
        _model = ChangeModel.LoadPerPixel(modelPath, inference);
        if (inference?.ScreenModelPath is not { } screen) return;
        try
        {
            // The screen runs on its own card's tiles and scaling, in float32 (it is cheap, and small hand-set epsilons
            // do not survive float16), with lanes chosen for every core: its pass has the machine to itself.
            var screenOptions = inference with
            {
                ScreenModelPath = null,
                TileSize = 0,
                Halo = 0,
                BatchSize = 0,
                Fp16 = false,
                CardPath = null,
                Lanes = 0,
                IntraOpThreads = 0,
            };
            _screening = new Screening(ChangeModel.Load(screen, screenOptions), inference.ScreenThreshold);
        }
        catch
        {
            _model.Dispose();
            throw;
        }
    }

    /// <summary>The model's card.</summary>
    public ModelCard Card => _model.Card;

    /// <summary>The screen's card when a screen runs ahead of the model (<see cref="InferenceOptions.ScreenModelPath"/>); else null.</summary>
    public ModelCard? ScreenCard => _screening?.Model.Card;

    /// <summary>The loaded model (tile size, batch, device).</summary>
    public ChangeModel Model => _model;

    /// <summary>
    /// Detects change between the two dates and yields the attributed polygons. Every input is checked before
    /// any work starts; a problem throws at the first <c>MoveNextAsync</c> with a message naming the file.
    /// </summary>
    /// <param name="pair">The two dates.</param>
    /// <param name="surveyPath">The land survey (DLTB, optionally YJJBNTTB and XZQ); may be null only with <see cref="DetectionOptions.AllLand"/>.</param>
    /// <param name="options">Reporting options; null for the defaults (farmland only, national minimum areas).</param>
    /// <param name="progress">Receives progress per tile and per polygon.</param>
    /// <param name="cancellationToken">Stops the run between tiles or polygons.</param>
    public async IAsyncEnumerable<Tuban> DetectAsync(ScenePair pair, string? surveyPath, DetectionOptions? options = null,
        IProgress<DetectionProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new DetectionOptions();
        using var run = Start(pair, surveyPath, options);
        try
        {
            long count = 0;
            await foreach (var t in run.RunAsync(progress, cancellationToken).ConfigureAwait(false))
            {
                count++;
                yield return t;
            }
            WarnOfNoNumbers(run, options);
            progress?.Report(new DetectionProgress(run.Tiles.TileCount, run.Tiles.TileCount, count) { Stage = DetectionStage.Done });
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// Detects change and writes the polygons to <paramref name="outputPath"/> (format from its extension:
    /// .gpkg, .shp, .geojson, .gdb) under a temporary name, renamed into place only when complete (its folder is
    /// created when missing, once the inputs have been checked); with
    /// <see cref="DetectionOptions.SplitBy"/> = <see cref="OutputSplit.County"/>, to one such file per county beside it.
    /// Before any work, the outputs (polygons, class raster, chips) are checked against the inputs (scenes, survey, models and card files, masks)
    /// and against each other: an output that is an input (links resolved) or lies in an input folder, an extension that
    /// names no format, and a folder under an output's name (but a FileGDB for .gdb) are refused with an
    /// <see cref="InputException"/>.
    /// </summary>
    /// <returns>Counts and areas by change type, and the run's speed.</returns>
    public async Task<DetectionSummary> DetectToFileAsync(ScenePair pair, string? surveyPath, string outputPath,
        DetectionOptions? options = null, IProgress<DetectionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        options ??= new DetectionOptions();
        var format = TubanWriter.FormatOf(outputPath);
        var inputs = DetectionRun.Inputs(_model, pair, surveyPath, options, _screening);
        if (options.SplitBy == OutputSplit.County) CountySplitSink.EnsureApart(outputPath, inputs);
        else OutputPaths.EnsureApart(outputPath, inputs);
        if (options.ClassRasterPath is { } classRaster) OutputPaths.EnsureDistinct(outputPath, classRaster);
        if (options.ChipsDirectory is { } chipsDirectory) OutputPaths.EnsureApart(chipsDirectory, inputs);
        // While the checks below keep one core busy, the other loads what the first chips would wait for.
        if (options.ChipsDirectory is not null) _ = Task.Run(ChipRendering.WarmUp, cancellationToken);
        using var run = Start(pair, surveyPath, options);
        try
        {
            AtomicOutput.CreateFolderOf(outputPath);
            using ITubanSink sink = options.SplitBy == OutputSplit.County
                ? new CountySplitSink(outputPath, run.Crs, format, options.ShapefileEncoding, options.Logger)
                : TubanWriter.Create(outputPath, run.Crs, format, options.ShapefileEncoding, options.Logger);
            using var chips = options.ChipsDirectory is { } dir ? new ChipWriter(dir, run.Before, run.After, options.Chips) : null;
            var summary = new DetectionSummary.Builder();
            long delivered = 0;
            await foreach (var t in run.RunAsync(progress, cancellationToken).ConfigureAwait(false))
            {
                var start = StageTimes.Start();
                sink.Add(t);
                summary.Add(t);
                delivered++;
                start = run.Times.Add(StageTimes.Stage.WritePolygons, start);
                if (chips is null) continue;
                chips.Add(t);
                run.Times.Add(StageTimes.Stage.Chips, start);
            }
            progress?.Report(new DetectionProgress(run.Tiles.TileCount, run.Tiles.TileCount, delivered) { Stage = DetectionStage.Writing });
            var commit = StageTimes.Start();
            sink.Commit();
            commit = run.Times.Add(StageTimes.Stage.WritePolygons, commit);
            chips?.Finish();
            run.Times.Add(StageTimes.Stage.Chips, commit);
            WarnOfNoNumbers(run, options);
            var result = summary.Build(run.Pixels, run.Grid.PixelArea, clock.Elapsed, run.Times) with
            {
                Files = sink.Paths,
                NoNumberPixels = run.NoNumberPixels,
                Registration = run.Registration,
                Radiometry = run.Radiometry.Description,
                RadiometryTime = run.Radiometry.SampleTime,
                Tiles = run.Tiles.TileCount,
                ModelTiles = run.ModelTiles,
                Screen = run.Screen?.Description ?? "",
            };
            progress?.Report(new DetectionProgress(run.Tiles.TileCount, run.Tiles.TileCount, result.Count) { Stage = DetectionStage.Done });
            return result;
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    // Pixels without a number count as no change; a model that gives many is broken or fed wrongly scaled data, which
    // the caller must hear about even though the run succeeds.
    private void WarnOfNoNumbers(DetectionRun run, DetectionOptions options)
    {
        if (run.NoNumberPixels == 0) return;
        options.Logger.LogWarning(
            "'{Model}' gave no number (NaN) for {NoNumber} of {Pixels} pixels ({Share}), counted as no change: check the model, its card's scaling and the images.",
            _model.ModelPath, run.NoNumberPixels, run.Pixels,
            ((double)run.NoNumberPixels / run.Pixels).ToString("0.#%", CultureInfo.InvariantCulture));
    }

    private DetectionRun Start(ScenePair pair, string? surveyPath, DetectionOptions options)
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("This detector is already running a scene pair; use one detector per concurrent run.");
        try
        {
            return new DetectionRun(_model, pair, surveyPath, options, _screening);
        }
        catch
        {
            Volatile.Write(ref _busy, 0);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _model.Dispose();
        _screening?.Model.Dispose();
    }
}
