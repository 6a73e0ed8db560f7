using WeiPian.Engine.SpotCheck;

namespace WeiPian.Engine.Tests.SpotCheck;

/// <summary>The stratified draw: exact allocation per stratum, the minimum, weights, and the same sample for the same seed.</summary>
public sealed class StratifiedSamplerTests
{
    // Strata A 40, B 7, C 3 polygons.
    private static readonly IReadOnlyList<(string Id, string Stratum)> Units =
    [
        .. Enumerable.Range(1, 40).Select(i => ($"A{i:000}", "A")),
        .. Enumerable.Range(1, 7).Select(i => ($"B{i:000}", "B")),
        .. Enumerable.Range(1, 3).Select(i => ($"C{i:000}", "C")),
    ];

    private static (IReadOnlyList<Stratum> Strata, IReadOnlyList<((string Id, string Stratum) Unit, Stratum Stratum)> Drawn) Draw(SampleSize size, int minimum, long seed,
        IReadOnlyList<(string Id, string Stratum)>? units = null) =>
        StratifiedSampler.Draw(units ?? Units, u => u.Id, u => u.Stratum, size, minimum, seed);

    [Fact]
    public void ShareIsRoundedUpPerStratumWithTheMinimumAndNeverMoreThanTheStratum()
    {
        var (strata, drawn) = Draw(SampleSize.Parse("10%"), 5, 7);

        // A: ceil(4.0) = 4, raised to 5; B: ceil(0.7) = 1, raised to 5; C: 3 polygons, all of them.
        Assert.Equal([("A", 40, 5), ("B", 7, 5), ("C", 3, 3)], strata.Select(s => (s.Key, s.Population, s.Sampled)));
        Assert.Equal(13, drawn.Count);
        Assert.Equal(8.0, strata[0].Weight);
        Assert.Equal(1.4, strata[1].Weight, 12);
        Assert.Equal(1.0, strata[2].Weight);
        Assert.All(drawn, d => Assert.Equal(d.Unit.Stratum, d.Stratum.Key));
        Assert.Equal(drawn.Count, drawn.Select(d => d.Unit.Id).Distinct().Count());
    }

    [Fact]
    public void TotalIsAllocatedInProportionThenRaisedToTheMinimum()
    {
        var (strata, _) = Draw(SampleSize.Parse("20"), 5, 7);

        // 20 of 50: A 16, B round(2.8) = 3 raised to 5, C round(1.2) = 1 raised to 5 but only 3 exist.
        Assert.Equal([16, 5, 3], strata.Select(s => s.Sampled));
    }

    [Fact]
    public void SameSeedGivesTheSameSampleWhateverTheInputOrder()
    {
        var first = Draw(SampleSize.Parse("25%"), 2, 42).Drawn.Select(d => d.Unit.Id).ToList();
        var shuffled = Units.Reverse().ToList();
        var again = Draw(SampleSize.Parse("25%"), 2, 42, shuffled).Drawn.Select(d => d.Unit.Id).ToList();
        var other = Draw(SampleSize.Parse("25%"), 2, 43).Drawn.Select(d => d.Unit.Id).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void AStratumsSampleDoesNotDependOnTheOtherStrata()
    {
        var all = Draw(SampleSize.Parse("25%"), 2, 9).Drawn.Where(d => d.Stratum.Key == "A").Select(d => d.Unit.Id);
        var alone = Draw(SampleSize.Parse("25%"), 2, 9, Units.Where(u => u.Stratum == "A").ToList()).Drawn.Select(d => d.Unit.Id);

        Assert.Equal(all, alone);
    }

    [Theory]
    [InlineData("0%")]
    [InlineData("101%")]
    [InlineData("-3")]
    [InlineData("0")]
    [InlineData("ten")]
    public void BadSampleSizesAreRefusedNamingTheSetting(string text)
    {
        var e = Assert.Throws<InputException>(() => SampleSize.Parse(text));

        Assert.Equal(nameof(SpotCheckOptions.Sample), e.Setting);
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
    }
}
