using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Union;

namespace WeiPian.Engine.Survey;

/// <summary>A part of a polygon that lies in one county (<see cref="County"/> null: in none of the survey's counties).</summary>
/// <param name="County">The county, or null outside every county.</param>
/// <param name="Geometry">The part, a single polygon.</param>
public readonly record struct CountyPiece(County? County, Polygon Geometry);

public sealed partial class LandSurvey
{
    /// <summary>
    /// Splits a polygon at county borders, because each county verifies and answers for the change on its own land:
    /// one piece per connected part of its exact intersection (OverlayNG) with each county, in county-code order and,
    /// within a county, from the top; the part outside every county comes last, with no county.
    /// </summary>
    /// <remarks>
    /// A polygon that one county covers (nearly every polygon) is returned whole, as the same instance, so its pixel
    /// edges stay exact. Pieces are never dropped: together they are the polygon, and whether a piece is worth a record
    /// is the caller's rule. Where the counties' union leaves less than a billionth of the polygon uncovered (rounding
    /// in the overlay) that remainder is ignored.
    /// </remarks>
    /// <param name="polygon">A Polygon or MultiPolygon in the survey's (the scene's) CRS.</param>
    public IReadOnlyList<CountyPiece> SplitByCounty(Geometry polygon)
    {
        var candidates = _counties.Query(polygon.EnvelopeInternal);
        foreach (var c in candidates)
            if (polygon is Polygon whole && _preparedCounties[c].Covers(polygon)) return [new CountyPiece(c, whole)];

        var pieces = new List<CountyPiece>();
        var overlapping = new List<Geometry>();
        var covered = 0.0;
        foreach (var c in candidates.OrderBy(c => c.Code, StringComparer.Ordinal))
        {
            if (!_preparedCounties[c].Intersects(polygon)) continue;
            var part = Intersection(c.Geometry, polygon);
            covered += part.Area;
            overlapping.Add(c.Geometry);
            AddPieces(part, c, pieces, 0);
        }
        var area = polygon.Area;
        if (covered < area * (1 - 1e-9))
        {
            var rest = overlapping.Count == 0 ? polygon
                : OverlayNGRobust.Overlay(polygon, UnaryUnionOp.Union(overlapping), SpatialFunction.Difference);
            AddPieces(rest, null, pieces, area * 1e-9);
        }
        return pieces;
    }

    private static void AddPieces(Geometry part, County? county, List<CountyPiece> pieces, double minimum)
    {
        var found = new List<Polygon>();
        for (var i = 0; i < part.NumGeometries; i++)
            if (part.GetGeometryN(i) is Polygon p && !p.IsEmpty && p.Area > minimum) found.Add(p);
        foreach (var p in found.OrderByDescending(p => p.EnvelopeInternal.MaxY).ThenBy(p => p.EnvelopeInternal.MinX))
            pieces.Add(new CountyPiece(county, p));
    }
}
