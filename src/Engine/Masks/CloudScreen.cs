using WeiPian.Engine.Alignment;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Masks;

/// <summary>
/// Clouds and cloud shadows that nobody flagged, found in 4-band data (B, G, R, NIR) without the thermal and SWIR bands
/// that Fmask relies on, by comparing the two dates, and excluded from change as nodata is.
/// </summary>
/// <remarks>
/// Values are read as fractions of the model's full scale (the card's largest <c>input.scaling.max</c>, about
/// reflectance for data the card fits). Per pixel and date, with vis the mean of B, G, R and the other date's vis':
/// <list type="bullet">
/// <item>cloud core: bright (vis ≥ <see cref="CoreBrightness"/>), white (Fmask's whiteness Σ|band − vis| / vis ≤
/// <see cref="MaxWhiteness"/>), hazy (Zhang's haze-optimised transform B − 0.5 R − 0.08 &gt; 0) and much brighter than
/// the other date (vis ≥ <see cref="CoreGain"/> vis', vis' times the scene's typical ratio of the dates' vis);</item>
/// <item>cloud edge: thin cloud, white and brighter than the other date by <see cref="EdgeRise"/>, within
/// <see cref="EdgeReach"/> pixels of a core;</item>
/// <item>shadow, within <see cref="ShadowReach"/> pixels of a cloud (no sun azimuth is needed: every direction is
/// searched): all four bands darker than the other date by about one factor (each ratio, divided by the scene's typical
/// ratio between the dates, ≤ <see cref="ShadowRatio"/>, the largest at most <see cref="ShadowSpread"/> times the
/// smallest), as shade keeps skylight in every band, on a pixel darker than most of its date (band sum ≤
/// <see cref="ShadowBrightness"/> times the date's median) over ground of ordinary brightness on the other date (≤
/// <see cref="OtherBrightness"/> times its median: a new bright roof brightens every band alike too, which makes the
/// date before it look shaded); or, where
/// the ground itself changed between the dates (a crop grown) and the factor is lost, dark in NIR and the visible
/// (≤ <see cref="DarkNir"/>, ≤ <see cref="DarkVisible"/>), darker than the other date and not water (NDWI &lt;
/// <see cref="WaterNdwi"/>). Far from clouds neither test is used: bright spoil or a roof on wet soil brightens every band
/// alike too, and is change. A shadow farther from its cloud than the reach (high clouds, low sun) is not found.</item>
/// <item>penumbra: a shadow's soft edge, where the cloud above thins out and the ground is only a little darker, still in
/// every band alike (normalised ratios ≤ <see cref="PenumbraRatio"/>, spread ≤ <see cref="PenumbraSpread"/>), connected
/// to a shadow through such pixels within <see cref="PenumbraReach"/> steps. Alone, a slightly darker field is
/// everywhere (soil moisture, crop growth); only grown from a shadow is it shade.</item>
/// </list>
/// The scene's typical ratio per band and median brightness per date come from a sample of both dates taken before any
/// tile (<see cref="RadiometrySample.ReadPair"/>), so the season's change between the dates is not taken for shade.
/// Clouds and shadows of either date are then dilated by <see cref="Dilation"/> pixels: their soft edges are where false
/// change happens. Pixels with no data in a date are left to the nodata rule. Everything is local (a square of
/// <see cref="Margin"/> pixels), so the screen runs strip by strip, in column blocks, without seeing the whole scene.
/// </remarks>
internal sealed class CloudScreen : ExclusionMask
{
    /// <summary>Mean visible value of a cloud's core, in full scale.</summary>
    public const float CoreBrightness = 0.45f;

    /// <summary>How many times brighter in the visible a cloud core is than the other date.</summary>
    public const float CoreGain = 1.5f;

    /// <summary>Fmask's whiteness limit: clouds are flat across the visible bands.</summary>
    public const float MaxWhiteness = 0.7f;

