using System.Globalization;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Radiometry;

/// <summary>
/// A scene's sampled values against the model's card, before any tile runs: data that cannot be what the model was
/// trained on is refused with one line naming the file, what was found and the setting that fixes it, instead of
/// running and returning confident nonsense (8-bit data through a 10-bit model outlines lakes as buildings).
/// </summary>
internal static class RadiometryChecks
{
    /// <summary>Most of a band that may lie above the card's max, where the clamp flattens it, before the data is refused.</summary>
    public const double MaxSaturatedShare = 0.05;

    /// <summary>
    /// Vegetation test for the band order: NIR above 1.2 x red marks a vegetated pixel. A land scene has some; when fewer
    /// than <see cref="MinVegetatedShare"/> do and more than <see cref="MinRedOverNirShare"/> have red above 1.5 x NIR,
    /// the bands named red and NIR are most likely swapped (or not what they are called).
    /// </summary>
    public const double MinVegetatedShare = 0.02;

    /// <summary>See <see cref="MinVegetatedShare"/>.</summary>
    public const double MinRedOverNirShare = 0.5;

    /// <summary>The raw values must be in the card's units: not 8-bit data for a deeper card, not clipped in bulk by the card's max.</summary>
    public static void Fixed(ModelCard card, RadiometrySample sample, BandStatistics[] stats)
    {
        if (Misfit(card, sample, stats) is { } problem) throw problem;
    }

    /// <summary>Why the raw values are not in the card's units (see <see cref="Fixed"/>), or null when they may be.</summary>
    public static InputException? Misfit(ModelCard card, RadiometrySample sample, BandStatistics[] stats)
    {
        var radiometry = card.Input.Scaling.Radiometry;
        var top = stats.Max(s => s.Max);
        if (radiometry.BitDepth > 8 && top <= 255)
            return new InputException(
                $"'{sample.Path}': its sampled values reach at most {Num(top)} (8-bit data), but model '{card.Name}' was trained on " +
                $"{radiometry.BitDepth}-bit data (scaling up to {Num(card.Input.Scaling.Max.Max())}{(radiometry.BitDepthStated ? "" : ", bit depth read from the card's scaling max")}); " +
                "stretch each scene per band (percentile) or match the after date onto the before date (match).")
            { Setting = "Radiometry" };
        for (var b = 0; b < stats.Length; b++)
        {
            var max = card.Input.Scaling.Max[b];
            var share = stats[b].ShareAbove(max);
            if (share > MaxSaturatedShare)
                return new InputException(
                    $"'{sample.Path}': {Pct(share)} of band {BandOrder.ShortName(card.Input.Bands[b])}'s sampled pixels are above the card's max {Num(max)} " +
                    $"(values up to {Num(stats[b].Max)}), so the model would see them flattened; the data is deeper than the model's " +
                    $"{radiometry.BitDepth}-bit, or saturated: stretch each scene per band (percentile) or match the dates (match).")
                { Setting = "Radiometry" };
        }
        return null;
    }

    /// <summary>
    /// Every model band must hold data: a constant band (one value at every sampled pixel, nodata aside: a missing band
    /// read as 0, an alpha or padding band taken for a colour, a fill value) is refused, and so, for a percentile
    /// stretch, is a band whose percentiles coincide (nothing to stretch). Red and NIR must look like red and NIR over land.
    /// </summary>
    /// <remarks>No real land surface is uniform over a sample of blocks spread across the scene, even through sensor
    /// noise; a model fed one value per band sees nothing it was trained on, in any scaling mode.</remarks>
    public static void Bands(ModelCard card, RadiometrySample sample, BandStatistics[] stats, bool percentile)
    {
        var roles = card.Input.Bands;
        if (sample.Count == 0)
            throw new InputException($"'{sample.Path}': no sampled pixel holds a value in every model band ({BandOrder.Format(roles)}): the scene is nodata where it was sampled.");
        var radiometry = card.Input.Scaling.Radiometry;
        for (var b = 0; b < stats.Length; b++)
        {
            if (stats[b].Max == stats[b].Min)
                throw new InputException(
                    $"'{sample.Path}': band {BandOrder.ShortName(roles[b])} is constant ({Num(stats[b].Min)} at every one of {sample.Count} sampled pixels{(stats[b].Min == 0 ? ": empty" : "")}); a model band must hold data: check the band order, or the file.")
                { Setting = "Bands" };
            if (percentile && stats[b].Percentile(radiometry.PercentileHigh) <= stats[b].Percentile(radiometry.PercentileLow))
                throw new InputException(
                    $"'{sample.Path}': band {BandOrder.ShortName(roles[b])} holds one value ({Num(stats[b].Percentile(50))}) between its {Num(radiometry.PercentileLow)} and " +
                    $"{Num(radiometry.PercentileHigh)} % percentiles, so a percentile stretch has nothing to stretch; use the card's scaling.")
                { Setting = "Radiometry" };
        }
        var red = IndexOf(roles, BandRole.Red);
        var nir = IndexOf(roles, BandRole.Nir);
        if (red < 0 || nir < 0) return;
        int vegetated = 0, redOver = 0;
        var r = sample.Values[red];
        var n = sample.Values[nir];
        for (var i = 0; i < r.Length; i++)
        {
            if (n[i] > 1.2f * r[i]) vegetated++;
            else if (r[i] > 1.5f * n[i]) redOver++;
        }
        if ((double)vegetated / r.Length >= MinVegetatedShare || (double)redOver / r.Length <= MinRedOverNirShare) return;
        throw new InputException(
            $"'{sample.Path}': the band taken as NIR is darker than red over {Pct((double)redOver / r.Length)} of the sampled pixels and brighter than 1.2 x red " +
            $"over only {Pct((double)vegetated / r.Length)}: over land, vegetation makes NIR the brighter, so red and NIR look swapped; give the band order explicitly.")
        { Setting = "Bands" };
    }

    private static int IndexOf(IReadOnlyList<BandRole> roles, BandRole role)
    {
        for (var i = 0; i < roles.Count; i++) if (roles[i] == role) return i;
        return -1;
    }

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Pct(double share) => share.ToString("0.#%", CultureInfo.InvariantCulture);
}
