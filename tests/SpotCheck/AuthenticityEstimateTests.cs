using WeiPian.Engine.SpotCheck;

namespace WeiPian.Engine.Tests.SpotCheck;

/// <summary>The stratified ratio estimator and its interval against examples worked by hand (docs/SPOTCHECK.md).</summary>
public sealed class AuthenticityEstimateTests
{
    private const double Z95 = 1.959963984540054;

    private static IEnumerable<SampledVerdict> Verdicts(Stratum s, int consistent, int doubtful, int field, bool inRegion = true) =>
        Enumerable.Repeat(new SampledVerdict(s, inRegion, true, true), consistent)
            .Concat(Enumerable.Repeat(new SampledVerdict(s, inRegion, true, false), doubtful))
            .Concat(Enumerable.Repeat(new SampledVerdict(s, inRegion, false, false), field));

    [Fact]
    public void TwoStrataWorkedByHand()
    {
        // Stratum 1: N 10, n 4 (weight 2.5): 3 consistent, 1 doubtful. Stratum 2: N 20, n 5 (weight 4): 2 consistent, 3 for the field.
        // Y = 2.5*3 + 4*2 = 15.5, X = 2.5*4 + 4*2 = 18, R = 15.5/18 = 0.861111.
        // e = y - R m: s1^2 = 0.25; s2^2 = 0.0057870; V = (10^2*0.6*0.25/4 + 20^2*0.75*0.0057870/5) / 18^2 = 4.097222/324 = 0.0126457.
        // n_eff = R(1-R)/V = 9.458, capped at the 6 checkable sampled; Wilson at n 6: [0.462181, 0.978133].
        var s1 = new Stratum("1", 10, 4);
        var s2 = new Stratum("2", 20, 5);
        var e = AuthenticityEstimate.Estimate(Verdicts(s1, 3, 1, 0).Concat(Verdicts(s2, 2, 0, 3)).ToList(), Z95);

        Assert.Equal((9, 6, 5, 1), (e.Sampled, e.Checkable, e.Consistent, e.Doubtful));
        Assert.Equal(15.5 / 18, e.Rate!.Value, 12);
        Assert.Equal(18, e.CheckableTotal, 12);
        Assert.Equal(0.012645747599451303, e.Variance, 12);
        Assert.Equal(6, e.EffectiveSize);
        Assert.Equal(0.46218120588234, e.Lower!.Value, 9);
        Assert.Equal(0.9781329195216517, e.Upper!.Value, 9);
    }

    [Fact]
    public void UnequalWeightsWidenTheIntervalBelowTheSampleSize()
    {
        // Stratum 1: N 100, n 5 (weight 20): 4 consistent, 1 doubtful. Stratum 2: a census of 5, all consistent.
        // R = (80 + 5)/(100 + 5) = 0.809524; s1^2 = 0.2; V = 100^2*0.95*0.2/5/105^2 = 0.0344671 (stratum 2 adds nothing: sampled whole);
        // n_eff = R(1-R)/V = 4.4737, below the 10 checkable sampled; Wilson at it: [0.363737, 0.969321].
        var e = AuthenticityEstimate.Estimate(Verdicts(new Stratum("1", 100, 5), 4, 1, 0).Concat(Verdicts(new Stratum("2", 5, 5), 5, 0, 0)).ToList(), Z95);

        Assert.Equal(85.0 / 105, e.Rate!.Value, 12);
        Assert.Equal(0.03446712018140591, e.Variance, 12);
        Assert.Equal(4.473684210526314, e.EffectiveSize, 9);
        Assert.Equal(0.3637367646771238, e.Lower!.Value, 9);
        Assert.Equal(0.9693210731134027, e.Upper!.Value, 9);
    }

    [Fact]
    public void ACensusIsExact()
    {
        var e = AuthenticityEstimate.Estimate(Verdicts(new Stratum("1", 6, 6), 4, 2, 0).ToList(), Z95);

        Assert.Equal(4.0 / 6, e.Rate!.Value, 12);
        Assert.Equal(e.Rate, e.Lower);
        Assert.Equal(e.Rate, e.Upper);
        Assert.Equal(0, e.Variance);
    }

    [Fact]
    public void AllConsistentInASampleIsNotCertainty()
    {
        // Every sampled verdict agrees, so V reads 0; the interval is Wilson's at the checkable sampled: [5/(5+z^2), 1].
        var e = AuthenticityEstimate.Estimate(Verdicts(new Stratum("1", 50, 5), 5, 0, 0).ToList(), Z95);

        Assert.Equal(1, e.Rate);
        Assert.Equal(5 / (5 + Z95 * Z95), e.Lower!.Value, 9);
        Assert.Equal(1, e.Upper!.Value, 12);
    }

    [Fact]
    public void ARegionIsADomainOfTheStrata()
    {
        // The same stratum holds two counties' polygons: the other county's enter the variance as zeros, not the rate.
        var s = new Stratum("false change", 20, 8);
        var mine = Verdicts(s, 3, 1, 0);
        var theirs = Verdicts(s, 0, 4, 0, inRegion: false);
        var e = AuthenticityEstimate.Estimate(mine.Concat(theirs).ToList(), Z95);

        Assert.Equal(0.75, e.Rate!.Value, 12);
        Assert.Equal((4, 4, 3), (e.Sampled, e.Checkable, e.Consistent));
        Assert.True(e.Variance > 0);
    }

    [Fact]
    public void NothingCheckableHasNoRate()
    {
        var e = AuthenticityEstimate.Estimate(Verdicts(new Stratum("1", 10, 3), 0, 0, 3).ToList(), Z95);

        Assert.Null(e.Rate);
        Assert.Null(e.Lower);
        Assert.Equal(3, e.Sampled);
    }

    [Fact]
    public void WilsonAndTheNormalQuantileMatchTheirTables()
    {
        var (lower, upper) = AuthenticityEstimate.Wilson(0.5, 10, Z95);

        Assert.Equal(0.236593, lower, 6);   // 5 of 10, 95 %: the textbook Wilson interval 0.2366 - 0.7634
        Assert.Equal(0.763407, upper, 6);
        Assert.Equal(1.959964, AuthenticityEstimate.NormalQuantile(0.95), 6);
        Assert.Equal(2.575829, AuthenticityEstimate.NormalQuantile(0.99), 6);
        Assert.Equal(1.281552, AuthenticityEstimate.NormalQuantile(0.8), 6);
    }
}
