using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using WeiPian.Engine.Files;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// Rectification monitoring (拆除复耕 re-checked, to catch 虚假整改): re-checks earlier change polygons on the newest
/// image. With the reference image (the before date of the earlier detection) the change model compares
/// (reference, newest) over the tiles covering the polygons only: a polygon still showing building, pond, mining or
/// facility change relative to the ground before it is not restored; one showing no change (farmland again) is.
/// Without a reference the newest image's spectral indices alone judge (see docs/RECHECK.md for what that misses).
/// </summary>
/// <remarks>
/// Load the model once and check many scenes with it (the monthly run); one check at a time per instance (the
/// model's buffers are reused).
/// <code>
/// using var check = new RectificationCheck("spectral-v1.onnx");
/// var images = new RecheckImages("newest.tif") { Reference = "before.tif" };
/// await foreach (var r in check.CheckAsync("earlier.gpkg", images))
///     Console.WriteLine($"{r.Jcbh} {RecheckVerdicts.Name(r.Verdict)} {r.ChangedShare:P0} still changed");
/// </code>
/// </remarks>
public sealed class RectificationCheck : IDisposable
{
    private readonly ChangeModel? _model;
    private int _busy;

    /// <summary>Loads the change model a recheck with a reference image compares with.</summary>
    /// <param name="modelPath">The .onnx change model (with its card); null to judge by indices only (no reference image).</param>
    /// <param name="inference">Device, threads, batch and tile size; null for CPU defaults.</param>
    public RectificationCheck(string? modelPath, InferenceOptions? inference = null)
    {
        // The recheck runs one batch at a time, so one lane with every core.
        var options = inference ?? new InferenceOptions();
        _model = modelPath is null ? null : ChangeModel.LoadPerPixel(modelPath, options.Lanes > 0 ? options : options with { Lanes = 1 });
    }

    /// <summary>The loaded model, or null when judging by indices only.</summary>
    public ChangeModel? Model => _model;

