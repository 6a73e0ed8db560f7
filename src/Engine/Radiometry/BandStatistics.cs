using WeiPian.Engine.Raster;

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
        if (!CountingSort(_sorted)) Array.Sort(_sorted);
    }

    // Raw digital numbers (whole, 0 to 65535) sort in one pass by counting (the comparison sort of eight bands of a
    // quarter of a million samples was a tenth of a second on the one core busy before the first tile). False, the
    // values untouched, for anything else (Float32 reflectances, negatives, fractions, NaN) and for few values.
    private static bool CountingSort(float[] values)
    {
        var top = 0f;
        if (values.Length < 4096 || !DigitalNumbers.AreWhole(values, ref top)) return false;
        var counts = new int[DigitalNumbers.Count];
        if (DigitalNumbers.Add(values, counts) != values.Length) return false; // NaN: the comparison sort places it
        var at = 0;
        for (var bin = 0; bin <= (int)top; bin++)
        {
            values.AsSpan(at, counts[bin]).Fill(bin);
            at += counts[bin];
        }
        return true;
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
