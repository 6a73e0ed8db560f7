namespace WeiPian.Synth;

/// <summary>
/// The 8-bit delivery of a 10-bit date, as a data provider stretches a DOM for display (the common "2 % linear"
/// stretch): per band, the 2 % and 98 % percentiles of the 10-bit values, measured on <see cref="SampleRows"/> rows
/// spread over the date's grid with nodata left out, map linearly to 1 and 255; values beyond are clipped; 0 stays
/// nodata. The stretch is fixed before the first strip is written, so the scene still streams.
/// </summary>
internal sealed class DnStretch
{
    /// <summary>Rows sampled to measure the percentiles.</summary>
    public const int SampleRows = 128;

    /// <summary>Share of valid samples clipped at each end.</summary>
    public const double Clip = 0.02;

    private readonly byte[][] _lut;

    private DnStretch(byte[][] lut) => _lut = lut;

    /// <summary>The low and high 10-bit values per band (B, G, R, NIR) that map to 1 and 255.</summary>
    public (int Low, int High)[] Limits { get; private init; } = [];

    /// <summary>Renders the sample rows of <paramref name="look"/> on <paramref name="grid"/> and fixes the stretch from them.</summary>
    public static DnStretch Measure(Renderer renderer, Layout layout, DateLook look, DateGrid grid, List<Cloud> clouds)
    {
        var w = grid.Width;
        var histogram = new long[4, 1024];
        var buffer = new ushort[4 * w];
        var step = Math.Max(1, grid.Height / SampleRows);
        for (var row = step / 2; row < grid.Height; row += step)
        {
            var strip = grid.Strip(row, 1);
            var changes = layout.Changes.Where(c => c.Outline.MaxS >= strip.MinS - 12 && c.Outline.MinS <= strip.MaxS + 12).ToList();
            var near = clouds.Where(c => c.MaxS >= strip.MinS - 12 && c.MinS <= strip.MaxS + 12).ToList();
            renderer.RenderRow(look, strip, row, changes, near, buffer.AsSpan(0, w), buffer.AsSpan(w, w), buffer.AsSpan(2 * w, w), buffer.AsSpan(3 * w, w));
            for (var band = 0; band < 4; band++)
                foreach (var v in buffer.AsSpan(band * w, w))
                    if (v != 0) histogram[band, v]++;
        }
        var lut = new byte[4][];
        var limits = new (int, int)[4];
        for (var band = 0; band < 4; band++)
        {
            var (lo, hi) = Percentiles(histogram, band);
            limits[band] = (lo, hi);
            lut[band] = new byte[1024];
            for (var v = 1; v < 1024; v++)
                lut[band][v] = (byte)Math.Clamp(Math.Round(1 + 254.0 * (v - lo) / (hi - lo)), 1, 255);
        }
        return new DnStretch(lut) { Limits = limits };
    }

    private static (int Low, int High) Percentiles(long[,] histogram, int band)
    {
        long total = 0;
        for (var v = 1; v < 1024; v++) total += histogram[band, v];
        if (total == 0) return (1, 1023);
        int lo = 1, hi = 1023;
        long sum = 0;
        for (var v = 1; v < 1024; v++)
        {
            sum += histogram[band, v];
            if (sum > Clip * total) { lo = v; break; }
        }
        sum = 0;
        for (var v = 1023; v >= 1; v--)
        {
            sum += histogram[band, v];
            if (sum > Clip * total) { hi = v; break; }
        }
        return hi > lo ? (lo, hi) : (lo, lo + 1);
    }

    /// <summary>Stretches one band's 10-bit values to bytes.</summary>
    public void Apply(int band, ReadOnlySpan<ushort> dn, Span<byte> target)
    {
        var lut = _lut[band];
        for (var k = 0; k < dn.Length; k++) target[k] = lut[dn[k]];
    }
}
