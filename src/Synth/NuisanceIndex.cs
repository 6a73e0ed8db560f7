namespace WeiPian.Synth;

/// <summary>
/// The nuisances by ground cell, so a pixel finds the one it lies in without looping over them all: a uniform grid
/// of square cells over the scene, each listing the nuisances whose outline's box meets it (compressed rows: cell
/// k's nuisances are <c>_items[_start[k].._start[k + 1]]</c>). Cells are 32 m, larger on huge scenes so there are at
/// most about a million. Built once; read by every rendering thread.
/// </summary>
internal sealed class NuisanceIndex
{
    private const double MinCell = 32;
    private const double MaxCells = 1e6;

    private readonly double _cell;
    private readonly int _cols, _rows;
    private readonly int[] _start;
    private readonly Nuisance[] _items;

    public NuisanceIndex(IReadOnlyList<Nuisance> nuisances, double widthM, double heightM)
    {
        _cell = Math.Max(MinCell, Math.Sqrt(widthM * heightM / MaxCells));
        _cols = Math.Max(1, (int)Math.Ceiling(widthM / _cell));
        _rows = Math.Max(1, (int)Math.Ceiling(heightM / _cell));
        var counts = new int[_cols * _rows + 1];
        foreach (var n in nuisances) ForCells(n.Outline, k => counts[k + 1]++);
        for (var k = 1; k < counts.Length; k++) counts[k] += counts[k - 1];
        _start = counts;
        _items = new Nuisance[counts[^1]];
        var fill = (int[])counts.Clone();
        foreach (var n in nuisances) ForCells(n.Outline, k => _items[fill[k]++] = n);
    }

    /// <summary>The nuisance altering the ground point (scene-local metres) on date <paramref name="index"/>, or null.</summary>
    public Nuisance? At(double e, double s, int index, Layout layout)
    {
        if (e < 0 || s < 0) return null;
        int ci = (int)(e / _cell), cj = (int)(s / _cell);
        if (ci >= _cols || cj >= _rows) return null;
        var k = cj * _cols + ci;
        int from = _start[k], to = _start[k + 1];
        if (from == to) return null;
        var (p, q) = layout.ToRotated(e, s);
        for (var x = from; x < to; x++)
        {
            var n = _items[x];
            if (n.Alters(index) && n.Holds(e, s, p, q)) return n;
        }
        return null;
    }

    private void ForCells(Shape o, Action<int> visit)
    {
        int c0 = Math.Clamp((int)(o.MinE / _cell), 0, _cols - 1), c1 = Math.Clamp((int)(o.MaxE / _cell), 0, _cols - 1);
        int r0 = Math.Clamp((int)(o.MinS / _cell), 0, _rows - 1), r1 = Math.Clamp((int)(o.MaxS / _cell), 0, _rows - 1);
        for (var r = r0; r <= r1; r++)
            for (var c = c0; c <= c1; c++) visit(r * _cols + c);
    }
}
