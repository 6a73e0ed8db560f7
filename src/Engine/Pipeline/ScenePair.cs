using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// Two dates of one scene to compare. Dates and scene ids default to what the GeoTIFFs say
/// (ACQUISITION_DATE or TIFFTAG_DATETIME, SCENE_ID) and then to the file names.
/// </summary>
/// <param name="Before">The earlier image (GeoTIFF, COG, VRT...).</param>
/// <param name="After">The later image, on the same pixel grid (or any grid, with <see cref="Align"/>).</param>
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

    /// <summary>
    /// Warp <see cref="After"/> onto the before date's grid when the two differ (origin, pixel size, CRS, extent), through
    /// GDAL's warper with cubic resampling, and process only where both dates lie. False: dates on different grids are
    /// refused, so that nobody resamples imagery without knowing it.
    /// </summary>
    public bool Align { get; init; }

    /// <summary>
    /// Run the model at the GSD its card states (<c>input.gsd</c>) when the scene's differs from it by more than 10 %: both
    /// dates are warped to that GSD in the before date's CRS, the polygons are made on that grid (still in the scene's
    /// CRS) and their areas come from their geometry. False: such a scene is refused.
    /// </summary>
    public bool ResampleToModel { get; init; }

    /// <summary>
    /// Take out the residual shift between the dates that the co-registration check measures (the median of the block
    /// shifts, to a fraction of a pixel) by reading the after date shifted back through the warper, when the blocks agree
    /// on one shift. The check itself always runs and is reported in the summary; false leaves the pixels where their
    /// georeferencing puts them.
    /// </summary>
    public bool Coregister { get; init; }
}
