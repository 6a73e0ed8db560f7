using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace WeiPian.Engine.Evaluation;

/// <summary>A polygon with its class, for object matching.</summary>
/// <param name="ClassId">Its class.</param>
/// <param name="Geometry">The polygon.</param>
public sealed record ClassedPolygon(int ClassId, Geometry Geometry);

/// <summary>
/// Object-level agreement between true and predicted change polygons, as field checking sees it: a true polygon
/// is FOUND when predicted polygons cover at least half of it; a prediction is a FALSE ALARM when no true polygon
/// covers at least half of it. Class-agnostic (any change found counts) and, in <see cref="ByClass"/>, per class.
/// </summary>
public sealed record ObjectMetrics
{
    /// <summary>The share of a polygon that must be covered (0.5).</summary>
    public const double CoverShare = 0.5;

    /// <summary>True polygons.</summary>
    public required int TruthCount { get; init; }

    /// <summary>True polygons found.</summary>
    public required int Found { get; init; }

    /// <summary>Predicted polygons.</summary>
    public required int PredictedCount { get; init; }

    /// <summary>Predictions lying mostly on true change.</summary>
    public required int Matched { get; init; }

    /// <summary>Area evaluated, km² (for false alarms per km²).</summary>
    public required double AreaKm2 { get; init; }

    // As the pixel scores: an undefined ratio reads 0, the counts beside it say why.

    /// <summary>Found / true polygons; 0 when there is none.</summary>
    public double Recall => TruthCount == 0 ? 0 : (double)Found / TruthCount;

    /// <summary>Matched / predictions; 0 when there is none.</summary>
    public double Precision => PredictedCount == 0 ? 0 : (double)Matched / PredictedCount;

    /// <summary>Harmonic mean of <see cref="Recall"/> and <see cref="Precision"/>; 0 when both are.</summary>
    public double F1 => Recall + Precision is var s && s > 0 ? 2 * Recall * Precision / s : 0;

    /// <summary>Predictions that are false alarms.</summary>
    public int FalseAlarms => PredictedCount - Matched;

    /// <summary>False alarms per km²; 0 when the area is unknown (no extent).</summary>
    public double FalseAlarmsPerKm2 => AreaKm2 > 0 ? FalseAlarms / AreaKm2 : 0;

    /// <summary>The same counts per class (a true polygon found only by predictions of its own class).</summary>
    public IReadOnlyDictionary<int, ObjectMetrics> ByClass { get; init; } = new Dictionary<int, ObjectMetrics>();

    /// <summary>Pools the counts of several evaluations (cases of a benchmark set), class by class.</summary>
    public static ObjectMetrics Sum(IReadOnlyList<ObjectMetrics> parts)
    {
        static ObjectMetrics Add(IEnumerable<ObjectMetrics> ms) => new()
        {
            TruthCount = ms.Sum(m => m.TruthCount),
            Found = ms.Sum(m => m.Found),
            PredictedCount = ms.Sum(m => m.PredictedCount),
            Matched = ms.Sum(m => m.Matched),
            AreaKm2 = ms.Sum(m => m.AreaKm2),
        };
        var total = Add(parts);
        var classes = parts.SelectMany(p => p.ByClass.Keys).Distinct().Order();
        return total with
        {
            ByClass = classes.ToDictionary(c => c, c => Add(parts.Select(p => p.ByClass.TryGetValue(c, out var m) ? m : Empty(p.AreaKm2)))),
        };
    }

    private static ObjectMetrics Empty(double areaKm2) => new() { TruthCount = 0, Found = 0, PredictedCount = 0, Matched = 0, AreaKm2 = areaKm2 };

    /// <summary>Matches <paramref name="predicted"/> against <paramref name="truth"/> over an area of <paramref name="areaKm2"/>.</summary>
    public static ObjectMetrics Compute(IReadOnlyList<ClassedPolygon> truth, IReadOnlyList<ClassedPolygon> predicted, double areaKm2)
    {
        var all = Count(truth, predicted, areaKm2);
        var classes = truth.Select(t => t.ClassId).Concat(predicted.Select(p => p.ClassId)).Distinct().Order();
        return all with
        {
            ByClass = classes.ToDictionary(c => c,
                c => Count(truth.Where(t => t.ClassId == c).ToList(), predicted.Where(p => p.ClassId == c).ToList(), areaKm2)),
        };
    }

    private static ObjectMetrics Count(IReadOnlyList<ClassedPolygon> truth, IReadOnlyList<ClassedPolygon> predicted, double areaKm2)
    {
        var truthIndex = Index(truth);
        var predictedIndex = Index(predicted);
        return new ObjectMetrics
        {
            TruthCount = truth.Count,
            Found = truth.Count(t => IsFound(t.Geometry, predictedIndex)),
            PredictedCount = predicted.Count,
            Matched = predicted.Count(p => CoveredShare(p.Geometry, truthIndex) >= CoverShare),
            AreaKm2 = areaKm2,
        };
    }

    /// <summary>True when the indexed predictions cover at least <see cref="CoverShare"/> of <paramref name="truth"/> (the rule of <see cref="Found"/>).</summary>
    internal static bool IsFound(Geometry truth, STRtree<ClassedPolygon> predicted) => CoveredShare(truth, predicted) >= CoverShare;

    private static double CoveredShare(Geometry g, STRtree<ClassedPolygon> others)
    {
        var area = g.Area;
        return area <= 0 ? 0 : CoveredArea(g, others) / area;
    }

    // Polygons of one side never overlap each other (they come from one raster or one survey), so summing the
    // intersections is the covered area.
    internal static double CoveredArea(Geometry g, STRtree<ClassedPolygon> others)
    {
        var covered = 0.0;
        foreach (var o in others.Query(g.EnvelopeInternal))
            if (o.Geometry.Intersects(g))
                covered += OverlayNGRobust.Overlay(o.Geometry, g, SpatialFunction.Intersection).Area;
        return covered;
    }

    internal static STRtree<ClassedPolygon> Index(IReadOnlyList<ClassedPolygon> polygons)
    {
        var tree = new STRtree<ClassedPolygon>();
        foreach (var p in polygons) tree.Insert(p.Geometry.EnvelopeInternal, p);
        tree.Build();
        return tree;
    }
}
