namespace WeiPian.Engine.Inference;

/// <summary>How a card says raw pixels reach its fixed scaling (<c>input.scaling.mode</c>).</summary>
public enum ScalingMode
{
    /// <summary>The card's min/max/mean/std as they stand: the data must be in the units the model was trained on.</summary>
    Fixed,

    /// <summary>
    /// Each date's low and high percentiles, per band, measured on the scene, mapped onto the training data's
    /// (<see cref="CardRadiometry.ReferenceBefore"/>, <see cref="CardRadiometry.ReferenceAfter"/>; the card's min..max
    /// for a card without them) before its fixed scaling.
    /// </summary>
    Percentile,

    /// <summary>The after date mapped onto the before date by a robust per-band linear fit on unchanged pixels; the before date as in <see cref="Fixed"/>.</summary>
    Match,
}

/// <summary>
/// What the card says about the data a model was trained on: its bit depth, and how a scene's raw values are brought
/// onto the card's scaling (<see cref="ScalingMode"/>). The radiometry checks compare a scene against it before any tile runs.
/// </summary>
/// <remarks>
/// A card without <c>input.bitDepth</c> gets the depth its scaling implies: the smallest n with 2^n - 1 at or above the
/// largest <c>scaling.max</c> (max 1023 → 10-bit); <see cref="BitDepthStated"/> tells the two apart. The bundled
/// cards are embedded in their .onnx files without the field and are read this way.
/// </remarks>
public sealed class CardRadiometry
{
    /// <summary>Default percentiles of <see cref="ScalingMode.Percentile"/>: 2 % and 98 %, which ignore clouds' and shadows' tails.</summary>
    public static readonly (double Low, double High) DefaultPercentiles = (2, 98);

    internal CardRadiometry(int bitDepth, bool stated, ScalingMode mode, double low, double high, (ReferencePercentiles Before, ReferencePercentiles After)? reference)
    {
        BitDepth = bitDepth;
        BitDepthStated = stated;
        Mode = mode;
        PercentileLow = low;
        PercentileHigh = high;
        ReferenceBefore = reference?.Before;
        ReferenceAfter = reference?.After;
    }

    /// <summary>Bits per sample of the data the model was trained on (8 for 0..255, 10 for 0..1023, ...).</summary>
    public int BitDepth { get; }

    /// <summary>True when the card states <see cref="BitDepth"/>; false when it is derived from <c>scaling.max</c>.</summary>
    public bool BitDepthStated { get; }

    /// <summary>Largest value of <see cref="BitDepth"/> bits: 2^BitDepth - 1.</summary>
    public double ValueMax => Math.Pow(2, BitDepth) - 1;

    /// <summary>The card's scaling mode; a run's <c>Radiometry</c> setting may choose another.</summary>
    public ScalingMode Mode { get; }

    /// <summary>Low percentile (0..100) of <see cref="ScalingMode.Percentile"/>, mapped onto the reference's low value (the card's min without a reference).</summary>
    public double PercentileLow { get; }

    /// <summary>High percentile (0..100) of <see cref="ScalingMode.Percentile"/>, mapped onto the reference's high value (the card's max without a reference).</summary>
    public double PercentileHigh { get; }

    /// <summary>
    /// The before date's <see cref="PercentileLow"/> and <see cref="PercentileHigh"/> percentiles in the data the model
    /// was trained on, per band, in raw (pre-scaling) units (<c>input.scaling.reference.before</c>); null when the card
    /// does not state them. A percentile stretch maps each scene's measured percentiles onto these, so a scene in other
    /// units (8-bit, 12-bit, another sensor's gain) reaches the distribution the model learnt; see <see cref="ScalingMode.Percentile"/>.
    /// </summary>
    public ReferencePercentiles? ReferenceBefore { get; }

    /// <summary>The after date's reference percentiles (<c>input.scaling.reference.after</c>); set exactly when <see cref="ReferenceBefore"/> is.</summary>
    /// <remarks>A pair model's two inputs need not share one distribution: a model trained on spring to summer pairs
    /// has seen greener, brighter after dates, and stretching both dates onto one reference would erase that.</remarks>
    public ReferencePercentiles? ReferenceAfter { get; }

    /// <summary>The mode's name as the card and the summaries write it.</summary>
    public static string Name(ScalingMode mode) => mode switch
    {
        ScalingMode.Percentile => "percentile",
        ScalingMode.Match => "match",
        _ => "fixed",
    };

    internal static CardRadiometry Parse(int? bitDepth, CardScalingDto dto, (ReferencePercentiles Before, ReferencePercentiles After)? reference,
        IReadOnlyList<double> max, Func<string, Exception> fail)
    {
        var mode = dto.Mode switch
        {
            null or "fixed" => ScalingMode.Fixed,
            "percentile" => ScalingMode.Percentile,
            "match" => ScalingMode.Match,
            var m => throw fail($"input.scaling.mode is \"{m}\"; expected \"fixed\", \"percentile\" or \"match\" (docs/MODEL_CARD.md § Radiometry)."),
        };
        var (low, high) = DefaultPercentiles;
        if (dto.Percentiles is { } p)
        {
            if (p.Length != 2 || !(p[0] >= 0 && p[0] < p[1] && p[1] <= 100))
                throw fail($"input.scaling.percentiles is [{string.Join(", ", p)}]; expected [low, high] with 0 <= low < high <= 100, e.g. [2, 98].");
            (low, high) = (p[0], p[1]);
        }
        var top = max.Max();
        if (bitDepth is { } bits)
        {
            if (bits is < 1 or > 32)
                throw fail($"input.bitDepth is {bits}; expected the bits per sample of the training data, 1 to 32 (8, 10, 12, 16...).");
            if (top > Math.Pow(2, bits) - 1 + 0.5)
                throw fail($"input.bitDepth is {bits} (values up to {Math.Pow(2, bits) - 1}) but input.scaling.max reaches {top}; the two must agree.");
            return new CardRadiometry(bits, true, mode, low, high, reference);
        }
        var derived = 1;
        while (derived < 32 && Math.Pow(2, derived) - 1 < top - 0.5) derived++;
        return new CardRadiometry(derived, false, mode, low, high, reference);
    }

    internal void Write(CardInputDto input, CardScalingDto scaling)
    {
        input.BitDepth = BitDepthStated ? BitDepth : null;
        scaling.Mode = Mode == ScalingMode.Fixed ? null : Name(Mode);
        scaling.Percentiles = (PercentileLow, PercentileHigh) == DefaultPercentiles ? null : [PercentileLow, PercentileHigh];
        scaling.Reference = ReferenceBefore is null ? null : new CardReferenceDto { Before = ReferenceBefore.ToDto(), After = ReferenceAfter!.ToDto() };
    }
}

/// <summary>One date's low and high percentiles per band in the training data, raw units (see <see cref="CardRadiometry.ReferenceBefore"/>).</summary>
public sealed class ReferencePercentiles
{
    internal ReferencePercentiles(double[] low, double[] high)
    {
        Low = low;
        High = high;
    }

    /// <summary>Per band, the value at <see cref="CardRadiometry.PercentileLow"/>.</summary>
    public IReadOnlyList<double> Low { get; }

    /// <summary>Per band, the value at <see cref="CardRadiometry.PercentileHigh"/>; above <see cref="Low"/> in every band.</summary>
    public IReadOnlyList<double> High { get; }

    internal CardPercentileValuesDto ToDto() => new() { Low = [.. Low], High = [.. High] };
}
