using System.Runtime.CompilerServices;

namespace WeiPian.Engine.Vector;

public sealed partial class Polygonizer
{
    /// <summary>
    /// A region label: a node of the union-find over connected runs. The fields after <see cref="Parent"/> are
    /// meaningful on roots only, except <see cref="LabelNext"/> (every label) and <see cref="Generation"/> (every slot).
    /// </summary>
    private struct Region
    {
        public int Parent;
        public int Size;          // labels in the set (union by size)
        public int FirstNode;     // top-left corner of the region's first pixel: a vertex of the exterior ring
        public int RingHead;      // closed rings: one vertex each, linked through Node.Opp
        public int RingTail;
        public int PendingHead;   // 4-connectivity: corner meetings still undecided (see Pending)
        public int PendingTail;
        public int LabelNext;     // the labels of a set, linked from the root, to recycle them on emission
        public int LabelTail;
        public long PixelCount;
        public long WeightSum;    // sum of the per-pixel weights pushed with the rows (see Push with weights)
        public int Stamp;         // the last row in which the region had a run (or was emitted)
        public int Generation;    // bumped when the slot is recycled, so stale references can tell
        public int Value;
    }

    /// <summary>
    /// 4-connectivity only: two diagonal pixels of equal value, the other two of the corner different, that were not
    /// (yet) one region when the corner was built. It was built as two separate corners, <see cref="V1"/> for the
    /// upper pixel's region and <see cref="V2"/> for the lower one; if the two regions turn out to be one, the corner
    /// becomes a meeting point (swap their successors) when that region is emitted.
    /// </summary>
    private struct Pending
    {
        public int V1;
        public int V2;
        public int Label;       // the lower pixel's region label when the corner was built
        public int Generation;  // that label's generation then
        public int Next;
    }

    private Region[] _regions;
    private int _regionCount;     // slots ever used
    private int _freeRegion = -1;
    private int _liveRegions;
    private int _regionHighWater;
    private Pending[] _pending = new Pending[64];
    private int _pendingCount;
    private int _freePending = -1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Find(int label)
    {
        var regions = _regions;
        while (true)
        {
            var p = regions[label].Parent;
            if (p == label) return label;
            var gp = regions[p].Parent;
            regions[label].Parent = gp; // path halving
            label = gp;
        }
    }

    private int NewRegion(int value)
    {
        int r;
        if (_freeRegion >= 0)
        {
            r = _freeRegion;
            _freeRegion = _regions[r].LabelNext;
        }
        else
        {
            if (_regionCount == _regions.Length) Array.Resize(ref _regions, _regions.Length * 2);
            r = _regionCount++;
        }
        ref var g = ref _regions[r];
        g.Parent = r;
        g.Size = 1;
        g.FirstNode = -1;
        g.RingHead = g.RingTail = -1;
        g.PendingHead = g.PendingTail = -1;
        g.LabelNext = -1;
        g.LabelTail = r;
        g.PixelCount = 0;
        g.WeightSum = 0;
        g.Stamp = -1;
        g.Value = value;
        if (++_liveRegions > _regionHighWater) _regionHighWater = _liveRegions;
        return r;
    }

    /// <summary>Joins two roots; the larger set's root survives and takes the other's rings, corners, labels and pixels.</summary>
    private int Union(int a, int b)
    {
        var regions = _regions;
        if (regions[a].Size < regions[b].Size) (a, b) = (b, a);
        ref var ra = ref regions[a];
        ref var rb = ref regions[b];
        rb.Parent = a;
        ra.Size += rb.Size;
        ra.PixelCount += rb.PixelCount;
        ra.WeightSum += rb.WeightSum;
        if (rb.FirstNode >= 0 && (ra.FirstNode < 0 || IsBefore(rb.FirstNode, ra.FirstNode))) ra.FirstNode = rb.FirstNode;
        if (rb.RingHead >= 0)
        {
            if (ra.RingHead < 0) ra.RingHead = rb.RingHead;
            else _nodes[ra.RingTail].Opp = rb.RingHead;
            ra.RingTail = rb.RingTail;
        }
        if (rb.PendingHead >= 0)
        {
            if (ra.PendingHead < 0) ra.PendingHead = rb.PendingHead;
            else _pending[ra.PendingTail].Next = rb.PendingHead;
            ra.PendingTail = rb.PendingTail;
        }
        regions[ra.LabelTail].LabelNext = b;
        ra.LabelTail = rb.LabelTail;
        return a;
    }

    private bool IsBefore(int u, int v)
    {
        ref var a = ref _nodes[u];
        ref var b = ref _nodes[v];
        return a.Y < b.Y || (a.Y == b.Y && a.X < b.X);
    }

    /// <summary>
    /// Gives each valid run of <paramref name="below"/> its region: the union of the regions of the runs above it with
    /// the same class that touch it (overlapping columns; with 8-connectivity, also touching at a corner), or a new
    /// region. Then every run of both rows is resolved to its root, and regions with a run below are stamped.
    /// </summary>
    private void LabelRuns(RunRow above, RunRow below)
    {
        var reach = _eight ? 1 : 0;
        var aStart = above.Start;
        var aClass = above.Class;
        var aRegion = above.Region;
        var bStart = below.Start;
        var bClass = below.Class;
        var bRegion = below.Region;
        var ia = 1;
        var nb = below.Count;
        for (var j = 1; j <= nb; j++)
        {
            var c = bClass[j];
            if (c == Masked)
            {
                bRegion[j] = -1;
                continue;
            }
            var s = bStart[j];
            var e = bStart[j + 1];
            var lo = s - reach;
            var hi = e + reach;
            while (aStart[ia + 1] <= lo) ia++;
            var root = -1;
            for (var i = ia; aStart[i] < hi; i++)
            {
                if (aClass[i] != c) continue;
                var r = Find(aRegion[i]);
                if (root < 0) root = r;
                else if (r != root) root = Union(root, r);
            }
            if (root < 0) root = NewRegion(c);
            bRegion[j] = root;
            _regions[root].PixelCount += e - s;
            _regions[root].WeightSum += below.Weight[j];
        }
        var na = above.Count;
        for (var i = 1; i <= na; i++)
            if (aClass[i] != Masked) aRegion[i] = Find(aRegion[i]);
        for (var j = 1; j <= nb; j++)
        {
            if (bClass[j] == Masked) continue;
            var r = Find(bRegion[j]);
            bRegion[j] = r;
            _regions[r].Stamp = _y;
        }
    }

    private void AddPending(int region, int v1, int v2, int lowerRegion)
    {
        int p;
        if (_freePending >= 0)
        {
            p = _freePending;
            _freePending = _pending[p].Next;
        }
        else
        {
            if (_pendingCount == _pending.Length) Array.Resize(ref _pending, _pending.Length * 2);
            p = _pendingCount++;
        }
        ref var pd = ref _pending[p];
        pd.V1 = v1;
        pd.V2 = v2;
        pd.Label = lowerRegion;
        pd.Generation = _regions[lowerRegion].Generation;
        pd.Next = -1;
        ref var g = ref _regions[region];
        if (g.PendingHead < 0) g.PendingHead = p;
        else _pending[g.PendingTail].Next = p;
        g.PendingTail = p;
    }

    /// <summary>Recycles every label of an emitted region; their generations move on.</summary>
    private void FreeLabels(int root)
    {
        var l = root;
        while (l >= 0)
        {
            ref var g = ref _regions[l];
            var next = g.LabelNext;
            g.Generation++;
            g.Parent = -1;
            g.LabelNext = _freeRegion;
            _freeRegion = l;
            _liveRegions--;
            l = next;
        }
    }
}
