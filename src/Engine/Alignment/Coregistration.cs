using System.Globalization;
using Microsoft.Extensions.Logging;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Alignment;

/// <summary>
/// The residual shift between the two dates of a pair once they are on one grid, measured by phase correlation on
/// the most textured blocks: the after date's content lies <see cref="Columns"/> east and <see cref="Rows"/> south of
/// the before date's (negative: west, north).
/// </summary>
/// <param name="Columns">Median shift along x, in pixels of the processing grid.</param>
/// <param name="Rows">Median shift along y (down), in pixels.</param>
/// <param name="PixelSize">The processing grid's pixel size, in CRS units (metres), to state the shift on the ground.</param>
/// <param name="Blocks">Blocks the median is over.</param>
/// <param name="Spread">Median distance of the block shifts from the median, in pixels: small when one global shift
/// explains the misregistration, large when it varies across the scene (or the blocks saw change rather than ground).</param>
/// <param name="Corrected">True when the after date was read shifted back by this amount.</param>
public sealed record Coregistration(double Columns, double Rows, double PixelSize, int Blocks, double Spread, bool Corrected = false)
{
    /// <summary>Shifts above this many pixels are worth a warning: change polygons then follow edges rather than change.</summary>
    public const double WarnAbovePixels = 1.0;

    /// <summary>
    /// True when the blocks agree on one shift: their spread is within a pixel, or within half the shift. A spread wider
    /// than that means the blocks saw change or noise rather than shared ground (small scenes, few textured blocks), and
    /// their median is no shift to warn of or to correct by.
    /// </summary>
    public bool IsGlobal => Spread <= Math.Max(1.0, Pixels / 2);

    /// <summary>Length of the shift in pixels.</summary>
    public double Pixels => Math.Sqrt(Columns * Columns + Rows * Rows);

    /// <summary>Length of the shift on the ground, in CRS units (metres).</summary>
    public double Metres => Pixels * PixelSize;

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"after date shifted {Columns:0.00} px east, {Rows:0.00} px south of the before date ({Metres:0.00} m; median of {Blocks} blocks, spread {Spread:0.00} px){(Corrected ? ", corrected" : IsGlobal ? "" : "; the blocks disagree, so no global shift")}");
}

/// <summary>Measures <see cref="Coregistration"/> on a few textured blocks of a pair already on one grid.</summary>
internal static class CoregistrationCheck
{
    /// <summary>Block side: 256 px gives sub-pixel shifts of a few pixels reliably and costs a few milliseconds a block.</summary>
    public const int BlockSize = 256;

    /// <summary>Smallest block tried on a small overlap.</summary>
    private const int MinBlockSize = 64;

    /// <summary>Candidate positions per axis; the most textured <see cref="MaxBlocks"/> of them are correlated.</summary>
    private const int CandidatesPerAxis = 6;

    private const int MaxBlocks = 8;

    /// <summary>Correlation peaks below this are blocks where the dates share too little to trust the shift: random peaks of
    /// 256-pixel blocks reach 0.03-0.045 (NAIP 2009 against 2020, where a decade of fields and wetlands changed), true ones
    /// 0.06 and more.</summary>
    private const double MinPeak = 0.05;

    /// <summary>Largest share of nodata pixels in a block that is still correlated.</summary>
    private const double MaxNoDataShare = 0.02;

