using System.Globalization;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Masks;

/// <summary>
/// Before any tile, whether a pair shows clouds that nobody said what to do with: neither the run's options nor the
/// model's card turned the <see cref="CloudScreen"/> on or off. Unscreened, clouds and their shadows come out as change,
/// so such a pair is refused with one line instead of delivering them.
/// </summary>
/// <remarks>
/// Clouds are few large objects, which the radiometry sample's small windows miss (a painted cloud over 0.4 % of a
/// 1024² scene fell in none of them), so the check reads whole blocks: <see cref="Lattice"/> x <see cref="Lattice"/>
/// windows of up to <see cref="Side"/> px, each the file's block that a point of the radiometry sample's lattice falls in
/// (GDAL decodes whole blocks, so a block read whole costs what a corner of it does, and these were just decoded for
/// the radiometry sample). A pixel is cloud on a date when it passes the screen's core test
/// (<see cref="CloudScreen.Kind.Core"/>: bright, white, hazy and much brighter than the other date), which needs only B,
/// G and R; a window's cores count only with a fringe of thin cloud (<see cref="MinFringe"/>), which greenhouses, white
/// roofs and other bright new surfaces have not. "Much brighter" is against the scene's typical ratio of the dates'
/// visible brightness (the median over the same windows, read twice: GDAL's block cache keeps them), so an after date at
/// another gain or bit depth is not taken for a sky of cloud: that is the radiometry checks' to refuse.
/// </remarks>
internal static class CloudCheck
{
    /// <summary>
    /// Share of the checked pixels that are cloud on one date at or above which the pair is refused: no new roof of the
    /// synthesiser's scenes passes the core test; a painted cloud over a quarter of a per cent of a scene does.
    /// </summary>
    public const double CloudyShare = 0.001;

    /// <summary>
    /// Fewest fringe pixels per core pixel in a window for its cores to count: a cloud thins out into haze around its core
    /// (a third to two thirds of its core on the synthesiser's clouds), while a new white roof or a greenhouse, which pass
    /// the core test too, end at a sharp edge of mixed pixels.
    /// </summary>
    public const double MinFringe = 0.15;

    /// <summary>Windows per side of the region: the radiometry sample's lattice (<see cref="Radiometry.RadiometrySample"/>), whose blocks GDAL has just decoded.</summary>
    public const int Lattice = Radiometry.RadiometrySample.Blocks;

    /// <summary>Largest side of a window, pixels.</summary>
    public const int Side = 256;

    // Every RatioStride-th pixel gives the typical ratio: a median of a quarter of a million is as good as of millions.
    private const int RatioStride = 16;

    private static readonly BandRole[] Visible = [BandRole.Blue, BandRole.Green, BandRole.Red];

