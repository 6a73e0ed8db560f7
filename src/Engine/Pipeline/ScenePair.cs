using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// Two dates of one scene to compare. Dates and scene ids default to what the GeoTIFFs say
/// (ACQUISITION_DATE or TIFFTAG_DATETIME, SCENE_ID) and then to the file names.
/// </summary>
/// <param name="Before">The earlier image (GeoTIFF, COG, VRT...).</param>
/// <param name="After">The later image, on the same pixel grid.</param>
public sealed record ScenePair(string Before, string After)
{
    /// <summary>前时相 scene id (QQJH); null to read it from the file.</summary>
    public string? BeforeId { get; init; }

    /// <summary>后时相 scene id (DQJH); null to read it from the file.</summary>
    public string? AfterId { get; init; }

    /// <summary>Acquisition date of <see cref="Before"/> (QSX); null to read it from the file.</summary>
    public DateOnly? BeforeDate { get; init; }

    /// <summary>Acquisition date of <see cref="After"/> (HSX); null to read it from the file.</summary>
    public DateOnly? AfterDate { get; init; }

    /// <summary>Band roles of both images in band order (e.g. B,G,R,NIR), overriding what the files say.</summary>
    public IReadOnlyList<BandRole>? Bands { get; init; }
}