    /// <summary>How much brighter (full scale, mean visible) a thin cloud edge is than the other date.</summary>
    public const float EdgeRise = 0.05f;

    /// <summary>Pixels from a cloud core within which thin, white brightening counts as the same cloud.</summary>
    public const int EdgeReach = 10;

    /// <summary>Largest ratio of a shadowed band to the other date's.</summary>
    public const float ShadowRatio = 0.6f;

    /// <summary>Largest ratio between the most and the least darkened band of a shadow.</summary>
    public const float ShadowSpread = 2.0f;

    /// <summary>Largest band sum of a shadowed pixel, as a share of its date's median band sum.</summary>
    public const float ShadowBrightness = 0.75f;

    /// <summary>Largest band sum of the other date under a shadow, as a multiple of that date's median.</summary>
    public const float OtherBrightness = 2.0f;

    /// <summary>Largest normalised ratio of a penumbra pixel in any band: a tenth darker than the scene's typical change.</summary>
    public const float PenumbraRatio = 0.92f;

    /// <summary>Largest ratio between the most and the least darkened band of a penumbra pixel.</summary>
    public const float PenumbraSpread = 1.4f;

    /// <summary>Steps (8-connected) a shadow grows into its penumbra.</summary>
    public const int PenumbraReach = 40;

    /// <summary>Largest NIR (full scale) of a dark pixel: shade keeps little of the direct sun in any band.</summary>
    public const float DarkNir = 0.13f;

    /// <summary>Largest mean visible value (full scale) of a dark pixel.</summary>
    public const float DarkVisible = 0.06f;

    /// <summary>Share of the other date's visible and NIR values a dark pixel is at most.</summary>
    public const float DarkDrop = 0.8f;

    /// <summary>NDWI (G − NIR) / (G + NIR) at or above which a dark pixel is taken for water, not shade.</summary>
    public const float WaterNdwi = 0.2f;

    /// <summary>Pixels from a cloud within which a dark pixel counts as its shadow.</summary>
    public const int ShadowReach = 96;

    /// <summary>Pixels every cloud and shadow is grown by.</summary>
    public const int Dilation = 3;

    /// <summary>The context a pixel's decision needs on each side: a core, its edge, the shadow, the penumbra, the dilation.</summary>
    public const int Margin = EdgeReach + ShadowReach + PenumbraReach + Dilation;

    private const int BlockColumns = 1024;

    // Windows per side of the sample the typical ratios and brightness are the medians of: 16 windows of 64 px hold
    // 65,536 pixels, plenty for a median. A warped date warps a whole block of GDAL's per window: on a 4096² pair with its
    // after date warped (--align), the 8 x 8 sample took 1.9-2.2 s, this one 1.0 s.
    private const int TypicalBlocks = 4;
    private static readonly BandRole[] Roles = [BandRole.Blue, BandRole.Green, BandRole.Red, BandRole.Nir];

    private readonly AlignedPair _pair;
    private readonly int[] _bandsBefore;
    private readonly int[] _bandsAfter;
    private readonly float[] _noDataBefore;
    private float[] _noDataAfter;
    private readonly float _scale;
    private readonly Typical _typicalBefore;
    private readonly Typical _typicalAfter;
    private float[] _valuesBefore = [];
    private float[] _valuesAfter = [];
    private byte[] _work = [];
    private int[] _counts = [];
    private int[] _queue = [];