    /// <summary>
    /// Re-checks the polygons of a vector file (a detection's output, or any layer with a JCBH field; see
    /// <see cref="EarlierPolygon.Read"/>) and yields each polygon's result as soon as it is judged. Inputs are checked
    /// before any work; a problem throws at the first <c>MoveNextAsync</c> with a message naming the file.
    /// </summary>
    public IAsyncEnumerable<RecheckResult> CheckAsync(string polygonsPath, RecheckImages images, RecheckOptions? options = null,
        IProgress<RecheckProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Stream(null, polygonsPath, images, options, progress, null, cancellationToken);

    /// <summary>Re-checks polygons already in memory (in the images' CRS) and yields each result as soon as it is judged.</summary>
    public IAsyncEnumerable<RecheckResult> CheckAsync(IReadOnlyList<EarlierPolygon> polygons, RecheckImages images, RecheckOptions? options = null,
        IProgress<RecheckProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Stream(polygons, null, images, options, progress, null, cancellationToken);

    /// <summary>
    /// Re-checks the polygons of <paramref name="polygonsPath"/> and writes the results to <paramref name="outputPath"/>
    /// (layer <c>recheck</c>; .gpkg, .shp, .geojson), and chips when <see cref="RecheckOptions.ChipsDirectory"/> is set,
    /// each under a temporary name renamed into place when complete. An output that is an input (links resolved) or lies
    /// in an input folder, or whose extension names no format, is refused before any work (<see cref="InputException"/>).
    /// </summary>
    /// <returns>Counts by verdict, tiles run against tiles in the scene, and times.</returns>
    public async Task<RecheckSummary> CheckToFileAsync(string polygonsPath, RecheckImages images, string outputPath,
        RecheckOptions? options = null, IProgress<RecheckProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new RecheckOptions();
        _ = TubanWriter.FormatOf(outputPath); // an extension that names no format is refused here, before any work
        string?[] inputs = [polygonsPath, images.Newest, images.Reference, images.After, _model?.ModelPath];
        OutputPaths.EnsureApart(outputPath, inputs);
        if (options.ChipsDirectory is { } chipsDirectory) OutputPaths.EnsureApart(chipsDirectory, inputs);
        var clock = Stopwatch.StartNew();
        var stats = new RunStats();
        RecheckWriter.Sink? sink = null;
        RecheckChips? chips = null;
        var results = new List<RecheckResult>();
        try
        {
            await foreach (var r in Stream(null, polygonsPath, images, options, progress, run =>
                           {
                               stats.Run = run;
                               sink = RecheckWriter.Create(outputPath, run.Crs, _model?.Card);
                               if (options.ChipsDirectory is { } dir) chips = new RecheckChips(dir, images, options.Chips);
                           }, cancellationToken).ConfigureAwait(false))
            {
                sink!.Add(r);
                chips?.Add(r);
                results.Add(r);
            }
            sink!.Commit();
            chips?.Finish();
            var run = stats.Run!;
            return new RecheckSummary
            {
                Results = results,
                TilesRun = run.TilesRun,
                TilesInScene = run.Tiles?.TileCount ?? 0,
                Elapsed = clock.Elapsed,
                ModelTime = run.ModelTime,
                TileTime = run.TileTime,
                JudgeTime = run.JudgeTime,
                Method = run.Method,
                NewestDate = run.NewestDate,
            };
        }
        finally
        {
            sink?.Dispose();
            chips?.Dispose();
        }
    }

    /// <summary>
    /// The one-call form for the distribution pipeline's monthly run: loads the model, re-checks every polygon and
    /// streams the results.
    /// </summary>
    /// <param name="polygons">Earlier polygons, in the images' CRS.</param>
    /// <param name="newestImage">The newest image.</param>
    /// <param name="referenceImage">The before date of the earlier detection; null to judge by indices alone.</param>
    /// <param name="modelPath">The change model (needed with a reference image; ignored without).</param>
    /// <param name="options">Thresholds and margin; null for the defaults.</param>
    /// <param name="progress">Receives tiles and polygons done.</param>
    /// <param name="cancellationToken">Stops between tiles or polygons.</param>
    public static async IAsyncEnumerable<RecheckResult> RunAsync(IReadOnlyList<EarlierPolygon> polygons, string newestImage, string? referenceImage,
        string? modelPath, RecheckOptions? options = null, IProgress<RecheckProgress>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var check = new RectificationCheck(referenceImage is null ? null : modelPath);
        var images = new RecheckImages(newestImage) { Reference = referenceImage };
        await foreach (var r in check.CheckAsync(polygons, images, options, progress, cancellationToken).ConfigureAwait(false))
            yield return r;
    }

    /// <summary>As <see cref="RunAsync(IReadOnlyList{EarlierPolygon}, string, string?, string?, RecheckOptions?, IProgress{RecheckProgress}?, CancellationToken)"/>, reading the polygons from a vector file.</summary>
    public static async IAsyncEnumerable<RecheckResult> RunAsync(string polygonsPath, string newestImage, string? referenceImage,
        string? modelPath, RecheckOptions? options = null, IProgress<RecheckProgress>? progress = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var check = new RectificationCheck(referenceImage is null ? null : modelPath);
        var images = new RecheckImages(newestImage) { Reference = referenceImage };
        await foreach (var r in check.CheckAsync(polygonsPath, images, options, progress, cancellationToken).ConfigureAwait(false))
            yield return r;
    }

    private sealed class RunStats
    {
        public RecheckRun? Run;
    }

    // Runs the check on a worker thread and hands results over a small bounded channel, so the caller reads them while
    // the model works on the next tile rows, and memory stays bounded however slowly the caller reads.
    private async IAsyncEnumerable<RecheckResult> Stream(IReadOnlyList<EarlierPolygon>? polygons, string? polygonsPath, RecheckImages images,
        RecheckOptions? options, IProgress<RecheckProgress>? progress, Action<RecheckRun>? started,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("This check is already running; use one RectificationCheck per concurrent run.");
        try
        {
            using var run = new RecheckRun(images.Reference is null ? null : _model, polygons, polygonsPath, images, options ?? new RecheckOptions());
            started?.Invoke(run);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var channel = Channel.CreateBounded<RecheckResult>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
            var producer = Task.Run(() =>
            {
                try
                {
                    run.Execute(r => channel.Writer.WriteAsync(r, stop.Token).AsTask().GetAwaiter().GetResult(), progress, stop.Token);
                    channel.Writer.Complete();
                }
                catch (Exception e)
                {
                    channel.Writer.Complete(e);
                }
            }, CancellationToken.None);
            try
            {
                await foreach (var r in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return r;
            }
            finally
            {
                // A caller that stops early (or is cancelled) stops the worker before the run's files close.
                await stop.CancelAsync().ConfigureAwait(false);
                await producer.ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _model?.Dispose();
}

/// <summary>What a recheck written to a file found.</summary>
public sealed record RecheckSummary
{
    /// <summary>Every polygon's result, in the order judged.</summary>
    public required IReadOnlyList<RecheckResult> Results { get; init; }

    /// <summary>Tiles fed to the model.</summary>
    public required long TilesRun { get; init; }

    /// <summary>Tiles a whole-scene run over the same region feeds it (0 when judging by indices).</summary>
    public required long TilesInScene { get; init; }

    /// <summary>Wall time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Time inside the model.</summary>
    public required TimeSpan ModelTime { get; init; }

    /// <summary>Time reading and scaling tiles and classifying the model's output.</summary>
    public TimeSpan TileTime { get; init; }

    /// <summary>Time judging polygons (their windows read, masks burnt, pixels counted).</summary>
    public TimeSpan JudgeTime { get; init; }

    /// <summary>The model (name@version) or "indices".</summary>
    public required string Method { get; init; }

    /// <summary>The newest image's date (YYYYMMDD).</summary>
    public required string NewestDate { get; init; }

    /// <summary>Polygons per verdict.</summary>
    public IReadOnlyDictionary<RecheckVerdict, int> ByVerdict =>
        Enum.GetValues<RecheckVerdict>().ToDictionary(v => v, v => Results.Count(r => r.Verdict == v));
}
