namespace WeiPian.Engine.Radiometry;

/// <summary>One band's sampled values summarised: range, percentiles and how much sits at or above a ceiling.</summary>
internal sealed class BandStatistics
{
    private readonly float[] _sorted;

    /// <summary>Sorts a copy of <paramref name="values"/> once; every percentile is then read off it.</summary>
    /// <param name="values">Sampled raw values (no nodata, no NaN).</param>
    public BandStatistics(ReadOnlySpan<float> values)
    {
        _sorted = values.ToArray();
        Array.Sort(_sorted);
    }

    /// <summary>Values summarised.</summary>
    public int Count => _sorted.Length;

    /// <summary>Smallest value (NaN when empty).</summary>
    public double Min => Count == 0 ? double.NaN : _sorted[0];

    /// <summary>Largest value (NaN when empty).</summary>
    public double Max => Count == 0 ? double.NaN : _sorted[^1];

    /// <summary>
    /// The <paramref name="p"/>-th percentile (0..100), interpolated linearly between the two nearest ranks: rank
    /// p / 100 x (n - 1) of the sorted values, as numpy's default and R's type 7 define it. NaN when empty.
    /// </summary>
    public double Percentile(double p)
    {
        if (Count == 0) return double.NaN;
        var rank = Math.Clamp(p, 0, 100) / 100 * (Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = Math.Min(lo + 1, Count - 1);
        return _sorted[lo] + (rank - lo) * ((double)_sorted[hi] - _sorted[lo]);
    }

    /// <summary>Share (0..1) of the values above <paramref name="ceiling"/>: what a clamp there flattens.</summary>
    public double ShareAbove(double ceiling)
    {
        if (Count == 0) return 0;
        var first = Array.BinarySearch(_sorted, (float)ceiling);
        if (first < 0) first = ~first;
        else while (first < Count && _sorted[first] <= ceiling) first++;
        return (double)(Count - first) / Count;
    }
}
