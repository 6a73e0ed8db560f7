using System.Globalization;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;

namespace WeiPian.Cluster;

/// <summary>
/// How a batch is run and what it writes: the cluster form of <see cref="BatchSettings"/> (plain data, sent to every
/// silo). Every path is absolute and on storage every silo can reach (a shared folder mounted at the same path).
/// </summary>
[GenerateSerializer, Alias("weipian.BatchSpec")]
public sealed class ClusterBatchSpec
{
    /// <summary>The batch folder: scenes/, tuban.gpkg, regions.csv, ratio.csv, report.md, report.html.</summary>
    [Id(0)] public string OutputDirectory { get; set; } = "";

    /// <summary>The change model (.onnx with its card).</summary>
    [Id(1)] public string ModelPath { get; set; } = "";

    /// <summary>The land survey the detector finds farmland in.</summary>
    [Id(2)] public string SurveyPath { get; set; } = "";

    /// <summary>The current survey polygons are marked against; null for <see cref="SurveyPath"/>.</summary>
    [Id(3)] public string? CurrentSurveyPath { get; set; }

    /// <summary>Earlier polygons to link to; null for none.</summary>
    [Id(4)] public string? PreviousPath { get; set; }

    /// <summary>Verification results for the yearly ratio; null for none.</summary>
    [Id(5)] public string? JudgementsPath { get; set; }

    /// <summary>Report change on all land, not only on farmland.</summary>
    [Id(6)] public bool AllLand { get; set; }

    /// <summary>JCBH source tag.</summary>
    [Id(7)] public string SourceTag { get; set; } = "WP";

    /// <summary>EPSG code of the merged output; null for the first done scene's CRS.</summary>
    [Id(8)] public int? Epsg { get; set; }

    /// <summary>"cpu" or "cuda".</summary>
    [Id(9)] public string Device { get; set; } = "cpu";

    /// <summary>Inference threads per lane of a scene; 0 for the silo's cores / its workers, shared among the lanes.</summary>
    [Id(10)] public int Threads { get; set; }

    /// <summary>See <see cref="BatchSettings.MergeOverlapFraction"/>.</summary>
    [Id(11)] public double MergeOverlap { get; set; } = 0.3;

    /// <summary>See <see cref="BatchSettings.LinkOverlapFraction"/>.</summary>
    [Id(12)] public double LinkOverlap { get; set; } = 0.5;

    /// <summary>Compute in float16 (<see cref="InferenceOptions.Fp16"/>).</summary>
    [Id(13)] public bool Fp16 { get; set; }

    /// <summary>The local settings these stand for, with <paramref name="workers"/> scenes at once (it sets the default threads).</summary>
    public BatchSettings ToBatchSettings(int workers = 1) => new()
    {
        OutputDirectory = OutputDirectory,
        ModelPath = ModelPath,
        SurveyPath = SurveyPath,
        CurrentSurveyPath = CurrentSurveyPath,
        PreviousPath = PreviousPath,
        JudgementsPath = JudgementsPath,
        Workers = Math.Max(1, workers),
        Crs = Epsg is { } code ? BatchSettings.CrsFromEpsg(code) : null,
        Detection = new DetectionOptions { AllLand = AllLand, SourceTag = SourceTag },
        Inference = new InferenceOptions { Device = InferenceOptions.ParseDevice(Device), IntraOpThreads = Threads, Fp16 = Fp16 },
        MergeOverlapFraction = MergeOverlap,
        LinkOverlapFraction = LinkOverlap,
    };

    /// <summary>The fields as one text, to tell whether a resubmitted batch is the same batch.</summary>
    public string Describe() => string.Join("|", OutputDirectory, ModelPath, SurveyPath, CurrentSurveyPath, PreviousPath, JudgementsPath, AllLand, SourceTag,
        Epsg, Device, Threads, MergeOverlap.ToString("R", CultureInfo.InvariantCulture), LinkOverlap.ToString("R", CultureInfo.InvariantCulture))
        + (Fp16 ? "|fp16" : ""); // only when set, so batches submitted before the switch existed describe the same
}

/// <summary>One scene pair of a cluster batch: the plain-data form of <see cref="SceneJob"/>.</summary>
[GenerateSerializer, Alias("weipian.SceneJob")]
public sealed class ClusterSceneJob
{
    /// <summary>The scene key, unique in the batch.</summary>
    [Id(0)] public string Key { get; set; } = "";

