using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Evaluation;

/// <summary>A nuisance object: change between the dates that is not a violation (one polygon of synth's nuisance.gpkg).</summary>
/// <param name="Kind">Its KIND, e.g. mulch, paddy_flooded, pond_drained, haze.</param>
/// <param name="Geometry">The polygon, in the truth's CRS.</param>
public sealed record NuisanceObject(string Kind, Geometry Geometry);

/// <summary>
/// How many nuisance objects a model flags, per kind. A nuisance changes between the dates but is no violation (plastic
/// mulch, a flooded paddy, a drained pond, haze, a crop rotation, a farm track, rubble), so a field team sent to one finds
/// nothing to report. Object precision counts such predictions among all false alarms, wherever they fall; counted per
/// kind they say which look-alike a model takes for a violation, which is what a model upgrade is meant to fix.
/// </summary>
/// <remarks>
/// An object is HIT (a false alarm) when predicted change polygons of any class cover at least
/// <see cref="MinOverlapShare"/> of its area (10 %) or <see cref="MinOverlapM2"/> (20 m², about 31 pixels at 0.8 m),
/// whichever is smaller: the share keeps a sliver along a small object's edge from counting, the fixed area makes a
/// large field hit by a prediction a checker would visit anyway. The covered area is summed over the predicted polygons
/// (they come from one class raster, so never overlap one another).
/// </remarks>
public static class NuisanceAlarms
{
    /// <summary>The share of a nuisance's area that predictions must cover for it to be hit (0.1), unless <see cref="MinOverlapM2"/> is less.</summary>
    public const double MinOverlapShare = 0.10;

    /// <summary>The covered area, m² (in the CRS's units), that always suffices for a hit (20).</summary>
    public const double MinOverlapM2 = 20;

    /// <summary>The layer synth writes (<c>nuisance</c>) and its kind field (<c>KIND</c>).</summary>
    public const string LayerName = "nuisance", KindField = "KIND";

    /// <summary>The covered area (m²) at which an object of <paramref name="areaM2"/> counts as hit: min(10 % of it, 20 m²).</summary>
    public static double Threshold(double areaM2) => Math.Min(MinOverlapShare * areaM2, MinOverlapM2);

    /// <summary>
    /// The nuisance objects of a file as synth writes it: layer <c>nuisance</c> (or the first layer), kind from
    /// <c>KIND</c>; features without a geometry are left out.
    /// </summary>
    /// <exception cref="InputException">The layer has no KIND field.</exception>
    public static IReadOnlyList<NuisanceObject> Read(string path)
    {
        using var ds = VectorDataset.Open(path);
        var layer = ds.HasLayer(LayerName) ? ds.Layer(LayerName) : ds.Layer(0);
        if (layer.FieldIndex(KindField) < 0)
            throw new InputException($"'{path}' layer '{layer.Name}' has no field '{KindField}'; its fields are {string.Join(", ", layer.Fields.Select(f => f.Name))}.");
        var reader = new WKBReader();
        return layer.Features().Where(f => f.Wkb is not null)
            .Select(f => new NuisanceObject(f.GetString(KindField) ?? "", reader.Read(f.Wkb))).ToList();
    }

    /// <summary>
    /// Per kind (ordinal order), the nuisances <paramref name="predicted"/> hit and all of them. Both sides must be in one
    /// projected CRS (metres).
    /// </summary>
    public static IReadOnlyDictionary<string, ObjectTally> Count(IReadOnlyList<NuisanceObject> nuisances, IReadOnlyList<ClassedPolygon> predicted)
    {
        var index = ObjectMetrics.Index(predicted);
        return ObjectTally.Count(nuisances, n => n.Kind, n => IsHit(n.Geometry, index));
    }

    // An object with no area is never hit: its threshold would be 0.
    private static bool IsHit(Geometry nuisance, NetTopologySuite.Index.Strtree.STRtree<ClassedPolygon> predicted)
    {
        var area = nuisance.Area;
        if (area <= 0) return false;
        var covered = ObjectMetrics.CoveredArea(nuisance, predicted);
        return covered > 0 && covered >= Threshold(area);
    }
}
