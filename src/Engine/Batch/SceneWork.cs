using System.Diagnostics;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Batch;

/// <summary>
/// The unit of reprocessing work: one scene pair → its polygon file <c>&lt;ScenesDirectory&gt;/&lt;key&gt;.gpkg</c>, written
/// atomically. Independent of every other scene (it reads only its two images, the surveys and the model), idempotent
/// (running it again writes the same polygons to the same file) and restartable (an interrupted run leaves nothing under
/// the final name). Any machine with the files can run it.
/// </summary>
/// <remarks>
/// The file holds the scene's polygons in detection order with the national fields, provisional JCBH (numbered within
/// the scene: the batch renumbers them), SCENES = the key, and the marks against the current survey
/// (<see cref="SurveyMarking"/>).
/// <code>
/// var result = await SceneWork.RunAsync(job, settings, ct);   // loads the model, runs, disposes
/// using var worker = new SceneWorker(settings);                 // or keep the model loaded for many jobs
/// foreach (var job in jobs) results.Add(await worker.RunAsync(job, null, ct));
/// </code>
/// </remarks>
internal static class SceneWork
{
    /// <summary>Where a job's polygon file goes.</summary>
    public static string OutputPath(SceneJob job, SceneWorkSettings settings) => Path.Combine(Path.GetFullPath(settings.ScenesDirectory), job.Key + ".gpkg");

    /// <summary>Runs one job with a model loaded for it (use <see cref="SceneWorker"/> to run many with one load).</summary>
    /// <returns>Done with the file, its hash and polygon count; or failed with the error. Only cancellation throws.</returns>
    public static async Task<SceneResult> RunAsync(SceneJob job, SceneWorkSettings settings, CancellationToken cancellationToken = default)
    {
        using var worker = new SceneWorker(settings);
        return await worker.RunAsync(job, null, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Runs <see cref="SceneJob"/>s one at a time with one loaded model (a <see cref="ChangeDetector"/>). Use one worker per
/// concurrent lane.
/// </summary>
public sealed class SceneWorker : IDisposable
{
    private readonly ChangeDetector _detector;

    /// <summary>Loads the model of <paramref name="settings"/>.</summary>
    public SceneWorker(SceneWorkSettings settings)
    {
        Settings = settings;
        _detector = new ChangeDetector(settings.ModelPath, settings.Inference);
    }

    /// <summary>The settings every job runs with.</summary>
    public SceneWorkSettings Settings { get; }

    /// <summary>The loaded model's card.</summary>
    public Inference.ModelCard Card => _detector.Card;

    /// <summary>
    /// Detects change in the job's scene pair, marks the polygons against the current survey and writes them to
    /// <see cref="SceneWork.OutputPath"/> atomically. A scene that cannot be processed (unreadable image, grids that do
    /// not match, a survey problem) gives a failed result with the error, and no file.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; nothing is left under the final name.</exception>
    public async Task<SceneResult> RunAsync(SceneJob job, IProgress<DetectionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var output = SceneWork.OutputPath(job, Settings);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            var temp = Settings.TempDirectory ?? BatchFolder.WorkDirectory(Path.GetDirectoryName(Path.GetDirectoryName(output)!)!);
            Directory.CreateDirectory(temp);
            var options = Settings.Detection with
            {
                DefaultCounty = job.Region ?? Settings.Detection.DefaultCounty,
                TempDirectory = Path.GetFullPath(temp),
                ClassRasterPath = null,
            };
            var polygons = new List<Tuban>();
            await foreach (var t in _detector.DetectAsync(job.ToScenePair(), Settings.SurveyPath, options, progress, cancellationToken).ConfigureAwait(false))
                polygons.Add(t);
            var (count, km2) = await Task.Run(() => Write(job, polygons, output, options), cancellationToken).ConfigureAwait(false);
            return new SceneResult(job.Key, SceneState.Done, count, output, BatchTubanFile.Sha256(output), clock.Elapsed, null) { AreaKm2 = km2 };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            try { if (File.Exists(output)) File.Delete(output); }   // never leave an older run's file for a scene that now fails
            catch (IOException) { }
            return new SceneResult(job.Key, SceneState.Failed, 0, null, null, clock.Elapsed, OneLine(e));
        }
    }

    private (int Count, double Km2) Write(SceneJob job, List<Tuban> polygons, string output, DetectionOptions options)
    {
        using var raster = RasterDataset.Open(job.Before);
        var crs = raster.SpatialReference ?? throw new InputException($"'{job.Before}' has no CRS.");
        var km2 = raster.Width * (double)raster.Height * raster.GeoTransform.PixelArea * crs.LinearUnitMetres * crs.LinearUnitMetres / 1e6;
        var marked = new List<BatchTuban>(polygons.Count);
        if (polygons.Count > 0)
        {
            var e = polygons[0].Geometry.EnvelopeInternal.Copy();
            foreach (var p in polygons) e.ExpandToInclude(p.Geometry.EnvelopeInternal);
            var survey = LandUseSurvey.Load(Settings.MarkingSurveyPath, crs, new BoundingBox(e.MinX, e.MinY, e.MaxX, e.MaxY), options.Survey);
            var unit2 = crs.LinearUnitMetres * crs.LinearUnitMetres;
            foreach (var p in polygons)
            {
                var (now, bctb, ybg) = SurveyMarking.Mark(p, survey, options, options.Survey.FarmlandCodes, unit2);
                marked.Add(new BatchTuban(p) { Scenes = job.Key, DlbmNow = now, Bctb = bctb, Ybg = ybg });
            }
        }
        return (BatchTubanFile.Write(output, crs, marked), km2);
    }

    private static string OneLine(Exception e)
    {
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        // The scene's settings come from its manifest row: the column to change is what the user can act on.
        if (e is InputException { Setting: var setting } && SceneManifest.ColumnFor(setting) is { } column) message += $" (manifest column {column})";
        return e is GdalException or FileNotFoundException or Raster.Primitives.PixelGridException or Survey.SurveyException or Inference.ModelContractException
            ? message
            : $"{e.GetType().Name}: {message}";
    }

    /// <inheritdoc />
    public void Dispose() => _detector.Dispose();
}