    /// <summary>The earlier image, an absolute path.</summary>
    [Id(1)] public string Before { get; set; } = "";

    /// <summary>The later image, an absolute path.</summary>
    [Id(2)] public string After { get; set; } = "";

    /// <summary>QQJH; null to read it from the file.</summary>
    [Id(3)] public string? BeforeId { get; set; }

    /// <summary>DQJH; null to read it from the file.</summary>
    [Id(4)] public string? AfterId { get; set; }

    /// <summary>QSX as yyyyMMdd; null to read it from the file.</summary>
    [Id(5)] public string? BeforeDate { get; set; }

    /// <summary>HSX as yyyyMMdd; null to read it from the file.</summary>
    [Id(6)] public string? AfterDate { get; set; }

    /// <summary>A 6-digit county code for polygons outside the survey's counties.</summary>
    [Id(7)] public string? Region { get; set; }

    /// <summary>Band roles in band order ("B,G,R,NIR"); null to read them from the files.</summary>
    [Id(8)] public string? Bands { get; set; }

    /// <summary>Warp the after image onto the before image's grid when they differ.</summary>
    [Id(9)] public bool Align { get; set; }

    /// <summary>The plain-data form of <paramref name="job"/>.</summary>
    public static ClusterSceneJob From(SceneJob job) => new()
    {
        Key = job.Key, Before = job.Before, After = job.After, BeforeId = job.BeforeId, AfterId = job.AfterId,
        BeforeDate = job.BeforeDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture), AfterDate = job.AfterDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
        Region = job.Region, Bands = job.Bands is null ? null : BandOrder.Format(job.Bands), Align = job.Align,
    };

    /// <summary>The job this stands for.</summary>
    public SceneJob ToSceneJob() => new(Key, Before, After)
    {
        BeforeId = BeforeId, AfterId = AfterId,
        BeforeDate = BeforeDate is null ? null : DateOnly.ParseExact(BeforeDate, "yyyyMMdd", CultureInfo.InvariantCulture),
        AfterDate = AfterDate is null ? null : DateOnly.ParseExact(AfterDate, "yyyyMMdd", CultureInfo.InvariantCulture),
        Region = Region, Bands = Bands is null ? null : BandOrder.ParseList(Bands), Align = Align,
    };
}

/// <summary>What running one scene gave: the plain-data form of <see cref="SceneResult"/>.</summary>
[GenerateSerializer, Alias("weipian.SceneOutcome")]
public sealed class SceneOutcome
{
    /// <summary>The scene key.</summary>
    [Id(0)] public string Key { get; set; } = "";

    /// <summary>True when the scene's polygon file is in place.</summary>
    [Id(1)] public bool Done { get; set; }

    /// <summary>Polygons written.</summary>
    [Id(2)] public int Polygons { get; set; }

    /// <summary>The scene's polygon file.</summary>
    [Id(3)] public string? OutputPath { get; set; }

    /// <summary>Its SHA-256.</summary>
    [Id(4)] public string? OutputSha256 { get; set; }

    /// <summary>Wall time of the run, seconds.</summary>
    [Id(5)] public double Seconds { get; set; }

    /// <summary>Why it failed.</summary>
    [Id(6)] public string? Error { get; set; }

    /// <summary>Ground area of the scene, km².</summary>
    [Id(7)] public double AreaKm2 { get; set; }

    /// <summary>The plain-data form of <paramref name="r"/>.</summary>
    public static SceneOutcome From(SceneResult r) => new()
    {
        Key = r.Key, Done = r.State == SceneState.Done, Polygons = r.Polygons, OutputPath = r.OutputPath, OutputSha256 = r.OutputSha256,
        Seconds = r.Elapsed.TotalSeconds, Error = r.Error, AreaKm2 = r.AreaKm2,
    };
}

/// <summary>A scene handed to a silo for <see cref="Duration"/>, renewed while it runs.</summary>
[GenerateSerializer, Alias("weipian.SceneLease")]
public sealed class SceneLease
{
    /// <summary>The batch.</summary>
    [Id(0)] public string BatchId { get; set; } = "";

    /// <summary>Unique in the batch: a later lease of the same scene has a larger id.</summary>
    [Id(1)] public long LeaseId { get; set; }

    /// <summary>The scene.</summary>
    [Id(2)] public ClusterSceneJob Job { get; set; } = new();

    /// <summary>The attempt this is (1 for the first).</summary>
    [Id(3)] public int Attempt { get; set; }

