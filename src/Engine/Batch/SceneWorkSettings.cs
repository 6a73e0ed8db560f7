using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Engine.Batch;

/// <summary>What every scene of a batch is run with. The same settings and job always give the same polygons.</summary>
public sealed record SceneWorkSettings
{
    /// <summary>The change model (.onnx with its card).</summary>
    public required string ModelPath { get; init; }

    /// <summary>The land survey the detector finds farmland in (DLTB, optionally YJJBNTTB and XZQ).</summary>
    public required string SurveyPath { get; init; }

    /// <summary>
    /// The current land survey that polygons are marked against (DLBM_NOW, BCTB, YBG); null to use <see cref="SurveyPath"/>.
    /// At year end: the detection survey is last year's, the current one this year's 变更调查.
    /// </summary>
    public string? CurrentSurveyPath { get; init; }

    /// <summary>Where scene polygon files go (<c>&lt;key&gt;.gpkg</c>); created when missing.</summary>
    public required string ScenesDirectory { get; init; }

    /// <summary>Folder for a run's intermediate files; the batch's own <c>.weipian-batch/tmp</c> beside <see cref="ScenesDirectory"/> when null.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>What to report and how (farmland only or all land, minimum areas, source tag, default county).</summary>
    public DetectionOptions Detection { get; init; } = new();

    /// <summary>Device, threads, tile size; null for CPU defaults.</summary>
    public InferenceOptions? Inference { get; init; }

    /// <summary>The survey the polygons are marked against.</summary>
    public string MarkingSurveyPath => CurrentSurveyPath ?? SurveyPath;

    /// <summary>
    /// What the scene results depend on besides the job: the model file's SHA-256, the surveys (path, size, time),
    /// the detection options and the tile geometry. Device, threads and workers are left out: they do not change
    /// the polygons, so a batch may be resumed with others.
    /// </summary>
    public string Fingerprint()
    {
        var d = Detection;
        var i = Inference ?? new InferenceOptions();
        var text = string.Join("\n",
            "model", BatchTubanFile.Sha256(ModelPath), "survey", Describe(SurveyPath), "current", Describe(MarkingSurveyPath),
            $"allLand={d.AllLand}", $"eight={d.EightConnected}", $"tag={d.SourceTag}", $"county={d.DefaultCounty}",
            "min=" + string.Join(";", d.MinimumArea.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => FormattableString.Invariant($"{kv.Key}:{kv.Value}"))),
            FormattableString.Invariant($"default={d.DefaultMinimumArea}") + UserMinimumAreas(d), FormattableString.Invariant($"simplify={d.SimplifyTolerance}"),
            $"survey={d.Survey.ParcelLayer}/{d.Survey.LandClassField}/{d.Survey.BasicFarmlandLayer}/{d.Survey.CountyLayer}/{d.Survey.CountyCodeField}/{d.Survey.CountyNameField}/{string.Join(";", d.Survey.FarmlandCodes)}/{d.Survey.Encoding}",
            $"tile={i.TileSize}", $"halo={i.Halo}", $"batch={i.BatchSize}", $"fp16={i.Fp16}", "schema=2");
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }

    // The user's minimum areas, only when set, so that a batch begun without them keeps its fingerprint.
    private static string UserMinimumAreas(DetectionOptions d) => d.MinimumAreaOverride is { } user
        ? ";user=" + string.Join(";", user.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase).Select(kv => FormattableString.Invariant($"{kv.Key}:{kv.Value}")))
        : "";

    private static string Describe(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            var f = new FileInfo(full);
            return FormattableString.Invariant($"{full}|{f.Length}|{f.LastWriteTimeUtc.Ticks}");
        }
        if (Directory.Exists(full))   // a Shapefile folder or a FileGDB: every file in it
            return full + "|" + string.Join(";", Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(p => new FileInfo(p)).Select(f => FormattableString.Invariant($"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}")));
        return full + "|missing";
    }
}
