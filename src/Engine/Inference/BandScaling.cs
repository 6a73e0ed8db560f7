namespace WeiPian.Engine.Inference;

/// <summary>
/// The card's per-band input scaling folded into one affine map per band:
/// model value = clamp(x, <see cref="Low"/>[b], <see cref="High"/>[b]) * <see cref="Multiplier"/>[b] + <see cref="Offset"/>[b].
/// </summary>
/// <remarks>
/// The card says v = (clamp(x, min, max) - min) / (max - min) and the model sees (v - mean) / std; so
/// a = 1 / ((max - min) * std) and c = -min * a - mean / std, computed in double and rounded once to float.
/// Index b is the card's band order (channel order), not the scene's band number. x is the raw pixel value
/// (digital number, e.g. 0..1023 for GF-1/GF-2 10-bit data). NaN stays NaN; nodata is the caller's business.
/// <see cref="Apply"/> is the scalar reference the SIMD normalisation kernels are tested against.
/// </remarks>
public sealed class BandScaling
{
    private readonly float[] _multiplier;
    private readonly float[] _offset;
    private readonly float[] _low;
    private readonly float[] _high;
    private readonly (double[] A, double[] C, double[] Low, double[] High) _map;

    internal BandScaling(IReadOnlyList<double> min, IReadOnlyList<double> max, IReadOnlyList<double> mean, IReadOnlyList<double> std)
        : this(Fold(min, max, mean, std))
    {
    }

    private BandScaling((double[] A, double[] C, double[] Low, double[] High) map)
    {
        _map = map;
        var n = map.A.Length;
        _multiplier = new float[n];
        _offset = new float[n];
        _low = new float[n];
        _high = new float[n];
        for (var b = 0; b < n; b++)
        {
            _multiplier[b] = (float)map.A[b];
            _offset[b] = (float)map.C[b];
            _low[b] = (float)map.Low[b];
            _high[b] = (float)map.High[b];
        }
    }

    private static (double[], double[], double[], double[]) Fold(IReadOnlyList<double> min, IReadOnlyList<double> max, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        var n = min.Count;
        double[] a = new double[n], c = new double[n], low = new double[n], high = new double[n];
        for (var b = 0; b < n; b++)
        {
            a[b] = 1.0 / ((max[b] - min[b]) * std[b]);
            c[b] = -min[b] * a[b] - mean[b] / std[b];
            low[b] = min[b];
            high[b] = max[b];
        }
        return (a, c, low, high);
    }

    /// <summary>
    /// This scaling applied after a per-band linear map of the raw values, x' = gain[b] x + offset[b] (a date's
    /// radiometric correction: a percentile stretch, or the after date matched onto the before date), folded into the
    /// same clamp-multiply-add, so the kernels run it at no extra cost.
    /// </summary>
    /// <remarks>
    /// For gain g &gt; 0, clamp(g x + o, lo, hi) a + c = clamp(x, (lo - o) / g, (hi - o) / g) (g a) + (o a + c): the clamp
    /// moves into raw units and the map into the multiplier and offset. Computed in double from the card's values.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A gain that is not a positive finite number, or an offset that is not finite.</exception>
    public BandScaling Compose(ReadOnlySpan<double> gain, ReadOnlySpan<double> offset)
    {
        if (gain.Length != BandCount || offset.Length != BandCount)
            throw new ArgumentException($"Expected {BandCount} gains and offsets, got {gain.Length} and {offset.Length}.");
        var n = BandCount;
        double[] a = new double[n], c = new double[n], low = new double[n], high = new double[n];
        for (var b = 0; b < n; b++)
        {
            double g = gain[b], o = offset[b];
            if (!(g > 0) || !double.IsFinite(g) || !double.IsFinite(o))
                throw new ArgumentOutOfRangeException(nameof(gain), $"Band {b}: gain {g}, offset {o}; a gain must be positive and both finite.");
            a[b] = g * _map.A[b];
            c[b] = o * _map.A[b] + _map.C[b];
            low[b] = (_map.Low[b] - o) / g;
            high[b] = (_map.High[b] - o) / g;
        }
        return new BandScaling((a, c, low, high));
    }

    /// <summary>Number of bands (channels per date).</summary>
    public int BandCount => _multiplier.Length;

    /// <summary>a[b] = 1 / ((max - min) * std), per band in channel order.</summary>
    public ReadOnlySpan<float> Multiplier => _multiplier;

    /// <summary>c[b] = -min * a[b] - mean / std, per band in channel order.</summary>
    public ReadOnlySpan<float> Offset => _offset;

    /// <summary>The clamp's lower bound (the card's <c>min</c>), in raw pixel units.</summary>
    public ReadOnlySpan<float> Low => _low;

    /// <summary>The clamp's upper bound (the card's <c>max</c>), in raw pixel units.</summary>
    public ReadOnlySpan<float> High => _high;

    /// <summary>The value the model sees for raw pixel value <paramref name="x"/> of channel <paramref name="band"/> (0-based, card order).</summary>
    public float Apply(int band, float x) => Math.Clamp(x, _low[band], _high[band]) * _multiplier[band] + _offset[band];
}