    /// <summary>
    /// The shift of <paramref name="after"/>'s content relative to <paramref name="before"/>'s over their common region,
    /// on one band both have (NIR, else red, else band 1); null when the region is too small for two blocks a side or no
    /// block had enough texture and valid pixels.
    /// </summary>
    public static Coregistration? Measure(Scene before, PixelWindow regionBefore, Scene after, PixelWindow regionAfter)
    {
        // Blocks must not overlap along either axis: overlapping blocks share their content, and eight copies of one
        // block that saw change would agree on a shift that is not there.
        var size = BlockSize;
        var side = Math.Min(regionBefore.Width, regionBefore.Height);
        while (2 * size > side && size > MinBlockSize) size /= 2;
        if (2 * size > side) return null;
        var band = CommonBand(before, after);
        var correlation = new PhaseCorrelation(size);
        var a = new float[size * size];
        var b = new float[size * size];
        var candidates = new List<(double Energy, int X, int Y)>();
        var (blockWidth, blockHeight) = before.Dataset.BlockSize(band.Before);
        var placed = new HashSet<(int, int)>();
        for (var i = 0; i < CandidatesPerAxis; i++)
            for (var j = 0; j < CandidatesPerAxis; j++)
            {
                var x = BlockSnap.Offset(regionBefore.X, (int)((long)(regionBefore.Width - size) * (2 * j + 1) / (2 * CandidatesPerAxis)), blockWidth, regionBefore.Width - size, (regionBefore.Width - size) / CandidatesPerAxis);
                var y = BlockSnap.Offset(regionBefore.Y, (int)((long)(regionBefore.Height - size) * (2 * i + 1) / (2 * CandidatesPerAxis)), blockHeight, regionBefore.Height - size, (regionBefore.Height - size) / CandidatesPerAxis);
                if (!placed.Add((x, y))) continue; // two lattice points in one block
                before.Read(band.Before, new PixelWindow(regionBefore.X + x, regionBefore.Y + y, size, size), a.AsSpan());
                if (!FillNoData(a, before.NoData[band.Before - 1])) continue;
                candidates.Add((GradientEnergy(a, size), x, y));
            }
        var shifts = new List<(double X, double Y)>();
        foreach (var (_, x, y) in candidates.OrderByDescending(c => c.Energy).Take(MaxBlocks))
        {
            before.Read(band.Before, new PixelWindow(regionBefore.X + x, regionBefore.Y + y, size, size), a.AsSpan());
            after.Read(band.After, new PixelWindow(regionAfter.X + x, regionAfter.Y + y, size, size), b.AsSpan());
            FillNoData(a, before.NoData[band.Before - 1]);
            if (!FillNoData(b, after.NoData[band.After - 1])) continue;
            var (dx, dy, peak) = correlation.Estimate(a, b);
            if (peak >= MinPeak) shifts.Add((dx, dy));
        }
        if (shifts.Count == 0) return null;
        double mx = Median(shifts.Select(s => s.X)), my = Median(shifts.Select(s => s.Y));
        var spread = Median(shifts.Select(s => Math.Sqrt((s.X - mx) * (s.X - mx) + (s.Y - my) * (s.Y - my))));
        return new Coregistration(mx, my, before.Grid.PixelSizeX, shifts.Count, spread);
    }

    /// <summary>
    /// Warns through <paramref name="logger"/> when the dates are misregistered by one global shift of more than
    /// <see cref="Coregistration.WarnAbovePixels"/> and it was not corrected: change then follows edges.
    /// </summary>
    public static void WarnIfLarge(Coregistration? registration, ScenePair pair, ILogger logger)
    {
        if (registration is not { Corrected: false, IsGlobal: true } r || r.Pixels <= Coregistration.WarnAbovePixels) return;
        logger.LogWarning("'{After}' is misregistered against '{Before}': {Registration}; polygons will follow shifted edges. Correct the global shift, or co-register the dates first.",
            pair.After, pair.Before, r);
    }

    private static (int Before, int After) CommonBand(Scene before, Scene after)
    {
        foreach (var role in new[] { BandRole.Nir, BandRole.Red })
        {
            int b = before.BandRoles.ToList().IndexOf(role), a = after.BandRoles.ToList().IndexOf(role);
            if (b >= 0 && a >= 0) return (b + 1, a + 1);
        }
        return (1, 1);
    }

    // Scattered nodata (a dark pixel that reads as the nodata value) is set to the block's mean so it neither correlates
    // nor makes an edge; a block with more than MaxNoDataShare of it (a scene edge, the other date's footprint) is not used.
    private static bool FillNoData(Span<float> block, double? noData)
    {
        static bool IsNoData(float v, double? nd) => float.IsNaN(v) || (nd is { } value && v == value);
        double sum = 0;
        var valid = 0;
        foreach (var v in block)
            if (!IsNoData(v, noData)) { sum += v; valid++; }
        if (block.Length - valid > MaxNoDataShare * block.Length) return false;
        if (valid == block.Length) return true;
        var mean = (float)(sum / valid);
        foreach (ref var v in block)
            if (IsNoData(v, noData)) v = mean;
        return true;
    }

    // Mean squared difference between neighbours: high on field edges, roads and buildings, low on water and haze.
    private static double GradientEnergy(ReadOnlySpan<float> block, int size)
    {
        double sum = 0;
        for (var r = 0; r < size - 1; r++)
            for (var c = 0; c < size - 1; c++)
            {
                double v = block[r * size + c], gx = block[r * size + c + 1] - v, gy = block[(r + 1) * size + c] - v;
                sum += gx * gx + gy * gy;
            }
        return sum;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }
}
