using NetTopologySuite.Geometries;

namespace WeiPian.Engine.Recheck;

/// <summary>The share of a polygon's visible area that one change class of the model covers on the newest date.</summary>
/// <param name="ClassId">The model's class id (1..K-1).</param>
/// <param name="Name">The class name (building, pond...).</param>
/// <param name="Tblx">Its change type code, when it has one.</param>
/// <param name="Share">Share of the visible pixel centres of the polygon, 0..1.</param>
public sealed record ClassShare(int ClassId, string Name, string? Tblx, double Share);

/// <summary>
/// One earlier polygon re-checked on the newest image. Shares are of pixel centres inside the polygon (the
/// gdal_rasterize rule): <see cref="ObscuredShare"/> of all of them, the others of the visible ones.
/// </summary>
public sealed record RecheckResult
{
    /// <summary>The polygon as given.</summary>
    public required EarlierPolygon Polygon { get; init; }

    /// <summary>Its JCBH.</summary>
    public string Jcbh => Polygon.Jcbh;

    /// <summary>The verdict.</summary>
    public required RecheckVerdict Verdict { get; init; }

    /// <summary>Whether the changed share comes from the model (a reference image was given) or from indices alone.</summary>
    public required RecheckBasis Basis { get; init; }

    /// <summary>Newest image date, YYYYMMDD (empty when unknown).</summary>
    public required string NewestDate { get; init; }

    /// <summary>Newest image scene id.</summary>
    public required string NewestId { get; init; }

    /// <summary>Reference image date, YYYYMMDD (empty when unknown or no reference).</summary>
    public required string ReferenceDate { get; init; }

    /// <summary>Polygon area, m².</summary>
    public required double Area { get; init; }

    /// <summary>Pixel centres inside the polygon, those outside the image included.</summary>
    public required long Pixels { get; init; }

    /// <summary>Share of <see cref="Pixels"/> with no data on the newest or the reference date, or outside them (cloud, shadow, edge).</summary>
    public required double ObscuredShare { get; init; }

    /// <summary>
    /// Share of the visible pixels still changed, what the verdict rests on: pixels the model classes as change between
    /// reference and newest, or that the indices do not find back to vegetation or cultivation; with indices alone,
    /// 1 - <see cref="BackShare"/>.
    /// </summary>
    public required double ChangedShare { get; init; }

    /// <summary>Per change class of the model, its share of the visible pixels (empty without a reference).</summary>
    public required IReadOnlyList<ClassShare> ClassShares { get; init; }

    /// <summary>Share of the visible pixels the model calls no change relative to the reference (NaN without a reference).</summary>
    public required double ModelRestoredShare { get; init; }

    /// <summary>Share of the visible pixels that are vegetation by NDVI on the newest date.</summary>
    public required double VegetationShare { get; init; }

    /// <summary>Share that is vegetation or tilled soil (cultivation) on the newest date.</summary>
    public required double CultivatedShare { get; init; }

    /// <summary>Share that is open water on the newest date.</summary>
    public required double WaterShare { get; init; }

    /// <summary>Share back to vegetation or cultivation by the indices (<see cref="GroundCovers.IsBack"/>).</summary>
    public required double BackShare { get; init; }

    /// <summary>Mean NDVI of the visible pixels on the newest date (NaN when none is visible).</summary>
    public required double MeanNdvi { get; init; }

    /// <summary>Share of the visible pixels in the ring of <see cref="RecheckOptions.MarginMetres"/> around the polygon showing change (NaN without a reference or a ring).</summary>
    public required double MarginChangedShare { get; init; }

    /// <summary>The model that judged (name@version), or "indices".</summary>
    public required string Method { get; init; }

    /// <summary>The polygon's geometry.</summary>
    public Geometry Geometry => Polygon.Geometry;
}

/// <summary>Where a recheck is.</summary>
/// <param name="Stage">What is being done.</param>
/// <param name="Done">Units done in the stage.</param>
/// <param name="Total">Units in the stage.</param>
public sealed record RecheckProgress(RecheckStage Stage, long Done, long Total);

/// <summary>The stages a recheck reports.</summary>
public enum RecheckStage
{
    /// <summary>Running the model over the tiles covering the polygons; Done/Total count tiles.</summary>
    Inference,
    /// <summary>Polygons judged so far.</summary>
    Polygons,
}
