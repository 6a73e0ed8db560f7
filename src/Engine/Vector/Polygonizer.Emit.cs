namespace WeiPian.Engine.Vector;

public sealed partial class Polygonizer
{
    private double[] _coords = new double[256];
    private int[] _corners = new int[256];
    private int[] _ringStarts = new int[16];
    private int[] _extraStarts = new int[16];

    /// <summary>Emits every region that had a run in <paramref name="above"/> and has none in the row just labelled.</summary>
    private void EmitClosed(RunRow above, int y)
    {
        var cls = above.Class;
        var region = above.Region;
        for (var i = 1; i <= above.Count; i++)
        {
            if (cls[i] == Masked) continue;
            var r = region[i];
            if (_regions[r].Stamp == y) continue;
            Emit(r);
            _regions[r].Stamp = y;
        }
    }

    /// <summary>
    /// Walks the closed region's rings (the exterior from its first vertex, then each hole), hands the polygon to the
    /// sink, and recycles its vertices, corner records and labels.
    /// </summary>
    private void Emit(int r)
    {
        ref var g = ref _regions[r];
        var extra = 0;
        // 4-connectivity: corners whose two diagonal pixels did turn out to be this one region.
        for (var p = g.PendingHead; p >= 0;)
        {
            ref var pd = ref _pending[p];
            var next = pd.Next;
            if (_regions[pd.Label].Generation == pd.Generation && Find(pd.Label) == r)
            {
                (_nodes[pd.V1].Next, _nodes[pd.V2].Next) = (_nodes[pd.V2].Next, _nodes[pd.V1].Next);
                if (extra + 2 > _extraStarts.Length) Array.Resize(ref _extraStarts, _extraStarts.Length * 2);
                _extraStarts[extra++] = pd.V1;
                _extraStarts[extra++] = pd.V2;
            }
            pd.Next = _freePending;
            _freePending = p;
            p = next;
        }

        var vertices = 0;
        var rings = 0;
        vertices = Trace(g.FirstNode, vertices, ref rings);
        for (var v = g.RingHead; v >= 0;)
        {
            var next = _nodes[v].Opp;
            if (_nodes[v].X >= 0) vertices = Trace(v, vertices, ref rings);
            v = next;
        }
        for (var k = 0; k < extra; k++)
            if (_nodes[_extraStarts[k]].X >= 0) vertices = Trace(_extraStarts[k], vertices, ref rings);
        _ringStarts[rings] = vertices;
        _liveNodes -= vertices;

        _sink.Add(new ClassPolygonView((byte)g.Value, g.PixelCount, g.WeightSum, PixelArea, _coords.AsSpan(0, 2 * vertices),
            _ringStarts.AsSpan(0, rings + 1), _corners.AsSpan(0, 2 * vertices)));
        PolygonCount++;
        FreeLabels(r);
    }

    /// <summary>
    /// Appends the ring through <paramref name="start"/>: pixel corners, and map coordinates exactly as GDAL computes
    /// them; reversed when the geotransform flips orientation, so that exteriors are counter-clockwise in map
    /// coordinates. Each vertex is marked visited (X &lt; 0) and goes back to the free list as it is read.
    /// </summary>
    private int Trace(int start, int vertices, ref int rings)
    {
        if (rings + 2 > _ringStarts.Length) Array.Resize(ref _ringStarts, _ringStarts.Length * 2);
        _ringStarts[rings++] = vertices;
        var nodes = _nodes;
        var t = _transform;
        var first = vertices;
        var free = _freeNode;
        var corners = _corners;
        var coords = _coords;
        var v = start;
        do
        {
            if (2 * vertices + 2 > coords.Length)
            {
                Array.Resize(ref _corners, corners.Length * 2);
                Array.Resize(ref _coords, coords.Length * 2);
                corners = _corners;
                coords = _coords;
            }
            ref var n = ref nodes[v];
            int col = n.X, row = n.Y;
            corners[2 * vertices] = col;
            corners[2 * vertices + 1] = row;
            coords[2 * vertices] = t.OriginX + col * t.PixelWidth + row * t.RowRotation;
            coords[2 * vertices + 1] = t.OriginY + col * t.ColumnRotation + row * t.PixelHeight;
            vertices++;
            n.X = ~col;
            var next = n.Next;
            n.Next = free;
            free = v;
            v = next;
        }
        while (v != start);
        _freeNode = free;
        if (_reverseRings)
        {
            // Keep the first vertex, reverse the rest: v0, vn-1, ..., v1.
            for (int i = first + 1, j = vertices - 1; i < j; i++, j--)
            {
                (corners[2 * i], corners[2 * j]) = (corners[2 * j], corners[2 * i]);
                (corners[2 * i + 1], corners[2 * j + 1]) = (corners[2 * j + 1], corners[2 * i + 1]);
                (coords[2 * i], coords[2 * j]) = (coords[2 * j], coords[2 * i]);
                (coords[2 * i + 1], coords[2 * j + 1]) = (coords[2 * j + 1], coords[2 * i + 1]);
            }
        }
        return vertices;
    }
}
