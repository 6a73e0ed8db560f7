using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Batch;

/// <summary>
/// One unit of reprocessing work: a scene pair to detect change in, named by a key that is unique in its batch.
/// Plain data (strings, dates), so it can be sent to another machine and run there with <see cref="SceneWork"/>.
/// </summary>
/// <param name="Key">The scene key: unique in the batch, letters, digits, '-', '_' and '.' only; it names the
/// scene's polygon file (<c>scenes/&lt;key&gt;.gpkg</c>) and appears in the merged output's SCENES field.</param>
/// <param name="Before">The earlier image (GeoTIFF, COG, VRT), an absolute path.</param>
/// <param name="After">The later image on the same pixel grid, an absolute path.</param>
public sealed record SceneJob(string Key, string Before, string After)
{
    /// <summary>QQJH, the before scene id; null to read it from the file (SCENE_ID, else the file name).</summary>
    public string? BeforeId { get; init; }

    /// <summary>DQJH, the after scene id; null to read it from the file.</summary>
    public string? AfterId { get; init; }

    /// <summary>QSX; null to read it from the file.</summary>
    public DateOnly? BeforeDate { get; init; }

    /// <summary>HSX; null to read it from the file.</summary>
    public DateOnly? AfterDate { get; init; }

    /// <summary>A 6-digit county code (XZQDM) for polygons the survey's county layer does not cover; null for the batch default.</summary>
    public string? Region { get; init; }

    /// <summary>Band roles of both images in band order, overriding the files; null to read them from the files.</summary>
    public IReadOnlyList<BandRole>? Bands { get; init; }

    /// <summary>Warp the after image onto the before image's grid when they differ (<see cref="ScenePair.Align"/>).</summary>
    public bool Align { get; init; }

    /// <summary>The scene pair the detector runs.</summary>
    public ScenePair ToScenePair() => new(Before, After)
    {
        BeforeId = BeforeId, AfterId = AfterId, BeforeDate = BeforeDate, AfterDate = AfterDate, Bands = Bands, Align = Align,
    };

    /// <summary>
    /// What the job's result depends on among its own fields, and the size and modification time of both images:
    /// a job whose fingerprint changed since it was done is done again.
    /// </summary>
    public string Fingerprint()
    {
        var text = string.Join("\n",
            Key, Before, Describe(Before), After, Describe(After), BeforeId ?? "", AfterId ?? "",
            BeforeDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "", AfterDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "",
            Region ?? "", Bands is null ? "" : BandOrder.Format(Bands)) + (Align ? "\nalign" : ""); // jobs without it keep their fingerprint
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private static string Describe(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? string.Create(CultureInfo.InvariantCulture, $"{info.Length}@{info.LastWriteTimeUtc.Ticks}") : "missing";
    }

    /// <summary>True when <paramref name="key"/> is usable as a scene key (a file name on every system).</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= 120 && key[0] != '.' && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A scene key made from any text: characters outside letters, digits, '-', '_', '.' become '_'.</summary>
    public static string KeyFrom(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var key = new string(chars).TrimStart('.');
        return key.Length == 0 ? "scene" : key.Length > 120 ? key[..120] : key;
    }
}

/// <summary>Where a scene is in a batch.</summary>
public enum SceneState
{
    /// <summary>Not yet run, or to be run again (its earlier run was interrupted, or its inputs or settings changed).</summary>
    Pending,
    /// <summary>Being run now (a journal that says so after a crash means the run was interrupted).</summary>
    Running,
    /// <summary>Its polygon file is complete.</summary>
    Done,
    /// <summary>It could not be processed; the error says why.</summary>
    Failed,
}

/// <summary>What running one <see cref="SceneJob"/> gave.</summary>
/// <param name="Key">The job's key.</param>
/// <param name="State"><see cref="SceneState.Done"/> or <see cref="SceneState.Failed"/>.</param>
/// <param name="Polygons">Polygons written (0 when failed).</param>
/// <param name="OutputPath">The scene's polygon file (null when failed).</param>
/// <param name="OutputSha256">SHA-256 of that file, lower-case hex (null when failed).</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="Error">One line saying why it failed (null when done).</param>
public sealed record SceneResult(string Key, SceneState State, int Polygons, string? OutputPath, string? OutputSha256, TimeSpan Elapsed, string? Error)
{
    /// <summary>Ground area of the scene's overlap of both dates, km² (0 when failed).</summary>
    public double AreaKm2 { get; init; }
}
