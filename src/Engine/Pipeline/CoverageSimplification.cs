using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// <c>--simplify</c> on the change polygons as one coverage: neighbouring polygons (of any class) are simplified
/// together by NTS's <see cref="CoverageSimplifier"/>, so each shared boundary is simplified once and both polygons
/// keep it; no gap or overlap opens between them, which simplifying polygon by polygon cannot promise.
/// </summary>
/// <remarks>
/// Polygons arrive as the streaming polygoniser closes them, strip by strip. A closed polygon waits here until no
/// polygon still open can touch it: every open region has a pixel in the last row pushed and reaches up to its top row
/// (<see cref="Polygonizer.OpenTopRow"/>), so a polygon whose last row is above that row's neighbour row is final with
/// all its neighbours. Waiting polygons are grouped by touching envelopes (a cheap superset of touching polygons); a
/// group whose members are all final is simplified as a coverage; polygons are handed on in the order they closed.
/// Memory holds the polygons closed since the top of the tallest open region, not the scene; a change region that
/// stays open over many strips holds back the polygons closed beside it until it closes.
/// </remarks>
internal sealed class CoverageSimplification(double tolerance)
{
    private readonly List<Waiting> _waiting = [];
    private long _sequence;

    // Geometry is the polygon as detected until its group is simplified, then the simplified one (Done).
    private sealed class Waiting(long sequence, ClassPolygon polygon, int rowsPushed)
    {
        public long Sequence { get; } = sequence;
        public ClassPolygon Polygon { get; } = polygon;
        public int RowsPushed { get; } = rowsPushed;
        public Geometry Geometry { get; set; } = polygon.ToPolygon();
        public bool Done { get; set; }
    }

    /// <summary>Takes a polygon closed when <paramref name="rowsPushed"/> rows had been pushed (its last row is above that).</summary>
    public void Add(ClassPolygon polygon, int rowsPushed) => _waiting.Add(new Waiting(_sequence++, polygon, rowsPushed));

    /// <summary>
    /// Simplifies every group that no open region can touch any more (rows from <paramref name="openTopRow"/> down
    /// are still open; <see cref="int.MaxValue"/> after the last row) and hands on the simplified polygons in the order
    /// they closed, up to the first one still waiting: the records are numbered as without simplification.
    /// </summary>
    public List<(ClassPolygon Polygon, Geometry Simplified)> TakeFinal(int openTopRow)
    {
        foreach (var group in Groups())
        {
            if (!group.All(w => w.RowsPushed < openTopRow)) continue;
            var simplified = CoverageSimplifier.Simplify([.. group.Select(w => w.Geometry)], tolerance);
            for (var i = 0; i < group.Count; i++)
            {
                group[i].Geometry = simplified[i];
                group[i].Done = true;
            }
        }
        var ready = _waiting.TakeWhile(w => w.Done).Select(w => (w.Polygon, w.Geometry)).ToList();
        _waiting.RemoveRange(0, ready.Count);
        return ready;
    }

    // Connected groups of the waiting polygons not yet simplified whose envelopes touch or overlap.
    private IEnumerable<List<Waiting>> Groups()
    {
        var open = _waiting.Where(w => !w.Done).ToList();
        var parent = Enumerable.Range(0, open.Count).ToArray();
        int Find(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        if (open.Count == 0) return [];
        var index = new STRtree<int>();
        for (var i = 0; i < open.Count; i++) index.Insert(open[i].Geometry.EnvelopeInternal, i);
        index.Build();
        for (var i = 0; i < open.Count; i++)
            foreach (var j in index.Query(open[i].Geometry.EnvelopeInternal))
                if (j > i) parent[Find(j)] = Find(i);
        return Enumerable.Range(0, open.Count).GroupBy(Find).Select(g => g.Select(i => open[i]).ToList());
    }
}
