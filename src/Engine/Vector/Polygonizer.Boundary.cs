using System.Runtime.CompilerServices;

namespace WeiPian.Engine.Vector;

public sealed partial class Polygonizer
{
    /// <summary>
    /// A turning vertex of a region's boundary, at pixel corner (X, Y). Rings are singly linked through
    /// <see cref="Next"/>, with the region on the left (pixel space, rows down). While a chain is open, its two end
    /// vertices point at each other through <see cref="Opp"/>; the vertex that closes a ring reuses <see cref="Opp"/> to
    /// link the region's list of closed rings.
    /// </summary>
    private struct Node
    {
        public int X;
        public int Y;
        public int Next;
        public int Opp;
    }

    private const int EdgeN = 1, EdgeE = 2, EdgeS = 4, EdgeW = 8;

    private Node[] _nodes;
    private int _nodeCount;   // slots ever used
    private int _freeNode = -1;
    private int _liveNodes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NewNode(int x, int y)
    {
        int v;
        if (_freeNode >= 0)
        {
            v = _freeNode;
            _freeNode = _nodes[v].Next;
        }
        else
        {
            if (_nodeCount == _nodes.Length) Array.Resize(ref _nodes, _nodes.Length * 2);
            v = _nodeCount++;
        }
        ref var n = ref _nodes[v];
        n.X = x;
        n.Y = y;
        n.Next = -1;
        _liveNodes++;
        return v;
    }

    /// <summary>The chain ending at <paramref name="head"/> continues to the new vertex <paramref name="v"/>, its new end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Extend(int head, int v)
    {
        var nodes = _nodes;
        nodes[head].Next = v;
        var tail = nodes[head].Opp;
        nodes[tail].Opp = v;
        nodes[v].Opp = tail;
    }

    /// <summary>The new vertex <paramref name="v"/> precedes the chain starting at <paramref name="tail"/>, and is its new start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prepend(int v, int tail)
    {
        var nodes = _nodes;
        nodes[v].Next = tail;
        var head = nodes[tail].Opp;
        nodes[head].Opp = v;
        nodes[v].Opp = head;
    }

    /// <summary>A new vertex that starts and ends a chain of its own (both neighbours still to come).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Isolate(int v) => _nodes[v].Opp = v;

