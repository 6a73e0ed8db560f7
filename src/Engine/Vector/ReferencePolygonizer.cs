using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Vector;

/// <summary>
/// The plain, whole-raster definition of <see cref="Polygonizer"/>'s output, kept as the test oracle beside the fast
/// streaming one: flood-fill the regions, list each region's pixel edges directed with the region on the left, and
/// walk them; where a region meets itself at a corner, turn right (towards its own diagonal pixel).
/// </summary>
internal static class ReferencePolygonizer
{
    public static List<ClassPolygon> Run(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> validMask, int width, int height,
        PixelConnectivity connectivity, GeoTransform transform, byte? noData)
    {
        var cls = new int[width * height];
        for (var i = 0; i < cls.Length; i++)
            cls[i] = (!validMask.IsEmpty && validMask[i] == 0) || pixels[i] == noData ? -1 : pixels[i];
        var label = new int[cls.Length];
        Array.Fill(label, -1);
        var regions = new List<List<int>>();
        var stack = new Stack<int>();
        for (var i = 0; i < cls.Length; i++)
        {
            if (cls[i] < 0 || label[i] >= 0) continue;
            var members = new List<int>();
            label[i] = regions.Count;
            stack.Push(i);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                members.Add(p);
                int px = p % width, py = p / width;
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        if (dx == 0 && dy == 0) continue;
                        if (connectivity == PixelConnectivity.Four && dx != 0 && dy != 0) continue;
                        int qx = px + dx, qy = py + dy;
                        if (qx < 0 || qy < 0 || qx >= width || qy >= height) continue;
                        var q = qy * width + qx;
                        if (label[q] >= 0 || cls[q] != cls[i]) continue;
                        label[q] = regions.Count;
                        stack.Push(q);
                    }
            }
            regions.Add(members);
        }

        var det = transform.PixelWidth * transform.PixelHeight - transform.RowRotation * transform.ColumnRotation;
        var result = new List<ClassPolygon>();
        for (var id = 0; id < regions.Count; id++)
        {
            var members = regions[id];
            members.Sort();
            bool In(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && label[y * width + x] == id;
            var edges = new Dictionary<(int X, int Y), List<(int X, int Y)>>();
            void Add((int, int) a, (int, int) b)
            {
                if (!edges.TryGetValue(a, out var list)) edges[a] = list = new List<(int, int)>(2);
                list.Add(b);
            }
            foreach (var p in members)
            {
                int x = p % width, y = p / width;
                if (!In(x, y - 1)) Add((x + 1, y), (x, y));         // top edge, heading west
                if (!In(x, y + 1)) Add((x, y + 1), (x + 1, y + 1)); // bottom edge, heading east
                if (!In(x - 1, y)) Add((x, y), (x, y + 1));         // left edge, heading south
                if (!In(x + 1, y)) Add((x + 1, y + 1), (x + 1, y)); // right edge, heading north
            }
            var used = new HashSet<((int X, int Y) From, (int X, int Y) To)>();
            var rings = new List<List<(int X, int Y)>>();
            int fx = members[0] % width, fy = members[0] / width;
            rings.Add(Walk(edges, used, ((fx, fy), (fx, fy + 1))));
            foreach (var from in edges.Keys.OrderBy(k => k.Y).ThenBy(k => k.X))
                foreach (var to in edges[from])
                    if (!used.Contains((from, to))) rings.Add(Walk(edges, used, (from, to)));

            var coords = new List<double>();
            var starts = new List<int>();
            foreach (var ring in rings)
            {
                starts.Add(coords.Count / 2);
                var ordered = det > 0 ? [ring[0], .. Enumerable.Reverse(ring.Skip(1))] : ring;
                foreach (var (x, y) in ordered)
                {
                    coords.Add(transform.OriginX + x * transform.PixelWidth + y * transform.RowRotation);
                    coords.Add(transform.OriginY + x * transform.ColumnRotation + y * transform.PixelHeight);
                }
            }
            starts.Add(coords.Count / 2);
            var value = pixels[members[0]];
            result.Add(new ClassPolygon(value, members.Count, members.Count * Math.Abs(det), [.. coords], [.. starts]));
        }
        return result;
    }

    /// <summary>
    /// Follows directed edges from <paramref name="first"/> until it comes round to it again, keeping only the corners
    /// where the ring turns. Where two edges leave a corner (the region meets itself there) it turns right
    /// (screen coordinates, rows down).
    /// </summary>
    private static List<(int X, int Y)> Walk(Dictionary<(int X, int Y), List<(int X, int Y)>> edges,
        HashSet<((int X, int Y) From, (int X, int Y) To)> used, ((int X, int Y) From, (int X, int Y) To) first)
    {
        var path = new List<(int X, int Y)>();
        var edge = first;
        while (true)
        {
            used.Add(edge);
            var (from, at) = edge;
            (int X, int Y) heading = (at.X - from.X, at.Y - from.Y);
            var outs = edges[at];
            var to = outs[0];
            if (outs.Count > 1)
            {
                to = (at.X - heading.Y, at.Y + heading.X);
                if (!outs.Contains(to)) throw new InvalidOperationException($"No right turn at {at}.");
            }
            if ((to.X - at.X, to.Y - at.Y) != heading) path.Add(at);
            edge = (at, to);
            if (edge == first) break;
        }
        // Start the list at the first edge's corner when it is a vertex, as the streaming polygoniser does.
        var k = path.IndexOf(first.From);
        if (k > 0) path = [.. path.Skip(k), .. path.Take(k)];
        return path;
    }
}
