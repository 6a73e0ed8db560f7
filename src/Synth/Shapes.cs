using System.Runtime.CompilerServices;

namespace WeiPian.Synth;

/// <summary>
/// A simple polygon in scene-local metres: e east and s south of the scene's top-left corner.
/// Rendering and the truth raster test pixel centres against exactly these vertices, so truth.tif
/// equals the truth polygons rasterised with the pixel-centre rule.
/// </summary>
internal sealed class Shape
{
    public Shape(double[] e, double[] s)
    {
        E = e;
        S = s;
        MinE = e.Min(); MaxE = e.Max(); MinS = s.Min(); MaxS = s.Max();
    }

    public double[] E { get; }
    public double[] S { get; }
    public double MinE { get; }
    public double MaxE { get; }
    public double MinS { get; }
    public double MaxS { get; }

    /// <summary>Crossing-number test; points exactly on an edge fall on one side consistently.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(double e, double s)
    {
        if (e < MinE || e > MaxE || s < MinS || s > MaxS) return false;
        var inside = false;
        var n = E.Length;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            double si = S[i], sj = S[j];
            if ((si > s) != (sj > s))
            {
                var x = E[i] + (s - si) / (sj - si) * (E[j] - E[i]);
                if (e < x) inside = !inside;
            }
        }
        return inside;
    }

    public bool BoxIntersects(Shape o, double margin) =>
        MinE - margin <= o.MaxE && o.MinE - margin <= MaxE && MinS - margin <= o.MaxS && o.MinS - margin <= MaxS;

    /// <summary>
    /// A wobbly circle of <paramref name="n"/> vertices around (<paramref name="ce"/>, <paramref name="cs"/>): radius
    /// r (<paramref name="lo"/> + <paramref name="amp"/> noise(angle)), the noise read on a circle of radius
    /// <paramref name="freq"/> centred at (<paramref name="at"/>, <paramref name="at"/>) so it closes smoothly. Clouds and mining pits.
    /// </summary>
    public static Shape Wobbly(double ce, double cs, double r, int n, double lo, double amp, double freq, double at, uint seed)
    {
        var es = new double[n];
        var ss = new double[n];
        for (var k = 0; k < n; k++)
        {
            var t = 2 * Math.PI * k / n;
            var rr = r * (lo + amp * Hash.Value(Math.Cos(t) * freq + at, Math.Sin(t) * freq + at, seed));
            es[k] = ce + rr * Math.Cos(t);
            ss[k] = cs + rr * Math.Sin(t);
        }
        return new Shape(es, ss);
    }

    /// <summary>
    /// Shortest distance in metres between this polygon and <paramref name="o"/>: 0 when they touch, cross or one holds
    /// the other. Used to keep planted objects a stated distance apart, edge to edge rather than box to box.
    /// </summary>
    public double DistanceTo(Shape o)
    {
        if (Contains(o.E[0], o.S[0]) || o.Contains(E[0], S[0])) return 0;
        var best = double.MaxValue;
        for (int i = 0, j = E.Length - 1; i < E.Length; j = i++)
            for (int k = 0, l = o.E.Length - 1; k < o.E.Length; l = k++)
            {
                best = Math.Min(best, SegmentDistance(E[j], S[j], E[i], S[i], o.E[l], o.S[l], o.E[k], o.S[k]));
                if (best == 0) return 0;
            }
        return best;
    }

    /// <summary>Whether any point of <paramref name="o"/> lies closer than <paramref name="margin"/> metres (boxes first, then edges).</summary>
    public bool IsNear(Shape o, double margin) => BoxIntersects(o, margin) && DistanceTo(o) < margin;

    private static double SegmentDistance(double ax, double ay, double bx, double by, double cx, double cy, double dx, double dy)
    {
        // Proper crossing: c and d on either side of ab, and a and b on either side of cd.
        double Cross(double ox, double oy, double px, double py, double qx, double qy) => (px - ox) * (qy - oy) - (py - oy) * (qx - ox);
        double d1 = Cross(ax, ay, bx, by, cx, cy), d2 = Cross(ax, ay, bx, by, dx, dy);
        double d3 = Cross(cx, cy, dx, dy, ax, ay), d4 = Cross(cx, cy, dx, dy, bx, by);
        if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
        return Math.Min(Math.Min(PointSegment(cx, cy, ax, ay, bx, by), PointSegment(dx, dy, ax, ay, bx, by)),
                        Math.Min(PointSegment(ax, ay, cx, cy, dx, dy), PointSegment(bx, by, cx, cy, dx, dy)));
    }

    private static double PointSegment(double px, double py, double ax, double ay, double bx, double by)
    {
        double vx = bx - ax, vy = by - ay;
        var len2 = vx * vx + vy * vy;
        var t = len2 == 0 ? 0 : Math.Clamp(((px - ax) * vx + (py - ay) * vy) / len2, 0, 1);
        double ex = ax + t * vx - px, ey = ay + t * vy - py;
        return Math.Sqrt(ex * ex + ey * ey);
    }

    public Shape Translate(double de, double ds) => new(E.Select(v => v + de).ToArray(), S.Select(v => v + ds).ToArray());

    /// <summary>Planar area in m² (shoelace).</summary>
    public double Area
    {
        get
        {
            double a = 0;
            for (int i = 0, j = E.Length - 1; i < E.Length; j = i++) a += E[j] * S[i] - E[i] * S[j];
            return Math.Abs(a) / 2;
        }
    }
}

/// <summary>A planted change: its class, outline and the parameters that shade it.</summary>
internal sealed class ChangeObject
{
    public required ChangeClass Class { get; init; }
    public required Shape Outline { get; init; }
    public required LandClass LandBefore { get; init; }
    /// <summary>Object-local frame: centre and axes (unit vectors in e,s) for textures that follow the object.</summary>
    public required double CentreE { get; init; }
    public required double CentreS { get; init; }
    public required double AxisE { get; init; }
    public required double AxisS { get; init; }
    /// <summary>Half extents along and across the axis (for a pit: its mean radius, twice).</summary>
    public required double HalfW { get; init; }
    public required double HalfH { get; init; }
    /// <summary>Roof or film variant, terrace spacing, etc.</summary>
    public required int Variant { get; init; }
    public required uint Seed { get; init; }
    /// <summary>Buildings: how far construction had got by the after date; always finished without nuisances.</summary>
    public BuildingStage Stage { get; set; }
    /// <summary>What became of it by the newest date; null unless the third date is synthesised.</summary>
    public RecheckPlan? Recheck { get; set; }

    /// <summary>True when the point (inside the outline) was restored by the newest date.</summary>
    public bool RestoredAt(double e, double s)
    {
        var plan = Recheck;
        if (plan is null) return false;
        switch (plan.Shown)
        {
            case RecheckFate.Restored: return true;
            case RecheckFate.Partly:
                double de = e - CentreE, ds = s - CentreS;
                var t = plan.CutAlongA ? de * AxisE + ds * AxisS : -de * AxisS + ds * AxisE;
                return plan.CutSign * t < plan.Cut;
            default: return false;
        }
    }
}
