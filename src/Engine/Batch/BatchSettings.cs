using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Engine.Batch;

/// <summary>How a reprocessing batch runs and what it writes into <see cref="OutputDirectory"/>.</summary>
public sealed record BatchSettings
{
    /// <summary>The batch folder: journal, scene files, merged polygons, figures and reports.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>
    /// Lets a batch start in a folder that already holds other files and no batch (see <see cref="BatchFolder"/>); off by
    /// default, so a mistyped <c>--out ~</c> is refused instead of filled.
    /// </summary>
    public bool AllowNonEmptyFolder { get; init; }

    /// <summary>The change model (.onnx with its card).</summary>
    public required string ModelPath { get; init; }

    /// <summary>The land survey the detector finds farmland in.</summary>
    public required string SurveyPath { get; init; }

    /// <summary>The current survey polygons are marked against (BCTB, DLBM_NOW, YBG); null for <see cref="SurveyPath"/>.</summary>
    public string? CurrentSurveyPath { get; init; }

    /// <summary>Scenes run at once, each worker with its own model (at least 1).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Detection options (farmland only or all land, minimum areas, source tag, default county).</summary>
    public DetectionOptions Detection { get; init; } = new();

    /// <summary>Inference options; lanes and threads left at 0 are chosen for each worker's equal share of the cores (<see cref="InferenceOptions.ForCores"/>).</summary>
    public InferenceOptions? Inference { get; init; }

    /// <summary>Earlier months' polygons (layer tuban with JCBH) to link new polygons to; null for none.</summary>
    public string? PreviousPath { get; init; }

    /// <summary>Verification results (JCBH, PDLX, KCLX) for the yearly ratio; null for none.</summary>
    public string? JudgementsPath { get; init; }

    /// <summary>
    /// The CRS of the merged output's geometries; null for the CRS of the first done scene in manifest order. Areas and
    /// X, Y are always those computed in the scenes' projected CRS, whatever this is (a geographic CRS gives longitude and
    /// latitude geometries with areas in m² all the same).
    /// </summary>
    public SpatialReference? Crs { get; init; }

    /// <summary>The <see cref="Crs"/> of the EPSG code a user gave for the merged output.</summary>
    /// <exception cref="InputException">PROJ does not know the code; <see cref="InputException.Setting"/> is <c>Crs</c>, so a
    /// front end can name its own option.</exception>
    public static SpatialReference CrsFromEpsg(int epsg)
    {
        try
        {
            return SpatialReference.FromEpsg(epsg);
        }
        catch (GdalException e)
        {
            var why = (e.GdalMessage ?? e.Message).ReplaceLineEndings(" ").TrimEnd('.');
            throw new InputException($"EPSG:{epsg} for the merged output is not a CRS PROJ knows ({why}).", e) { Setting = nameof(Crs) };
        }
    }

    /// <summary>Share of the smaller polygon two scenes' polygons must share to be one change (see <see cref="SceneMerger"/>).</summary>
    public double MergeOverlapFraction { get; init; } = 0.3;

    /// <summary>Share of the smaller polygon a new and an earlier polygon must share to be linked (see <see cref="PreviousLinker"/>).</summary>
    public double LinkOverlapFraction { get; init; } = 0.5;

    /// <summary>How the yearly ratio is computed.</summary>
    public RatioOptions Ratio { get; init; } = new();

    /// <summary>The journal: <c>journal.sqlite</c> in the batch folder.</summary>
    public string JournalPath => Path.Combine(OutputDirectory, "journal.sqlite");

    /// <summary>The scene polygon files: <c>scenes/</c> in the batch folder.</summary>
    public string ScenesDirectory => Path.Combine(OutputDirectory, "scenes");

    /// <summary>The merged polygons: <c>tuban.gpkg</c> in the batch folder.</summary>
    public string MergedPath => Path.Combine(OutputDirectory, "tuban.gpkg");

    /// <summary>The settings each scene runs with.</summary>
    public SceneWorkSettings SceneSettings()
    {
        var inference = Inference ?? new InferenceOptions();
        inference = inference.ForCores(Environment.ProcessorCount / Math.Max(1, Workers));
        return new SceneWorkSettings
        {
            ModelPath = ModelPath,
            SurveyPath = SurveyPath,
            CurrentSurveyPath = CurrentSurveyPath,
            ScenesDirectory = ScenesDirectory,
            TempDirectory = BatchFolder.WorkDirectory(OutputDirectory),
            Detection = Detection,
            Inference = inference,
        };
    }
}

/// <summary>Where a batch is.</summary>
/// <param name="Stage">Scenes, merging, or reports.</param>
/// <param name="Total">Scenes in the manifest.</param>
/// <param name="Done">Scenes done (earlier runs included).</param>
/// <param name="Failed">Scenes failed in this run.</param>
/// <param name="Running">Scenes running now.</param>
/// <param name="Skipped">Scenes done by an earlier run and skipped.</param>
/// <param name="Polygons">Polygons of the done scenes (before merging).</param>
/// <param name="Elapsed">Time since this run started.</param>
/// <param name="Eta">Estimated time to the last scene, from this run's pace; null before the first scene ends.</param>
/// <param name="Event">What just happened, e.g. "done S03 (12 polygons, 4.1 s)".</param>
public sealed record BatchProgress(BatchStage Stage, int Total, int Done, int Failed, int Running, int Skipped, long Polygons, TimeSpan Elapsed,
    TimeSpan? Eta, string? Event)
{
    /// <summary>Scenes finished in this run per minute.</summary>
    public double ScenesPerMinute => Elapsed.TotalMinutes > 0 ? (Done - Skipped + Failed) / Elapsed.TotalMinutes : 0;
}

/// <summary>The stages of a batch run.</summary>
public enum BatchStage
{
    /// <summary>Running scenes.</summary>
    Scenes,
    /// <summary>Merging overlapping scenes, numbering, linking to earlier polygons.</summary>
    Merging,
    /// <summary>Regional figures and reports.</summary>
    Reporting,
    /// <summary>All written.</summary>
    Finished,
}

/// <summary>What a batch run did and wrote.</summary>
public sealed record BatchReport
{
    /// <summary>Scenes in the manifest.</summary>
    public required int Total { get; init; }

    /// <summary>The journal's findings at start (skipped, interrupted, retried...).</summary>
    public required JournalSync Resume { get; init; }

    /// <summary>Scenes run in this run.</summary>
    public required int RunNow { get; init; }

    /// <summary>Scenes done (this and earlier runs).</summary>
    public required int Done { get; init; }

    /// <summary>Scenes that failed, with their errors, in manifest order.</summary>
    public required IReadOnlyList<(string Key, string Error)> Failures { get; init; }

    /// <summary>The CRS of <see cref="Polygons"/> as written (areas, X and Y are in <see cref="MergeResult.Crs"/>).</summary>
    public required SpatialReference Crs { get; init; }

    /// <summary>The merge.</summary>
    public required MergeResult Merge { get; init; }

    /// <summary>The merged, numbered (and linked) polygons as written.</summary>
    public required IReadOnlyList<BatchTuban> Polygons { get; init; }

    /// <summary>Polygons linked to an earlier polygon.</summary>
    public required int Linked { get; init; }

    /// <summary>Regional figures.</summary>
    public required IReadOnlyList<RegionFigures> Regions { get; init; }

    /// <summary>Judgements that could not count as given.</summary>
    public required IReadOnlyList<string> JudgementNotes { get; init; }

    /// <summary>Files written: merged polygons, figures, reports.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>Wall time of this run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>True when a scene failed.</summary>
    public bool AnyFailed => Failures.Count > 0;
}
