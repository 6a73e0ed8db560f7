using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Survey;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// The attributes of a 图斑 that follow from its geometry: JCMJ, the areas on farmland and on permanent basic farmland
/// (JCGDMJ, YJJBNTMJ, SFYN), a point inside (X, Y) with its longitude and latitude (LZB, BZB), and its county.
/// Detection fills its records with it and the batch merge refills the records it dissolves, so both measure alike.
/// </summary>
/// <param name="crs">The CRS of the geometries, projected (areas in its linear unit squared).</param>
/// <param name="survey">The land survey the overlay areas come from; null: they are 0.</param>
internal sealed class TubanSite(SpatialReference crs, LandSurvey? survey) : IDisposable
{
    private readonly CoordinateTransform _toGeographic = new(crs, SpatialReference.FromEpsg(4490));

    /// <summary>m² per square unit of the CRS.</summary>
    public double SquareMetresPerUnit { get; } = crs.LinearUnitMetres * crs.LinearUnitMetres;

    /// <summary>The record measured at its geometry, with JCMJ = <paramref name="area"/> (m²) and, when
    /// <paramref name="county"/> is given, its XZQDM and XZQMC.</summary>
    public Tuban Place(Tuban t, double area, County? county)
    {
        var geometry = t.Geometry;
        var inside = geometry.InteriorPoint;
        var (lon, lat) = _toGeographic.Transform(inside.X, inside.Y);
        // Overlay areas are of the union of the parcels, so they cannot exceed the polygon; the bound also absorbs
        // the last bit of rounding between the pixel-count area and the vector overlay.
        var basic = Math.Min(survey?.BasicFarmlandArea(geometry) * SquareMetresPerUnit ?? 0, area);
        return t with
        {
            Xzqdm = county?.Code ?? t.Xzqdm,
            Xzqmc = county?.Name ?? t.Xzqmc,
            Jcmj = area,
            Jcgdmj = Math.Min(survey?.FarmlandArea(geometry) * SquareMetresPerUnit ?? 0, area),
            Yjjbntmj = basic,
            Sfyn = basic > 0,
            X = inside.X,
            Y = inside.Y,
            Lzb = lon,
            Bzb = lat,
        };
    }

    public void Dispose() => _toGeographic.Dispose();
}
