namespace WeiPian.Engine.SpotCheck;

/// <summary>One sampled polygon as the estimator sees it.</summary>
/// <param name="Stratum">The stratum it was drawn from.</param>
/// <param name="InRegion">Whether it lies in the region estimated (a county, a province).</param>
/// <param name="Checkable">Whether its verdict could be checked (by imagery or the approvals).</param>
/// <param name="Consistent">Whether the check supports the verdict (only meaningful when checkable).</param>
public readonly record struct SampledVerdict(Stratum Stratum, bool InRegion, bool Checkable, bool Consistent);

/// <summary>
/// The authenticity rate (真实性) of a region's reported verdicts estimated from a stratified sample: the share of the
/// checkable verdicts that the check supports, with its confidence interval. See docs/SPOTCHECK.md for the design.
/// </summary>
/// <remarks>
/// Estimator: the combined stratified ratio R = Σ_h W_h y_h / Σ_h W_h m_h, with W_h = N_h / n_h the sampling weight,
/// y_h the consistent and m_h the checkable sampled polygons of the region in stratum h. Its variance by linearisation,
/// V = Σ_h N_h² (1 - n_h/N_h) s²_h / n_h / X², with s²_h the sample variance over stratum h's sampled polygons of
/// e = y - R m (0 outside the region: domain estimation) and X = Σ_h W_h m_h. The interval is Wilson's score interval
/// at the effective sample size n_eff = R(1-R)/V, capped at the checkable polygons sampled: a sample never weighs more
/// than its polygons, and a stratum whose few sampled polygons happen to agree must not read as certainty. When every
/// stratum holding a checkable sampled polygon was sampled whole (a census) the rate is exact.
/// </remarks>
public sealed record AuthenticityEstimate
{
    /// <summary>Polygons of the region sampled.</summary>
    public required int Sampled { get; init; }

    /// <summary>Of them, checkable.</summary>
    public required int Checkable { get; init; }

    /// <summary>Of the checkable, supported by the check.</summary>
    public required int Consistent { get; init; }

    /// <summary>Of the checkable, contradicted by the check (doubtful).</summary>
    public int Doubtful => Checkable - Consistent;

    /// <summary>The estimated authenticity rate, 0..1; null when no sampled polygon was checkable.</summary>
    public required double? Rate { get; init; }

    /// <summary>Estimated checkable verdicts in the region (X, the weighted count).</summary>
    public required double CheckableTotal { get; init; }

    /// <summary>The variance of <see cref="Rate"/> from the stratified design (0 for a census).</summary>
    public required double Variance { get; init; }

    /// <summary>The effective sample size the interval uses.</summary>
    public required double EffectiveSize { get; init; }

    /// <summary>Lower end of the confidence interval (null with <see cref="Rate"/>).</summary>
    public required double? Lower { get; init; }

    /// <summary>Upper end of the confidence interval.</summary>
    public required double? Upper { get; init; }

    /// <summary>The estimate for the region from its sampled polygons.</summary>
    /// <param name="sample">Every sampled polygon of the strata the region touches (those outside the region too, marked: they enter the variance as zeros).</param>
    /// <param name="z">The normal quantile of the interval (1.96 for 95 %).</param>
    public static AuthenticityEstimate Estimate(IReadOnlyCollection<SampledVerdict> sample, double z)
    {
        var inRegion = sample.Where(s => s.InRegion).ToList();
        int checkable = inRegion.Count(s => s.Checkable), consistent = inRegion.Count(s => s.Checkable && s.Consistent);
        var strata = sample.GroupBy(s => s.Stratum).ToList();
        double y = 0, x = 0;
        foreach (var g in strata)
        {
            y += g.Key.Weight * g.Count(s => s.InRegion && s.Checkable && s.Consistent);
            x += g.Key.Weight * g.Count(s => s.InRegion && s.Checkable);
        }
        if (x <= 0)
            return new AuthenticityEstimate
            {
                Sampled = inRegion.Count, Checkable = 0, Consistent = 0, Rate = null, CheckableTotal = 0, Variance = 0, EffectiveSize = 0, Lower = null, Upper = null,
            };
        var r = y / x;
        double v = 0;
        var census = true;
        foreach (var g in strata)
        {
            var s = g.Key;
            if (g.Any(u => u.InRegion && u.Checkable) && s.Sampled < s.Population) census = false;
            if (s.Sampled < 2) continue;
            var e = g.Select(u => u.InRegion && u.Checkable ? (u.Consistent ? 1 - r : -r) : 0.0).ToList();
            var mean = e.Average();
            var s2 = e.Sum(d => (d - mean) * (d - mean)) / (s.Sampled - 1);
            v += (double)s.Population * s.Population * (1 - (double)s.Sampled / s.Population) * s2 / s.Sampled;
        }
        v /= x * x;
        if (census)
            return new AuthenticityEstimate
            {
                Sampled = inRegion.Count, Checkable = checkable, Consistent = consistent, Rate = r, CheckableTotal = x, Variance = 0,
                EffectiveSize = double.PositiveInfinity, Lower = r, Upper = r,
            };
        var n = v > 0 ? Math.Min(r * (1 - r) / v, checkable) : checkable;
        var (lower, upper) = Wilson(r, n, z);
        return new AuthenticityEstimate
        {
            Sampled = inRegion.Count, Checkable = checkable, Consistent = consistent, Rate = r, CheckableTotal = x, Variance = v,
            EffectiveSize = n, Lower = lower, Upper = upper,
        };
    }

    /// <summary>Wilson's score interval for a proportion <paramref name="p"/> observed over <paramref name="n"/> trials (n may be fractional).</summary>
    public static (double Lower, double Upper) Wilson(double p, double n, double z)
    {
        var z2 = z * z;
        var denominator = 1 + z2 / n;
        var centre = (p + z2 / (2 * n)) / denominator;
        var half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The normal quantile for a two-sided interval of the given confidence (0.8 to 0.999), by the Acklam rational approximation of the inverse normal.</summary>
    public static double NormalQuantile(double confidence)
    {
        var p = 1 - (1 - confidence) / 2;
        // Acklam's central and upper-tail approximations (relative error below 1.2e-9).
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p <= 0.97575)
        {
            var q = p - 0.5;
            var r = q * q;
            return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        var t = Math.Sqrt(-2 * Math.Log(1 - p));
        return -(((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1);
    }
}
