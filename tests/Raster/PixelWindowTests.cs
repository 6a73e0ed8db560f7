using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tests.Raster;

/// <summary>Window arithmetic and the geotransform's pixel/world mapping.</summary>
public class PixelWindowTests
{
    [Fact]
    public void Intersect_OfOverlappingWindows_IsTheCommonPart()
    {
        var a = new PixelWindow(0, 0, 10, 8);
        Assert.Equal(new PixelWindow(4, 5, 6, 3), a.Intersect(new PixelWindow(4, 5, 20, 20)));
        Assert.Equal(new PixelWindow(0, 0, 3, 2), a.Intersect(new PixelWindow(-5, -6, 8, 8)));
    }

    [Fact]
    public void Intersect_OfDisjointOrTouchingWindows_IsEmpty()
    {
        var a = new PixelWindow(0, 0, 10, 8);
        Assert.True(a.Intersect(new PixelWindow(10, 0, 5, 5)).IsEmpty);
        Assert.True(a.Intersect(new PixelWindow(0, 8, 5, 5)).IsEmpty);
        Assert.True(a.Intersect(new PixelWindow(20, 20, 1, 1)).IsEmpty);
    }

    [Fact]
    public void ContainsTranslateAndCounts()
    {
        var a = new PixelWindow(2, 3, 10, 8);
        Assert.Equal((12, 11, 80L), (a.Right, a.Bottom, a.PixelCount));
        Assert.True(a.Contains(new PixelWindow(2, 3, 10, 8)));
        Assert.False(a.Contains(new PixelWindow(1, 3, 10, 8)));
        Assert.Equal(new PixelWindow(0, 5, 10, 8), a.Translate(-2, 2));
        Assert.True(new PixelWindow(0, 0, 0, 5).IsEmpty);
        Assert.Equal(46_340L * 46_341, new PixelWindow(0, 0, 46_340, 46_341).PixelCount); // past int.MaxValue
    }

    [Fact]
    public void GeoTransform_MapsPixelCornersAndCentres()
    {
        var t = GeoTransform.NorthUp(500_000, 3_300_000, 0.8);
        Assert.Equal((500_000.4, 3_299_999.6), t.PixelToWorld(0.5, 0.5));
        Assert.Equal((500_008.0, 3_299_996.0), t.PixelToWorld(10, 5));
        var (col, row) = t.WorldToPixel(500_008.0, 3_299_996.0);
        Assert.Equal(10, col, 9);
        Assert.Equal(5, row, 9);
        Assert.Equal(0.64, t.PixelArea, 12);
        Assert.Equal(t, GeoTransform.FromArray(t.ToArray()));
        Assert.True(t.IsNorthUp);
    }

    [Fact]
    public void GeoTransform_RotatedRefusesWorldToPixel()
    {
        var rotated = new GeoTransform(100, 17.32, 5, 200, 10, -8.66);
        Assert.False(rotated.IsNorthUp);
        Assert.Throws<InvalidOperationException>(() => rotated.WorldToPixel(0, 0));
        Assert.Equal((100 + 17.32 + 5, 200 + 10 - 8.66), rotated.PixelToWorld(1, 1));
    }

    [Fact]
    public void BandOrder_ParseAndFormat()
    {
        Assert.Equal("B,G,R,NIR", BandOrder.Format(BandOrder.ParseList(" blue, g ,Red,near infrared")));
        var e = Assert.Throws<InputException>(() => BandOrder.ParseList("B,G,Q"));
        Assert.Contains("'Q'", e.Message, StringComparison.Ordinal);
    }
}