    /// <summary>How long a lease lasts without renewal.</summary>
    [Id(4)] public TimeSpan Duration { get; set; }
}

/// <summary>Where a cluster batch is.</summary>
public enum BatchPhase
{
    /// <summary>Not submitted.</summary>
    None,
    /// <summary>Scenes are being run.</summary>
    Scenes,
    /// <summary>All scenes finished; merging, numbering and writing reports.</summary>
    Merging,
    /// <summary>All written.</summary>
    Finished,
    /// <summary>The merge failed (<see cref="ClusterBatchStatus.Error"/>); resubmitting retries it.</summary>
    MergeFailed,
    /// <summary>Cancelled by a client.</summary>
    Cancelled,
}

/// <summary>Scenes per silo.</summary>
[GenerateSerializer, Alias("weipian.SiloCounts")]
public sealed class SiloCounts
{
    /// <summary>The silo's name (host and port unless named).</summary>
    [Id(0)] public string Silo { get; set; } = "";

    /// <summary>Scenes it finished (done).</summary>
    [Id(1)] public int Done { get; set; }

    /// <summary>Scenes that failed on it.</summary>
    [Id(2)] public int Failed { get; set; }

    /// <summary>Scenes it runs now.</summary>
    [Id(3)] public int Running { get; set; }

    /// <summary>Leases it lost (it died or stopped renewing).</summary>
    [Id(4)] public int Lost { get; set; }
}

/// <summary>A snapshot of a cluster batch, for following it.</summary>
[GenerateSerializer, Alias("weipian.BatchStatus")]
public sealed class ClusterBatchStatus
{
    /// <summary>The batch id.</summary>
    [Id(0)] public string BatchId { get; set; } = "";

    /// <summary>Where it is.</summary>
    [Id(1)] public BatchPhase Phase { get; set; }

    /// <summary>Scenes in the manifest.</summary>
    [Id(2)] public int Total { get; set; }

    /// <summary>Scenes done.</summary>
    [Id(3)] public int Done { get; set; }

    /// <summary>Scenes failed.</summary>
    [Id(4)] public int Failed { get; set; }

    /// <summary>Scenes running now.</summary>
    [Id(5)] public int Running { get; set; }

    /// <summary>Scenes waiting.</summary>
    [Id(6)] public int Pending { get; set; }

    /// <summary>Polygons of the done scenes (before merging).</summary>
    [Id(7)] public long ScenePolygons { get; set; }

    /// <summary>Leases lost and handed out again.</summary>
    [Id(8)] public int Requeued { get; set; }

    /// <summary>Results for scenes already done (a scene run twice), recorded once.</summary>
    [Id(9)] public int Duplicates { get; set; }

    /// <summary>When the batch was submitted (UTC).</summary>
    [Id(10)] public DateTime SubmittedUtc { get; set; }

    /// <summary>When the last scene finished.</summary>
    [Id(11)] public DateTime? ScenesFinishedUtc { get; set; }

    /// <summary>When the outputs were written.</summary>
    [Id(12)] public DateTime? FinishedUtc { get; set; }

    /// <summary>Per silo, by name.</summary>
    [Id(13)] public List<SiloCounts> Silos { get; set; } = [];

    /// <summary>Failed scenes and why, in manifest order.</summary>
    [Id(14)] public List<string> Failures { get; set; } = [];

    /// <summary>The merge's summary lines (as `weipian reprocess` prints them), when finished.</summary>
    [Id(15)] public List<string> Summary { get; set; } = [];

    /// <summary>Files written, when finished.</summary>
    [Id(16)] public List<string> Outputs { get; set; } = [];

    /// <summary>Why the merge failed.</summary>
    [Id(17)] public string? Error { get; set; }

    /// <summary>Scenes handed back by silos that stopped cleanly, and handed out again.</summary>
    [Id(18)] public int Released { get; set; }

    /// <summary>Scenes finished per minute since submission.</summary>
    public double ScenesPerMinute(DateTime nowUtc)
    {
        var end = ScenesFinishedUtc ?? nowUtc;
        var minutes = (end - SubmittedUtc).TotalMinutes;
        return minutes > 0 ? (Done + Failed) / minutes : 0;
    }

    /// <summary>True when nothing more will happen.</summary>
    public bool IsOver => Phase is BatchPhase.Finished or BatchPhase.MergeFailed or BatchPhase.Cancelled;
}
