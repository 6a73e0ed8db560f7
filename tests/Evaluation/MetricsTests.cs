using NetTopologySuite.Geometries;
using WeiPian.Engine.Evaluation;

namespace WeiPian.Engine.Tests.Evaluation;

public class MetricsTests
{
    [Fact]
    public void PixelMetricsOfAHandCountedCase()
    {
        //            pixel: 0  1  2  3  4  5  6
        byte[] truth = [0, 0, 1, 1, 2, 2, 1];
        byte[] pred = [0, 1, 1, 1, 2, 0, 2];
        byte[] valid = [1, 1, 1, 1, 1, 1, 0];   // the last pixel is nodata
        var m = new PixelMetrics(3);
        m.Add(truth, pred, valid);
        Assert.Equal(6, m.Total);
        var s = m.Scores;
        Assert.Equal((2L, 2L, 1L), (s[0].TruePixels, s[0].PredictedPixels, s[0].Hits));
        Assert.Equal(0.5, s[0].Precision, 12);
        Assert.Equal(1.0 / 3, s[0].IoU, 12);
        Assert.Equal(2.0 / 3, s[1].Precision, 12);
        Assert.Equal(1.0, s[1].Recall, 12);
        Assert.Equal(0.8, s[1].F1, 12);
        Assert.Equal(2.0 / 3, s[1].IoU, 12);
        Assert.Equal(1.0, s[2].Precision, 12);
        Assert.Equal(0.5, s[2].Recall, 12);
        Assert.Equal(2.0 / 3, s[2].F1, 12);
        Assert.Equal(4.0 / 6, m.OverallAccuracy, 12);
        Assert.Equal(0.5, m.Kappa, 12);   // expected agreement (2*2 + 2*3 + 2*1) / 36 = 1/3
        Assert.Equal([1L, 1, 0], m.Matrix[0]);
    }

    [Fact]
    public void ClassOutsideTheMatrixIsAnError() =>
        Assert.Throws<InputException>(() => new PixelMetrics(3).Add([0, 3], [0, 0]));

    [Fact]
    public void ObjectMetricsOfAHandDrawnCase()
    {
        var a = Box(0, 0, 10, 10);
        var b = Box(20, 0, 30, 10);
        var truth = new List<ClassedPolygon> { new(1, a), new(2, b) };
        var predicted = new List<ClassedPolygon>
        {
            new(1, Box(0, 0, 6, 10)),    // covers 60 % of a: a found; lies wholly on a: matched
            new(1, Box(50, 0, 60, 10)),  // on nothing: a false alarm
            new(3, Box(20, 0, 24, 10)),  // covers 40 % of b: b not found; lies wholly on b: matched
        };
        var m = ObjectMetrics.Compute(truth, predicted, areaKm2: 2);
        Assert.Equal((2, 1, 3, 2), (m.TruthCount, m.Found, m.PredictedCount, m.Matched));
        Assert.Equal(0.5, m.Recall, 12);
        Assert.Equal(2.0 / 3, m.Precision, 12);
        Assert.Equal(1, m.FalseAlarms);
        Assert.Equal(0.5, m.FalseAlarmsPerKm2, 12);
        // Per class: class 1 finds a; class 2 (b) is found by nobody of its class; class 3's prediction lies on no class-3 truth.
        Assert.Equal((1, 1, 2, 1), (m.ByClass[1].TruthCount, m.ByClass[1].Found, m.ByClass[1].PredictedCount, m.ByClass[1].Matched));
        Assert.Equal((1, 0), (m.ByClass[2].TruthCount, m.ByClass[2].Found));
        Assert.Equal((1, 0), (m.ByClass[3].PredictedCount, m.ByClass[3].Matched));
    }

    [Fact]
    public void HalfCoveredCountsAsFound()
    {
        var m = ObjectMetrics.Compute([new(1, Box(0, 0, 10, 10))], [new(1, Box(0, 0, 5, 10))], 1);
        Assert.Equal(1, m.Found);
    }

    private static Polygon Box(double x0, double y0, double x1, double y1) =>
        new GeometryFactory().CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
}