    /// <summary>
    /// <paramref name="head"/> → <paramref name="v"/> → <paramref name="tail"/>: joins two chains, or closes a ring when
    /// they are the same chain; a closed ring is listed on <paramref name="region"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Join(int head, int v, int tail, int region)
    {
        var nodes = _nodes;
        nodes[head].Next = v;
        nodes[v].Next = tail;
        var start = nodes[head].Opp;
        if (start == tail)
        {
            nodes[v].Opp = -1;
            ref var g = ref _regions[region];
            if (g.RingHead < 0) g.RingHead = v;
            else nodes[g.RingTail].Opp = v;
            g.RingTail = v;
            return;
        }
        var end = nodes[tail].Opp;
        nodes[start].Opp = end;
        nodes[end].Opp = start;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetFirst(int region, int v)
    {
        ref var g = ref _regions[region];
        if (g.FirstNode < 0) g.FirstNode = v;
    }

    /// <summary>
    /// Builds the boundary along vertex row <paramref name="y"/>, the line between pixel rows <paramref name="above"/>
    /// (y - 1) and <paramref name="below"/> (y). Only corners where a run of either row starts or ends can turn; between
    /// them the horizontal boundary runs straight and is carried along as an open head (region above, heading east)
    /// and an open tail (region below, heading west).
    /// </summary>
    /// <remarks>
    /// At a corner the four pixels NW, NE, SW, SE give up to four edges N, E, S, W. Going clockwise around the corner,
    /// each pixel's region enters along one edge and leaves along the next (NW: in W, out N; NE: in N, out E;
    /// SE: in E, out S; SW: in S, out W); neighbours of equal class merge their arcs. Where two diagonal pixels are one
    /// region and the other two are not, the region passes the corner twice and turns towards its own diagonal pixel
    /// (GDAL's choice): NW/SE as W→S and E→N, NE/SW as N→W and S→E.
    /// </remarks>
    private void Sweep(RunRow above, RunRow below, int y)
    {
        var aStart = above.Start;
        var aClass = above.Class;
        var aRegion = above.Region;
        var aHead = above.Head;
        var aTail = above.Tail;
        var bStart = below.Start;
        var bClass = below.Class;
        var bRegion = below.Region;
        var bHead = below.Head;
        var bTail = below.Tail;
        var width = Width;
        var eight = _eight;

        var hHead = -1; // the region above the horizontal edge: open end heading east
        var hTail = -1; // the region below it: open start waiting for its predecessor from the east
        int ia = 1, ib = 1, x = 0;
        while (true)
        {
            var nw = aStart[ia] == x ? ia - 1 : ia;
            var sw = bStart[ib] == x ? ib - 1 : ib;
            var ne = ia;
            var se = ib;
            var cNW = aClass[nw];
            var cNE = aClass[ne];
            var cSW = bClass[sw];
            var cSE = bClass[se];
            var edges = (cNW != cNE ? EdgeN : 0) | (cNE != cSE ? EdgeE : 0) | (cSW != cSE ? EdgeS : 0) | (cNW != cSW ? EdgeW : 0);
            int v, w;
            switch (edges)
            {
                case 0:
                case EdgeE | EdgeW: // horizontal boundary runs straight through
                    break;
                case EdgeN | EdgeS: // vertical boundary runs straight through
                    if (cSW != Masked) bTail[sw] = aTail[nw];
                    if (cSE != Masked) bHead[se] = aHead[ne];
                    break;
                case EdgeN | EdgeE: // NE alone
                    if (cNE != Masked)
                    {
                        v = NewNode(x, y);
                        Extend(aHead[ne], v);
                        hHead = v;
                    }
                    if (cNW != Masked)
                    {
                        w = NewNode(x, y);
                        Prepend(w, aTail[nw]);
                        hTail = w;
                    }
                    break;
                case EdgeN | EdgeW: // NW alone
                    if (cNW != Masked) Join(hHead, NewNode(x, y), aTail[nw], aRegion[nw]);
                    if (cNE != Masked) Join(aHead[ne], NewNode(x, y), hTail, aRegion[ne]);
                    break;
                case EdgeS | EdgeE: // SE alone
                    if (cSE != Masked)
                    {
                        v = NewNode(x, y);
                        Isolate(v);
                        hTail = v;
                        bHead[se] = v;
                        SetFirst(bRegion[se], v);
                    }
                    if (cNW != Masked)
                    {
                        w = NewNode(x, y);
                        Isolate(w);
                        bTail[sw] = w;
                        hHead = w;
                    }
                    break;
                case EdgeS | EdgeW: // SW alone
                    if (cSW != Masked)
                    {
                        v = NewNode(x, y);
                        Prepend(v, hTail);
                        bTail[sw] = v;
                    }
                    if (cNW != Masked)
                    {
                        w = NewNode(x, y);
                        Extend(hHead, w);
                        bHead[se] = w;
                    }
                    break;
                case EdgeE | EdgeS | EdgeW: // NW = NE: the region above runs straight on
                    if (cSW != Masked)
                    {
                        w = NewNode(x, y);
                        Prepend(w, hTail);
                        bTail[sw] = w;
                    }
                    if (cSE != Masked)
                    {
                        v = NewNode(x, y);
                        Isolate(v);
                        bHead[se] = v;
                        SetFirst(bRegion[se], v);
                        hTail = v;
                    }
                    break;
                case EdgeN | EdgeE | EdgeW: // SW = SE: the region below runs straight on
                    if (cNW != Masked) Join(hHead, NewNode(x, y), aTail[nw], aRegion[nw]);
                    if (cNE != Masked)
                    {
                        w = NewNode(x, y);
                        Extend(aHead[ne], w);
                        hHead = w;
                    }
                    break;
                case EdgeN | EdgeE | EdgeS: // NW = SW: the region on the west runs straight on
                    if (cNW != Masked) bTail[sw] = aTail[nw];
                    if (cNE != Masked)
                    {
                        v = NewNode(x, y);
                        Extend(aHead[ne], v);
                        hHead = v;
                    }
                    if (cSE != Masked)
                    {
                        w = NewNode(x, y);
                        Isolate(w);
                        bHead[se] = w;
                        SetFirst(bRegion[se], w);
                        hTail = w;
                    }
                    break;
                case EdgeN | EdgeS | EdgeW: // NE = SE: the region on the east runs straight on
                    if (cNE != Masked) bHead[se] = aHead[ne];
                    if (cNW != Masked) Join(hHead, NewNode(x, y), aTail[nw], aRegion[nw]);
                    if (cSW != Masked)
                    {
                        w = NewNode(x, y);
                        Prepend(w, hTail);
                        bTail[sw] = w;
                    }
                    break;
                default: // all four edges: four corners, or a region meeting itself diagonally
                    FourWay(x, y, nw, ne, sw, se, cNW, cNE, cSW, cSE, ref hHead, ref hTail, eight,
                        aRegion, aHead, aTail, bRegion, bHead, bTail);
                    break;
            }
            if (x == width) break;
            var xa = aStart[ia + 1];
            var xb = bStart[ib + 1];
            x = xa < xb ? xa : xb;
            if (xa == x) ia++;
            if (xb == x) ib++;
        }
        if (_liveNodes > PeakVertexCount) PeakVertexCount = _liveNodes;
    }

    private void FourWay(int x, int y, int nw, int ne, int sw, int se, int cNW, int cNE, int cSW, int cSE,
        ref int hHead, ref int hTail, bool eight, int[] aRegion, int[] aHead, int[] aTail, int[] bRegion, int[] bHead, int[] bTail)
    {
        var inW = hHead;  // read before this corner replaces them
        var outW = hTail;
        var newHead = -1;
        var newTail = -1;

        // NW and SE.
        var pinch = cNW == cSE && cNW != Masked;
        if (pinch && (eight || aRegion[nw] == bRegion[se]))
        {
            var v = NewNode(x, y); // W in, S out
            Extend(inW, v);
            bHead[se] = v;
            var w = NewNode(x, y); // E in, N out
            Prepend(w, aTail[nw]);
            newTail = w;
        }
        else
        {
            var v1 = -1;
            var v2 = -1;
            if (cNW != Masked)
            {
                v1 = NewNode(x, y);
                Join(inW, v1, aTail[nw], aRegion[nw]);
            }
            if (cSE != Masked)
            {
                v2 = NewNode(x, y);
                Isolate(v2);
                bHead[se] = v2;
                SetFirst(bRegion[se], v2);
                newTail = v2;
            }
            if (pinch) AddPending(aRegion[nw], v1, v2, bRegion[se]);
        }

        // NE and SW.
        pinch = cNE == cSW && cNE != Masked;
        if (pinch && (eight || aRegion[ne] == bRegion[sw]))
        {
            Join(aHead[ne], NewNode(x, y), outW, aRegion[ne]); // N in, W out
            var w = NewNode(x, y); // S in, E out
            Isolate(w);
            bTail[sw] = w;
            newHead = w;
        }
        else
        {
            var v1 = -1;
            var v2 = -1;
            if (cNE != Masked)
            {
                v1 = NewNode(x, y);
                Extend(aHead[ne], v1);
                newHead = v1;
            }
            if (cSW != Masked)
            {
                v2 = NewNode(x, y);
                Prepend(v2, outW);
                bTail[sw] = v2;
            }
            if (pinch) AddPending(aRegion[ne], v1, v2, bRegion[sw]);
        }
        hHead = newHead;
        hTail = newTail;
    }
}
