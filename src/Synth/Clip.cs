namespace WeiPian.Synth;

/// <summary>Sutherland-Hodgman clipping of a polygon by an axis-aligned rectangle (a convex clip window).</summary>
internal static class Clip
{
    /// <summary>The part of the polygon inside [minE, maxE] x [minS, maxS]; empty arrays when none.</summary>
    public static (double[] E, double[] S) ToRectangle(IReadOnlyList<double> e, IReadOnlyList<double> s,
        double minE, double minS, double maxE, double maxS)
    {
        var pts = e.Select((x, i) => (x, s[i])).ToList();
        pts = Edge(pts, p => p.Item1 >= minE, (a, b) => At(a, b, (minE - a.Item1) / (b.Item1 - a.Item1)));
        pts = Edge(pts, p => p.Item1 <= maxE, (a, b) => At(a, b, (maxE - a.Item1) / (b.Item1 - a.Item1)));
        pts = Edge(pts, p => p.Item2 >= minS, (a, b) => At(a, b, (minS - a.Item2) / (b.Item2 - a.Item2)));
        pts = Edge(pts, p => p.Item2 <= maxS, (a, b) => At(a, b, (maxS - a.Item2) / (b.Item2 - a.Item2)));
        pts = Dedupe(pts);
        return pts.Count < 3 ? ([], []) : (pts.Select(p => p.Item1).ToArray(), pts.Select(p => p.Item2).ToArray());
    }

    private static (double, double) At((double, double) a, (double, double) b, double t) =>
        (a.Item1 + t * (b.Item1 - a.Item1), a.Item2 + t * (b.Item2 - a.Item2));

    private static List<(double, double)> Edge(List<(double, double)> input, Func<(double, double), bool> inside,
        Func<(double, double), (double, double), (double, double)> cross)
    {
        var output = new List<(double, double)>(input.Count + 4);
        for (var i = 0; i < input.Count; i++)
        {
            var cur = input[i];
            var prev = input[(i + input.Count - 1) % input.Count];
            bool ci = inside(cur), pi = inside(prev);
            if (ci)
            {
                if (!pi) output.Add(cross(prev, cur));
                output.Add(cur);
            }
            else if (pi)
            {
                output.Add(cross(prev, cur));
            }
        }
        return output;
    }

    // Clipping a staircase can leave repeated or collinear points; drop them so rings stay simple.
    private static List<(double, double)> Dedupe(List<(double, double)> pts)
    {
        var changed = true;
        while (changed && pts.Count >= 3)
        {
            changed = false;
            for (var i = 0; i < pts.Count && pts.Count >= 3; i++)
            {
                var a = pts[(i + pts.Count - 1) % pts.Count];
                var b = pts[i];
                var c = pts[(i + 1) % pts.Count];
                var cross = (b.Item1 - a.Item1) * (c.Item2 - b.Item2) - (b.Item2 - a.Item2) * (c.Item1 - b.Item1);
                var same = Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9;
                if (same || Math.Abs(cross) < 1e-9)
                {
                    pts.RemoveAt(i);
                    changed = true;
                    i--;
                }
            }
        }
        return pts;
    }
}
