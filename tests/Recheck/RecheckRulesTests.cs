using WeiPian.Engine.Recheck;

namespace WeiPian.Engine.Tests.Recheck;

/// <summary>The verdict rules and the index rules, by hand.</summary>
public class RecheckRulesTests
{
    private static readonly RecheckOptions Defaults = new();

    [Theory]
    [InlineData(100, 0.0, 0.00, RecheckVerdict.Restored)]
    [InlineData(100, 0.0, 0.20, RecheckVerdict.Restored)]          // at the restored threshold
    [InlineData(100, 0.0, 0.21, RecheckVerdict.PartlyRestored)]
    [InlineData(100, 0.0, 0.74, RecheckVerdict.PartlyRestored)]
    [InlineData(100, 0.0, 0.75, RecheckVerdict.NotRestored)]       // at the not-restored threshold
    [InlineData(100, 0.0, 1.00, RecheckVerdict.NotRestored)]
    [InlineData(100, 0.3, 0.00, RecheckVerdict.Restored)]          // obscured share at the threshold still judged
    [InlineData(100, 0.31, 0.00, RecheckVerdict.CannotTell)]       // above it: cannot tell, even if what shows is restored
    [InlineData(100, 0.31, 1.00, RecheckVerdict.CannotTell)]
    [InlineData(100, 1.0, double.NaN, RecheckVerdict.CannotTell)]  // nothing visible
    [InlineData(0, 0.0, 0.0, RecheckVerdict.CannotTell)]           // smaller than a pixel centre
    public void DefaultThresholds(long pixels, double obscured, double changed, RecheckVerdict expected) =>
        Assert.Equal(expected, RecheckVerdicts.Decide(pixels, obscured, changed, Defaults));

    [Fact]
    public void ThresholdsAreOptions()
    {
        var strict = new RecheckOptions { RestoredMaxChangedShare = 0.05, NotRestoredMinChangedShare = 0.5, MaxObscuredShare = 0.1 };
        Assert.Equal(RecheckVerdict.PartlyRestored, RecheckVerdicts.Decide(100, 0, 0.1, strict));
        Assert.Equal(RecheckVerdict.NotRestored, RecheckVerdicts.Decide(100, 0, 0.5, strict));
        Assert.Equal(RecheckVerdict.CannotTell, RecheckVerdicts.Decide(100, 0.15, 0, strict));
        Assert.Equal(RecheckVerdict.CannotTell, RecheckVerdicts.Decide(100, 1, 0, new RecheckOptions { MaxObscuredShare = 1 }));
    }

    [Fact]
    public void InconsistentThresholdsAreRefusedBeforeWork()
    {
        Assert.Throws<InputException>(() => new RecheckOptions { RestoredMaxChangedShare = 0.8, NotRestoredMinChangedShare = 0.6 }.Validate());
        Assert.Throws<InputException>(() => new RecheckOptions { MaxObscuredShare = 1.5 }.Validate());
        Assert.Throws<InputException>(() => new RecheckOptions { MarginMetres = -1 }.Validate());
        Assert.Throws<InputException>(() => new RecheckOptions { SoilNdvi = 0.4, VegetationNdvi = 0.3 }.Validate());
    }

    [Fact]
    public void NamesRoundTrip()
    {
        foreach (var v in Enum.GetValues<RecheckVerdict>())
        {
            Assert.Equal(v, RecheckVerdicts.Parse(RecheckVerdicts.Name(v)));
            Assert.Equal(v, RecheckVerdicts.Parse(RecheckVerdicts.ChineseName(v)));
        }
        Assert.Equal("部分整改", RecheckVerdicts.ChineseName(RecheckVerdict.PartlyRestored));
        Assert.Throws<InputException>(() => RecheckVerdicts.Parse("maybe"));
    }

    // Surface reflectance x 1000 plus a little haze (B 26, G 18, R 10, NIR 5 DN), as GF-2 10-bit data.
    [Theory]
    [InlineData(35, 75, 40, 420, GroundCover.Vegetation)]     // crops
    [InlineData(100, 130, 160, 220, GroundCover.Soil)]        // dry tilled soil
    [InlineData(55, 75, 95, 140, GroundCover.Soil)]           // wet tilled soil
    [InlineData(330, 340, 350, 370, GroundCover.Other)]       // white roof
    [InlineData(240, 190, 100, 160, GroundCover.Other)]       // blue steel roof: NDVI 0.23 but bluish
    [InlineData(240, 270, 300, 330, GroundCover.Other)]       // spoil, rubble
    [InlineData(270, 290, 290, 330, GroundCover.Other)]       // greenhouse film
    [InlineData(70, 60, 35, 15, GroundCover.Water)]           // clear water
    [InlineData(50, 85, 45, 60, GroundCover.Water)]           // green water (NDVI 0.14, NDWI 0.17, not bluish)
    [InlineData(90, 100, 80, 40, GroundCover.Water)]          // turbid water
    [InlineData(0, 0, 0, 0, GroundCover.NoData)]
    public void GroundCoverOfTypicalSurfaces(float b, float g, float r, float n, GroundCover expected)
    {
        float[] haze = [26, 18, 10, 5];
        var hazy = expected == GroundCover.NoData ? (b, g, r, n) : (b + haze[0], g + haze[1], r + haze[2], n + haze[3]);
        Assert.Equal(expected, GroundCovers.Classify(hazy.Item1, hazy.Item2, hazy.Item3, hazy.Item4, Defaults));
        Assert.Equal(expected, GroundCovers.Classify(b == 0 ? 0 : b * 0.87f, g * 0.87f, r * 0.87f, n * 0.87f, Defaults)); // gain alone changes nothing
    }

    [Fact]
    public void BackToCultivation()
    {
        Assert.True(GroundCovers.IsBack(GroundCover.Vegetation, GroundCover.NoData));
        Assert.True(GroundCovers.IsBack(GroundCover.Soil, GroundCover.Vegetation));
        Assert.True(GroundCovers.IsBack(GroundCover.Water, GroundCover.Water));        // paddy flooded on both dates
        Assert.False(GroundCovers.IsBack(GroundCover.Water, GroundCover.Vegetation));  // a pond where crops were
        Assert.False(GroundCovers.IsBack(GroundCover.Water, GroundCover.NoData));      // indices alone cannot tell a paddy from a pond
        Assert.False(GroundCovers.IsBack(GroundCover.Other, GroundCover.Soil));
    }
}
