using WeiPian.Engine.Inference;
using WeiPian.Engine.Radiometry;

namespace WeiPian.Engine.Tests.Radiometry;

/// <summary>The radiometry arithmetic against scalar references: percentiles, the composed scaling, the relative fit.</summary>
public class RadiometryMathTests
{
    [Theory]
    [InlineData(5001, 1023, true)]    // whole numbers: counted
    [InlineData(70000, 65535, true)]
    [InlineData(5001, 1023, false)]   // fractions: the comparison sort
    [InlineData(999, 255, true)]      // too few to count
    public void PercentilesEqualLinearInterpolationOnTheSortedArray(int count, int max, bool whole)
    {
        var random = new Random(15);
        var values = Enumerable.Range(0, count).Select(_ => random.NextDouble() * max).Select(v => (float)(whole ? Math.Round(v) : v)).ToArray();
        var stats = new BandStatistics(values);
        var sorted = values.Select(v => (double)v).Order().ToArray();
        foreach (var p in new[] { 0.0, 2, 25, 50, 73.3, 98, 100 })
        {
            // numpy's default: rank p/100 * (n - 1), linear between its two neighbours.
            var rank = p / 100 * (sorted.Length - 1);
            var lo = (int)Math.Floor(rank);
            var expected = lo + 1 < sorted.Length ? sorted[lo] + (rank - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
            Assert.Equal(expected, stats.Percentile(p), 9);
        }
        Assert.Equal(sorted[0], stats.Min);
        Assert.Equal(sorted[^1], stats.Max);
        foreach (var ceiling in new[] { 0.0, 500, 1000, 1023, 2000, 65534.5 })
            Assert.Equal(sorted.Count(v => v > ceiling) / (double)sorted.Length, stats.ShareAbove(ceiling), 12);
    }

    [Fact]
    public void PercentilesOfOneToHundredAreNumpys()
    {
        var stats = new BandStatistics(Enumerable.Range(1, 100).Select(i => (float)i).ToArray());
        Assert.Equal(2.98, stats.Percentile(2), 9);      // numpy.percentile(range(1, 101), 2)
        Assert.Equal(98.02, stats.Percentile(98), 9);
        Assert.Equal(50.5, stats.Percentile(50), 9);
    }

    [Fact]
    public void ComposedScalingEqualsTheMapThenTheCard()
    {
        var card = ModelCard.Parse(CardJson(""), "test.card.json");
        var scaling = card.Input.Scaling.Coefficients;
        double[] gain = [4.01, 0.5, 1, 2.5];
        double[] offset = [-12, 30, 0, 7.5];
        var composed = scaling.Compose(gain, offset);
        for (var b = 0; b < 4; b++)
            for (var x = -50f; x < 1500; x += 3.7f)
            {
                var expected = scaling.Apply(b, (float)(gain[b] * x + offset[b]));
                Assert.Equal(expected, composed.Apply(b, x), 4);
            }
    }

    [Fact]
    public void MatchRecoversAKnownGainAndOffsetDespitePlantedChange()
    {
        // The before date: four correlated bands of a varied landscape; the after date: the same pixels through another
        // sensor's gain and offset, with noise, and 15 % of the pixels changed to something else altogether.
        var random = new Random(7);
        const int n = 40_000;
        double[] gain = [0.8, 1.1, 0.95, 1.3];
        double[] offset = [20, -15, 5, 40];
        var before = Enumerable.Range(0, 4).Select(_ => new float[n]).ToArray();
        var after = Enumerable.Range(0, 4).Select(_ => new float[n]).ToArray();
        for (var i = 0; i < n; i++)
        {
            var brightness = 100 + 500 * random.NextDouble();
            var vegetation = random.NextDouble();
            double[] b = [brightness * 0.6, brightness * 0.8, brightness * (1 - 0.4 * vegetation), brightness * (1 + vegetation)];
            var changed = random.NextDouble() < 0.15;
            for (var k = 0; k < 4; k++)
            {
                before[k][i] = (float)b[k];
                after[k][i] = changed
                    ? (float)(200 + 700 * random.NextDouble())
                    : (float)(gain[k] * b[k] + offset[k] + Gaussian(random) * 3);
            }
        }
        var fit = RelativeNormalisation.Fit(before, after);
        for (var k = 0; k < 4; k++)
        {
            // before ≈ g' after + o' with g' = 1 / g, o' = -o / g.
            Assert.InRange(fit.Gain[k], 1 / gain[k] * 0.99, 1 / gain[k] * 1.01);
            Assert.InRange(fit.Offset[k], -offset[k] / gain[k] - 4, -offset[k] / gain[k] + 4);
        }
    }

    [Fact]
    public void CardWithoutBitDepthTakesItFromTheScalingMax()
    {
        var card = ModelCard.Parse(CardJson(""), "test.card.json");
        Assert.Equal(10, card.Input.Scaling.Radiometry.BitDepth);
        Assert.False(card.Input.Scaling.Radiometry.BitDepthStated);
        Assert.Equal(ScalingMode.Fixed, card.Input.Scaling.Radiometry.Mode);
        Assert.DoesNotContain("bitDepth", card.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void CardStatesBitDepthModeAndPercentiles()
    {
        var card = ModelCard.Parse(CardJson("\"bitDepth\": 12,", "\"mode\": \"percentile\", \"percentiles\": [1, 99],"), "test.card.json");
        var r = card.Input.Scaling.Radiometry;
        Assert.Equal((12, true, ScalingMode.Percentile, 1.0, 99.0), (r.BitDepth, r.BitDepthStated, r.Mode, r.PercentileLow, r.PercentileHigh));
        var again = ModelCard.Parse(card.ToJson(), "round trip").Input.Scaling.Radiometry;
        Assert.Equal((12, true, ScalingMode.Percentile, 1.0, 99.0), (again.BitDepth, again.BitDepthStated, again.Mode, again.PercentileLow, again.PercentileHigh));
    }

    [Fact]
    public void CardStatesReferencePercentilesPerDateAndWritesThemBack()
    {
        const string reference = "\"reference\": { \"before\": { \"low\": [50], \"high\": [250, 260, 270, 390] }, \"after\": { \"low\": [45, 60, 35, 40], \"high\": [300] } },";
        var card = ModelCard.Parse(CardJson("", reference), "test.card.json");
        var r = card.Input.Scaling.Radiometry;
        Assert.Equal([50.0, 50, 50, 50], r.ReferenceBefore!.Low);
        Assert.Equal([250.0, 260, 270, 390], r.ReferenceBefore.High);
        Assert.Equal([45.0, 60, 35, 40], r.ReferenceAfter!.Low);
        Assert.Equal([300.0, 300, 300, 300], r.ReferenceAfter.High);
        var again = ModelCard.Parse(card.ToJson(), "round trip").Input.Scaling.Radiometry;
        Assert.Equal(r.ReferenceAfter.Low, again.ReferenceAfter!.Low);
        Assert.Equal(r.ReferenceBefore.High, again.ReferenceBefore!.High);
        Assert.Null(ModelCard.Parse(CardJson(""), "test.card.json").Input.Scaling.Radiometry.ReferenceBefore);
    }

    [Fact]
    public void BundledCardsStateBitDepthGsdAndReferencePercentiles()
    {
        foreach (var name in new[] { "spectral-v1", "fusion-unet-v1" })
        {
            using var model = ChangeModel.Load(WeiPian.Models.BundledModels.Resolve(name));
            var input = model.Card.Input;
            Assert.Equal((10, true, 0.8), (input.Scaling.Radiometry.BitDepth, input.Scaling.Radiometry.BitDepthStated, input.Gsd));
            var (before, after) = (input.Scaling.Radiometry.ReferenceBefore!, input.Scaling.Radiometry.ReferenceAfter!);
            // The synthesiser's after dates are later in the season, and hold the planted change: brighter at the top.
            for (var b = 0; b < 4; b++) Assert.True(before.Low[b] < before.High[b] && after.High[b] > before.High[b], $"{name} band {b}");
        }
    }

    [Theory]
    [InlineData("", "\"reference\": { \"before\": { \"low\": [50], \"high\": [250] } },", "input.scaling.reference.after is missing")]
    [InlineData("", "\"reference\": { \"before\": { \"low\": [50], \"high\": [40] }, \"after\": { \"low\": [50], \"high\": [250] } },", "input.scaling.reference.before for band 0 is low 50, high 40")]
    [InlineData("", "\"reference\": { \"before\": { \"low\": [50, 1], \"high\": [250] }, \"after\": { \"low\": [50], \"high\": [250] } },", "input.scaling.reference.before.low has 2 values")]
    [InlineData("\"bitDepth\": 8,", "", "input.bitDepth is 8 (values up to 255) but input.scaling.max reaches 1023")]
    [InlineData("", "\"mode\": \"stretch\",", "input.scaling.mode is \"stretch\"")]
    [InlineData("", "\"percentiles\": [98, 2],", "input.scaling.percentiles is [98, 2]")]
    public void CardRadiometryMistakesAreNamed(string input, string scaling, string expected)
    {
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(CardJson(input, scaling), "test.card.json"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static string CardJson(string input, string scaling = "") => $$"""
        {
          "name": "t", "version": "1",
          "input": { "form": "pair", "names": ["before", "after"], "bands": ["B", "G", "R", "NIR"], {{input}}
                     "scaling": { {{scaling}} "min": [0], "max": [1023], "mean": [0.1, 0.2, 0.3, 0.4], "std": [0.5] }, "tile": 64, "halo": 8 },
          "output": { "name": "logits", "form": "logits" },
          "classes": [ { "id": 0, "name": "no change", "tblx": null }, { "id": 1, "name": "building", "tblx": "20" } ]
        }
        """;
}
