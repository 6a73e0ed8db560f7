namespace WeiPian.Engine.Radiometry;

/// <summary>
/// Relative radiometric normalisation of one date onto another, per band: x_reference ≈ gain x + offset, fitted on
/// pseudo-invariant pixels (PIF), so a different sensor, season's sun or gain setting does not read as change.
/// </summary>
/// <remarks>
/// A start from the bands' medians and interquartile ranges; then, <see cref="Rounds"/> times: each pixel's change
/// score is the sum over bands of its squared residual in robust standard deviations (1.4826 MAD), the quieter half
/// are the pseudo-invariant pixels, and each band's line is refitted on them by iterated Huber regression (weights 1
/// within 1.345 robust SDs of the round's first residuals, k / |r| beyond). Changed pixels score high and drop out; bright outliers among the rest
/// are down-weighted instead of pulling the line. O(n) per round; no pixel pairs.
/// </remarks>
internal static class RelativeNormalisation
{
    /// <summary>Rounds of invariant-pixel selection and refit.</summary>
    public const int Rounds = 3;

    /// <summary>Huber's tuning constant, in robust standard deviations (95 % efficiency under normal noise).</summary>
    public const double HuberK = 1.345;

    private const int HuberIterations = 10;

    /// <summary>Most pixels a fit uses; a larger sample is thinned evenly (the fit's cost is a few sorts of this many values).</summary>
    public const int MaxPixels = 1 << 16;

    /// <summary>Fits each band of <paramref name="source"/> onto <paramref name="reference"/>.</summary>
    /// <param name="reference">Per band, the reference date's values (the before date).</param>
    /// <param name="source">Per band, the other date's values at the same pixels.</param>
    /// <returns>Per band gain and offset with reference ≈ gain x source + offset, and the pixels used in the last round.</returns>
    public static (double[] Gain, double[] Offset, int Invariant) Fit(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> source)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(source);
        var bands = reference.Count;
        var n = reference[0].Length;
        var gain = new double[bands];
        var offset = new double[bands];
        for (var b = 0; b < bands; b++)
        {
            var r = new BandStatistics(reference[b]);
            var s = new BandStatistics(source[b]);
            var iqr = s.Percentile(75) - s.Percentile(25);
            gain[b] = iqr > 0 ? (r.Percentile(75) - r.Percentile(25)) / iqr : 1;
            offset[b] = r.Percentile(50) - gain[b] * s.Percentile(50);
        }
        var step = Math.Max(1, n / MaxPixels);
        var used = (n + step - 1) / step;
        var score = new double[used];
        var residual = new double[used];
        var invariant = new List<int>(used);
        for (var round = 0; round < Rounds; round++)
        {
            Array.Clear(score);
            for (var b = 0; b < bands; b++)
            {
                for (var k = 0; k < used; k++) residual[k] = reference[b][k * step] - (gain[b] * source[b][k * step] + offset[b]);
                var sd = Math.Max(RobustSd(residual), 1e-6);
                for (var k = 0; k < used; k++) score[k] += residual[k] * residual[k] / (sd * sd);
            }
            var cut = Median(score);
            invariant.Clear();
            for (var k = 0; k < used; k++) if (score[k] <= cut) invariant.Add(k * step);
            for (var b = 0; b < bands; b++) (gain[b], offset[b]) = Huber(reference[b], source[b], invariant, gain[b], offset[b]);
        }
        return (gain, offset, invariant.Count);
    }

    // Iteratively reweighted least squares with Huber weights, from (g, o).
    private static (double, double) Huber(float[] y, float[] x, List<int> pixels, double g, double o)
    {
        var r = new double[pixels.Count];
        for (var k = 0; k < pixels.Count; k++) r[k] = y[pixels[k]] - (g * x[pixels[k]] + o);
        var c = HuberK * Math.Max(RobustSd(r), 1e-6);
        for (var it = 0; it < HuberIterations; it++)
        {
            for (var k = 0; k < pixels.Count; k++) r[k] = y[pixels[k]] - (g * x[pixels[k]] + o);
            double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (var k = 0; k < pixels.Count; k++)
            {
                var w = Math.Abs(r[k]) <= c ? 1 : c / Math.Abs(r[k]);
                double xi = x[pixels[k]], yi = y[pixels[k]];
                sw += w; sx += w * xi; sy += w * yi; sxx += w * xi * xi; sxy += w * xi * yi;
            }
            var det = sw * sxx - sx * sx;
            if (!(Math.Abs(det) > 1e-12 * sw * sxx)) break;
            var gNext = (sw * sxy - sx * sy) / det;
            var oNext = (sy - gNext * sx) / sw;
            var done = Math.Abs(gNext - g) < 1e-7 * Math.Abs(g) + 1e-12;
            (g, o) = (gNext, oNext);
            if (done) break;
        }
        return (g, o);
    }

    /// <summary>1.4826 x the median absolute deviation from the median: the standard deviation for normal data, untouched by outliers.</summary>
    internal static double RobustSd(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) return 0;
        var median = Median(values);
        var deviation = new double[values.Length];
        for (var i = 0; i < values.Length; i++) deviation[i] = Math.Abs(values[i] - median);
        return 1.4826 * Median(deviation);
    }

    private static double Median(ReadOnlySpan<double> values)
    {
        var copy = values.ToArray();
        Array.Sort(copy);
        var m = copy.Length / 2;
        return copy.Length % 2 == 1 ? copy[m] : (copy[m - 1] + copy[m]) / 2;
    }
}