    /// <summary>
    /// Refuses the pair when at least <see cref="CloudyShare"/> of the checked pixels are cloud on one date. Not checked: a
    /// pair without B, G and R, and a date not in the card's units (8-bit under a deeper card, or values above its max),
    /// which the run's radiometry setting maps for the model: a stretched 8-bit delivery puts bright ground where a cloud's
    /// reflectance would be, so the core test's brightness means nothing there.
    /// </summary>
    /// <param name="before">The before date, as the run reads it.</param>
    /// <param name="regionBefore">Its processed region.</param>
    /// <param name="after">The after date, as the run reads it (warped onto the before date's grid where the run does).</param>
    /// <param name="regionAfter">Its processed region, of the same size.</param>
    /// <param name="fullScale">The value that stands for full scale (reflectance 1) in the card's units.</param>
    /// <exception cref="InputException">The pair shows clouds; <see cref="InputException.Setting"/> is <see cref="DetectionOptions.CloudScreen"/>.</exception>
    public static void RefuseUnscreened(Scene before, PixelWindow regionBefore, Scene after, PixelWindow regionAfter, double fullScale)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (Visible.Any(r => !before.BandRoles.Contains(r) || !after.BandRoles.Contains(r))) return;
        int[] bandsBefore = [.. Visible.Select(before.BandOf)], bandsAfter = [.. Visible.Select(after.BandOf)];
        float[] noDataBefore = CloudScreen.NoData(before, bandsBefore), noDataAfter = CloudScreen.NoData(after, bandsAfter);
        var windows = Windows(before, regionBefore).ToList();
        float[] p = [], q = [];
        // Each date's B, G, R over a window, band-sequential; its pixel count.
        int Read(PixelWindow window)
        {
            var n = (int)window.PixelCount;
            if (p.Length < 3 * n) (p, q) = (new float[3 * n], new float[3 * n]);
            before.ReadBands<float>(window.Translate(regionBefore.X, regionBefore.Y), p.AsSpan(0, 3 * n), bandsBefore);
            after.ReadBands<float>(window.Translate(regionAfter.X, regionAfter.Y), q.AsSpan(0, 3 * n), bandsAfter);
            return n;
        }
        // First pass: each date's largest value and the typical ratio of the dates' visible brightness.
        var ratios = new List<float>();
        float maxBefore = 0, maxAfter = 0;
        foreach (var window in windows)
        {
            var n = Read(window);
            for (var i = 0; i < n; i++)
                if (Pixel(p, n, i, 1, noDataBefore) is { Visible: > 0 } b && Pixel(q, n, i, 1, noDataAfter) is { Visible: > 0 } a)
                {
                    if (i % RatioStride == 0) ratios.Add(a.Visible / b.Visible);
                    maxBefore = MathF.Max(maxBefore, MathF.Max(b.B, MathF.Max(b.G, b.R)));
                    maxAfter = MathF.Max(maxAfter, MathF.Max(a.B, MathF.Max(a.G, a.R)));
                }
        }
        if (ratios.Count == 0 || !InCardUnits(maxBefore, fullScale) || !InCardUnits(maxAfter, fullScale)) return;
        var scale = (float)(1 / fullScale);
        var ratio = (float)new Radiometry.BandStatistics(ratios.ToArray()).Percentile(50);
        CloudScreen.Typical typicalAfter = new(new(ratio, ratio, ratio, ratio), float.PositiveInfinity, float.PositiveInfinity),
            typicalBefore = typicalAfter with { Ratio = typicalAfter.Ratio.Inverse() };
        Tally onBefore = new(), onAfter = new();
        foreach (var window in windows)
        {
            var n = Read(window);
            onBefore.Start(n);
            onAfter.Start(n);
            for (var i = 0; i < n; i++)
                if (Pixel(p, n, i, scale, noDataBefore) is { } b && Pixel(q, n, i, scale, noDataAfter) is { } a)
                {
                    onBefore.Set(i, CloudScreen.Cloud(b, a, typicalBefore));
                    onAfter.Set(i, CloudScreen.Cloud(a, b, typicalAfter));
                }
            onBefore.Count(window.Width, window.Height);
            onAfter.Count(window.Width, window.Height);
        }
        var (tally, path) = onAfter.Cores >= onBefore.Cores ? (onAfter, after.Path) : (onBefore, before.Path);
        if (tally.Valid == 0 || tally.Cores < CloudyShare * tally.Valid) return;
        throw new InputException(
            $"'{path}': {((double)tally.Cores / tally.Valid).ToString("0.0#%", CultureInfo.InvariantCulture)} of {tally.Valid} pixels checked across the scene are cloud on it " +
            $"(bright, white, hazy, {CloudScreen.CoreGain.ToString(CultureInfo.InvariantCulture)} x brighter than the other date, with a thin fringe), and the run was not told " +
            "whether to screen clouds: unscreened, clouds and their shadows come out as change. Screen them, or turn the screen off if they are not clouds.")
        {
            Setting = nameof(DetectionOptions.CloudScreen),
        };
    }

    /// <summary>One date's checked pixels and cloud cores (those of windows where they have a fringe), counted window by window.</summary>
    private sealed class Tally
    {
        private byte[] _kinds = [], _cores = [], _near = [], _temp = [];
        private int[] _counts = [];

        public long Valid { get; private set; }
        public long Cores { get; private set; }

        public void Start(int n)
        {
            if (_kinds.Length < n) (_kinds, _cores, _near, _temp) = (new byte[n], new byte[n], new byte[n], new byte[n]);
            _kinds.AsSpan(0, n).Fill(Invalid);
        }

        public void Set(int i, CloudScreen.Kind kind) => _kinds[i] = (byte)kind;

        // Cores, and thin white brightening within the screen's edge reach of one (not a core itself): a cloud's fringe.
        // A window's cores count as cloud when they have their fringe, so a roof beside a cloud elsewhere changes nothing.
        public void Count(int width, int height)
        {
            var n = width * height;
            if (_counts.Length < width) _counts = new int[width];
            for (var i = 0; i < n; i++) _cores[i] = (byte)(_kinds[i] != Invalid && (_kinds[i] & (byte)CloudScreen.Kind.Core) != 0 ? 1 : 0);
            MaskMorphology.Dilate(_cores.AsSpan(0, n), _near, _temp, width, height, CloudScreen.EdgeReach, _counts);
            long cores = 0, fringe = 0;
            for (var i = 0; i < n; i++)
            {
                if (_kinds[i] == Invalid) continue;
                Valid++;
                cores += _cores[i];
                if (_cores[i] == 0 && _near[i] != 0 && (_kinds[i] & (byte)CloudScreen.Kind.Edge) != 0) fringe++;
            }
            if (cores > 0 && fringe >= MinFringe * cores) Cores += cores;
        }

        private const byte Invalid = 0xFF;
    }

    // The windows, relative to the region: a block-sized square (at most Side) for each point of the radiometry sample's
    // lattice, the block the point falls in where blocks are at most Side, else centred on the point; each window once.
    private static IEnumerable<PixelWindow> Windows(Scene scene, PixelWindow region)
    {
        var (blockWidth, blockHeight) = scene.Dataset.BlockSize(1);
        int w = Math.Min(Math.Min(Side, blockWidth), region.Width), h = Math.Min(Math.Min(Side, blockHeight), region.Height);
        var seen = new HashSet<(int, int)>();
        for (var j = 0; j < Lattice; j++)
            for (var i = 0; i < Lattice; i++)
            {
                var x = Start(region.X, Point(region.Width, i), blockWidth, w, region.Width);
                var y = Start(region.Y, Point(region.Height, j), blockHeight, h, region.Height);
                if (seen.Add((x, y))) yield return new PixelWindow(x, y, w, h);
            }
    }

    private static int Point(int extent, int i) =>
        (int)(Math.Max(0, extent - Radiometry.RadiometrySample.BlockSide) * (i + 0.5) / Lattice);

    private static int Start(int origin, int point, int block, int side, int extent) =>
        Math.Clamp(block == side ? (origin + point) / block * block - origin : point - side / 2, 0, extent - side);

    // Whether a date whose largest value seen is max can be in the card's units (fullScale its max).
    private static bool InCardUnits(float max, double fullScale) => max <= fullScale && (max > 255 || fullScale <= 255);

    // B, G, R of pixel i in full scale, N unknown (0, which no core test reads), or null where a band has no data.
    // (The screen's own Pixel reads four bands; this one three.)
    private static CloudScreen.Bgrn? Pixel(float[] planes, int plane, int i, float scale, float[] noData)
    {
        float b = planes[i], g = planes[plane + i], r = planes[2 * plane + i];
        if (float.IsNaN(b + g + r) || b == noData[0] || g == noData[1] || r == noData[2]) return null;
        return new CloudScreen.Bgrn(b * scale, g * scale, r * scale, 0);
    }
}
