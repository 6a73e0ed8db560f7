using System.Globalization;
using WeiPian.Engine.Inference;

namespace WeiPian.Engine.Radiometry;

/// <summary>
/// The percentile scaling: per band, each date's low and high percentiles (the card's, 2 % and 98 % by default) are
/// mapped linearly onto reference values, x' = t_low + (x - p_low) (t_high - t_low) / (p_high - p_low), before the card's
/// fixed scaling.
/// </summary>
/// <remarks>
/// The reference values depend on what the model was trained on:
/// <list type="bullet">
/// <item>a card that states the training data's percentiles (<see cref="CardRadiometry.ReferenceBefore"/>,
/// <see cref="CardRadiometry.ReferenceAfter"/>) gets them: each date's measured percentiles onto its own date's
/// reference, whatever units either date is in. This is the mapping to prefer: it brings every date onto the distribution
/// the model learnt. Mapping one date onto the other instead (the fallbacks below) carries the other date's season and
/// the after date's change into the stretch: new roofs hold the after date's 98 % percentile, so stretching it onto the
/// before date's dims them below what the model calls a roof;</item>
/// <item>a card whose own mode is percentile was trained on scenes stretched that way: the references are its min and max;</item>
/// <item>otherwise the model expects the card's units (spectral-v1: DN ≈ 1000 x reflectance). A date whose sample fits the
/// card (<see cref="RadiometryChecks.Misfit"/>) is already in them: its own percentiles are the references, so it passes
/// unchanged and the other date is mapped onto it;</item>
/// <item>when neither date fits (both 8-bit under a 10-bit card), the before date's percentiles rescaled from its bit
/// depth to the card's (x 1023 / 255 for 8-bit data under a 10-bit card) are the references: the before date is
/// rescaled, the after date stretched onto it.</item>
/// </list>
/// Mapping both dates onto the same references also removes a gain or offset between them (another sensor, sun or haze).
/// </remarks>
internal static class PercentileStretch
{
    /// <summary>Per date, the gain and offset of its stretch (raw values to the card's units), and how the references were chosen.</summary>
    public static ((double[] Gain, double[] Offset) Before, (double[] Gain, double[] Offset) After, string How) Maps(
        ModelCard card, RadiometrySample before, BandStatistics[] statsBefore, RadiometrySample after, BandStatistics[] statsAfter)
    {
        var r = card.Input.Scaling.Radiometry;
        var bands = statsBefore.Length;
        double[] targetLow, targetHigh;
        string how;
        var range = $"{Num(r.PercentileLow)}-{Num(r.PercentileHigh)} %";
        if (r.ReferenceBefore is { } refBefore && r.ReferenceAfter is { } refAfter)
            return (Map(statsBefore, r, [.. refBefore.Low], [.. refBefore.High], bands), Map(statsAfter, r, [.. refAfter.Low], [.. refAfter.High], bands),
                $"each date's {range} onto the card's reference (the training data's)");
        if (r.Mode == ScalingMode.Percentile)
        {
            (targetLow, targetHigh) = ([.. card.Input.Scaling.Min], [.. card.Input.Scaling.Max]);
            how = $"each date's {range} onto the card's min..max";
        }
        else
        {
            var (stats, name) = RadiometryChecks.Misfit(card, before, statsBefore) is null ? (statsBefore, "before")
                : RadiometryChecks.Misfit(card, after, statsAfter) is null ? (statsAfter, "after")
                : (statsBefore, (string?)null);
            var factor = name is null ? r.ValueMax / (Math.Pow(2, DataBits(statsBefore)) - 1) : 1;
            targetLow = [.. stats.Select(s => s.Percentile(r.PercentileLow) * factor)];
            targetHigh = [.. stats.Select(s => s.Percentile(r.PercentileHigh) * factor)];
            how = name is null
                ? $"neither date is in the card's {r.BitDepth}-bit units: both dates' {range} onto the before date's x {Num(factor)} ({DataBits(statsBefore)} to {r.BitDepth} bits)"
                : $"the {name} date is in the card's units: {range} of the other onto its own";
        }
        return (Map(statsBefore, r, targetLow, targetHigh, bands), Map(statsAfter, r, targetLow, targetHigh, bands), how);
    }

    private static (double[], double[]) Map(BandStatistics[] stats, CardRadiometry r, double[] targetLow, double[] targetHigh, int bands)
    {
        var gain = new double[bands];
        var offset = new double[bands];
        for (var b = 0; b < bands; b++)
        {
            double low = stats[b].Percentile(r.PercentileLow), high = stats[b].Percentile(r.PercentileHigh);
            gain[b] = (targetHigh[b] - targetLow[b]) / (high - low);
            offset[b] = targetLow[b] - low * gain[b];
        }
        return (gain, offset);
    }

    // Bits of the sampled data: the smallest of 8, 10, 12, 14, 16 whose range holds its largest value (more for float data beyond).
    private static int DataBits(BandStatistics[] stats)
    {
        var top = stats.Max(s => s.Max);
        foreach (var bits in new[] { 8, 10, 12, 14, 16 })
            if (top <= Math.Pow(2, bits) - 1) return bits;
        return (int)Math.Ceiling(Math.Log2(top + 1));
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
