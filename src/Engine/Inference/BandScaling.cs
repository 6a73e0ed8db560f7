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

    internal BandScaling(IReadOnlyList<double> min, IReadOnlyList<double> max, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        var n = min.Count;
        _multiplier = new float[n];
        _offset = new float[n];
        _low = new float[n];
        _high = new float[n];
        for (var b = 0; b < n; b++)
        {
            var a = 1.0 / ((max[b] - min[b]) * std[b]);
            _multiplier[b] = (float)a;
            _offset[b] = (float)(-min[b] * a - mean[b] / std[b]);
            _low[b] = (float)min[b];
            _high[b] = (float)max[b];
        }
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