    /// <summary>A screen reading the two dates on its own (the run's readers belong to another thread), on the grid the run processes them on.</summary>
    /// <param name="pair">The dates and how they are aligned, as the run opens them.</param>
    /// <param name="modelGsd">The model's GSD (the card's <c>input.gsd</c>), for a pair resampled to it.</param>
    /// <param name="fullScale">The value that stands for full scale (reflectance 1).</param>
    /// <exception cref="InputException">A date lacks a B, G, R or NIR band.</exception>
    public CloudScreen(ScenePair pair, double? modelGsd, double fullScale)
    {
        _pair = AlignedPair.Open(pair, modelGsd);
        try
        {
            _bandsBefore = Bands(_pair.First);
            _bandsAfter = Bands(_pair.Second);
        }
        catch
        {
            _pair.Dispose();
            throw;
        }
        _noDataBefore = NoData(_pair.First, _bandsBefore);
        _noDataAfter = NoData(_pair.Second, _bandsAfter);
        var (before, after) = RadiometrySample.ReadPair(_pair.First, _pair.RegionFirst, _bandsBefore, _pair.Second, _pair.RegionSecond, _bandsAfter, TypicalBlocks);
        _scale = (float)(1 / fullScale);
        (_typicalBefore, _typicalAfter) = Typicals(before, after);
    }

    /// <summary>
    /// Reads the after date shifted as the run reads it, once the run has registered the dates (<see cref="AlignedPair.Register"/>):
    /// the screen compares the dates pixel by pixel, and its mask must lie on the after date's pixels as the model sees them.
    /// </summary>
    public void Follow(ScenePair pair, Coregistration? registration)
    {
        _pair.Follow(pair, registration);
        _noDataAfter = NoData(_pair.Second, _bandsAfter);
    }

    // The scene's typical ratio between the dates per band and median band sum per date, from co-located samples.
    private (Typical Before, Typical After) Typicals(RadiometrySample before, RadiometrySample after)
    {
        if (before.Count == 0) return (Typical.Neutral, Typical.Neutral);
        var ratio = new float[4];
        var ratios = new float[before.Count];
        for (var b = 0; b < 4; b++)
        {
            var count = 0;
            for (var i = 0; i < before.Count; i++)
                if (before.Values[b][i] > 0 && after.Values[b][i] > 0) ratios[count++] = after.Values[b][i] / before.Values[b][i];
            ratio[b] = count == 0 ? 1 : (float)new BandStatistics(ratios.AsSpan(0, count)).Percentile(50);
        }
        static float Brightness(RadiometrySample sample, float scale)
        {
            var sums = new float[sample.Count];
            for (var i = 0; i < sums.Length; i++)
                sums[i] = scale * (sample.Values[0][i] + sample.Values[1][i] + sample.Values[2][i] + sample.Values[3][i]);
            return (float)new BandStatistics(sums).Percentile(50);
        }
        float brightnessBefore = Brightness(before, _scale), brightnessAfter = Brightness(after, _scale);
        var afterOverBefore = new Bgrn(ratio[0], ratio[1], ratio[2], ratio[3]);
        return (new Typical(afterOverBefore.Inverse(), brightnessBefore, brightnessAfter), new Typical(afterOverBefore, brightnessAfter, brightnessBefore));
    }

    private static int[] Bands(Scene scene)
    {
        var missing = Roles.Where(r => !scene.BandRoles.Contains(r)).ToList();
        if (missing.Count > 0)
            throw new InputException(
                $"The cloud screen is on and needs B, G, R and NIR bands; '{scene.Path}' has no {string.Join(", ", missing)} band ({BandOrder.Format(scene.BandRoles)}): give the band order, or turn the screen off.")
            {
                Setting = "Bands",
            };
        return [.. Roles.Select(scene.BandOf)];
    }

    /// <inheritdoc />
    public override void Exclude(PixelWindow window, Span<byte> valid)
    {
        var y0 = Math.Max(0, window.Y - Margin);
        var y1 = Math.Min(_pair.RegionFirst.Height, window.Bottom + Margin);
        for (var x = window.X; x < window.Right; x += BlockColumns)
        {
            var right = Math.Min(window.Right, x + BlockColumns);
            var x0 = Math.Max(0, x - Margin);
            var context = new PixelWindow(x0, y0, Math.Min(_pair.RegionFirst.Width, right + Margin) - x0, y1 - y0);
            var screened = Screen(context);
            for (var r = window.Y; r < window.Bottom; r++)
            {
                var src = screened.Slice((r - y0) * context.Width + x - x0, right - x);
                var dst = valid.Slice((r - window.Y) * window.Width + x - window.X, right - x);
                for (var i = 0; i < src.Length; i++)
                    if (src[i] != 0) dst[i] = 0;
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _pair.Dispose();
    }

    // Cloud or shadow in either date, grown by Dilation, over a window of the run's grid (1 = screened out).
    private Span<byte> Screen(PixelWindow context)
    {
        int n = (int)context.PixelCount, w = context.Width, h = context.Height;
        if (_valuesBefore.Length < 4 * n)
        {
            _valuesBefore = new float[4 * n];
            _valuesAfter = new float[4 * n];
            _work = new byte[5 * n];
        }
        if (_counts.Length < w) _counts = new int[w];
        if (_queue.Length < n) _queue = new int[n];
        var before = _valuesBefore.AsSpan(0, 4 * n);
        var after = _valuesAfter.AsSpan(0, 4 * n);
        _pair.First.ReadBands<float>(context.Translate(_pair.RegionFirst.X, _pair.RegionFirst.Y), before, _bandsBefore);
        _pair.Second.ReadBands<float>(context.Translate(_pair.RegionSecond.X, _pair.RegionSecond.Y), after, _bandsAfter);
        var kinds = _work.AsSpan(0, n);
        var cloud = _work.AsSpan(n, n);
        var near = _work.AsSpan(2 * n, n);
        var temp = _work.AsSpan(3 * n, n);
        var result = _work.AsSpan(4 * n, n);
        for (var i = 0; i < n; i++)
        {
            var kind = Kind.Clear;
            if (Pixel(before, n, i, _scale, _noDataBefore) is { } p && Pixel(after, n, i, _scale, _noDataAfter) is { } q)
                kind = Classify(p, q, _typicalBefore) | Classify(q, p, _typicalAfter);
            kinds[i] = (byte)kind;
            cloud[i] = (byte)((kind & Kind.Core) != 0 ? 1 : 0);
        }
        // Thin, white brightening is cloud only within EdgeReach of a core; dark pixels are shadow only within ShadowReach of a cloud.
        MaskMorphology.Dilate(cloud, near, temp, w, h, EdgeReach, _counts);
        for (var i = 0; i < n; i++)
            if ((kinds[i] & (byte)Kind.Edge) != 0 && near[i] != 0) cloud[i] = 1;
        MaskMorphology.Dilate(cloud, near, temp, w, h, ShadowReach, _counts);
        var shadows = 0;
        for (var i = 0; i < n; i++)
            if ((kinds[i] & (byte)(Kind.Shadow | Kind.Dark)) != 0 && near[i] != 0)
            {
                cloud[i] = 1;
                _queue[shadows++] = i;
            }
        MaskMorphology.Grow(kinds, (byte)Kind.Penumbra, PenumbraReach, cloud, temp, w, h, _queue, shadows);
        MaskMorphology.Dilate(cloud, result, temp, w, h, Dilation, _counts);
        return result;
    }

    /// <summary>What a pixel of one date is, compared with the other date.</summary>
    [Flags]
    internal enum Kind : byte
    {
        Clear = 0,
        Core = 1,
        Edge = 2,
        Shadow = 4,
        Dark = 8,
        Penumbra = 16,
    }

    /// <summary>
    /// What is ordinary for one date against the other over the scene: its typical ratio to the other date per band
    /// (the season, the sensors), its median band sum and the other date's.
    /// </summary>
    internal readonly record struct Typical(Bgrn Ratio, float Brightness, float OtherBrightness)
    {
        /// <summary>No change between the dates and no brightness limit.</summary>
        public static Typical Neutral { get; } = new(new Bgrn(1, 1, 1, 1), float.PositiveInfinity, float.PositiveInfinity);
    }

    /// <summary>One pixel's B, G, R, NIR in full scale.</summary>
    internal readonly record struct Bgrn(float B, float G, float R, float N)
    {
        public float Visible => (B + G + R) / 3;

        /// <summary>The sum of the four bands.</summary>
        public float Sum => B + G + R + N;

        /// <summary>Each band's reciprocal.</summary>
        public Bgrn Inverse() => new(1 / B, 1 / G, 1 / R, 1 / N);
    }

    /// <summary>Each of <paramref name="bands"/>' nodata value, NaN where it has none (NaN equals nothing), looked up once rather than per pixel.</summary>
    internal static float[] NoData(Scene scene, int[] bands) => [.. bands.Select(b => (float)(scene.NoData[b - 1] ?? double.NaN))];

    // The pixel's four bands in full scale, or null where a band has no data (its nodata value or NaN).
    private static Bgrn? Pixel(ReadOnlySpan<float> planes, int plane, int i, float scale, float[] noData)
    {
        float b = planes[i], g = planes[plane + i], r = planes[2 * plane + i], nir = planes[3 * plane + i];
        if (float.IsNaN(b + g + r + nir) || b == noData[0] || g == noData[1] || r == noData[2] || nir == noData[3]) return null;
        return new Bgrn(b * scale, g * scale, r * scale, nir * scale);
    }

    /// <summary>
    /// The tests of the remarks for pixel <paramref name="p"/> of one date against <paramref name="q"/> of the other, with
    /// what is <paramref name="typical"/> for <paramref name="p"/>'s date against the other.
    /// </summary>
    internal static Kind Classify(Bgrn p, Bgrn q, in Typical typical)
    {
        var kind = Cloud(p, q, typical);
        var vis = p.Visible;
        var other = q.Visible * typical.Ratio.Visible;
        if (q.B > 0 && q.G > 0 && q.R > 0 && q.N > 0)
        {
            var t = typical.Ratio;
            float rb = p.B / q.B / t.B, rg = p.G / q.G / t.G, rr = p.R / q.R / t.R, rn = p.N / q.N / t.N;
            var most = MathF.Max(MathF.Max(rb, rg), MathF.Max(rr, rn));
            var least = MathF.Min(MathF.Min(rb, rg), MathF.Min(rr, rn));
            if (most <= ShadowRatio && least > 0 && most <= ShadowSpread * least
                && p.Sum <= ShadowBrightness * typical.Brightness && q.Sum <= OtherBrightness * typical.OtherBrightness)
                kind |= Kind.Shadow;
            if (most <= PenumbraRatio && least > 0 && most <= PenumbraSpread * least) kind |= Kind.Penumbra;
        }
        if (p.N <= DarkNir && vis <= DarkVisible && vis <= DarkDrop * other && p.N <= DarkDrop * q.N && p.G + p.N > 0
            && (p.G - p.N) / (p.G + p.N) < WaterNdwi)
            kind |= Kind.Dark;
        return kind;
    }

    /// <summary>The cloud tests alone (<see cref="Kind.Core"/>, <see cref="Kind.Edge"/>), which read only B, G and R.</summary>
    internal static Kind Cloud(Bgrn p, Bgrn q, in Typical typical)
    {
        var vis = p.Visible;
        if (!(vis > 0)) return Kind.Clear;
        var whiteness = (MathF.Abs(p.B - vis) + MathF.Abs(p.G - vis) + MathF.Abs(p.R - vis)) / vis;
        if (whiteness > MaxWhiteness) return Kind.Clear;
        var other = q.Visible * typical.Ratio.Visible; // what the other date's ground would read on this date
        var kind = Kind.Clear;
        if (vis >= CoreBrightness && p.B - 0.5f * p.R - 0.08f > 0 && vis >= CoreGain * other) kind |= Kind.Core;
        if (vis - other >= EdgeRise) kind |= Kind.Edge;
        return kind;
    }
}
