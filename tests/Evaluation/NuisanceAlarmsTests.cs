using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Evaluation;

namespace WeiPian.Engine.Tests.Evaluation;

/// <summary>
/// Nuisances flagged per kind and building recall per stage on hand-made polygons (metres): the threshold, min(10 % of
/// the object, 20 m²), is met, just met, or missed by a touch.
/// </summary>
public class NuisanceAlarmsTests
{
    private static readonly WKTReader Wkt = new();

    private static Geometry Box(double x, double y, double w, double h) =>
        Wkt.Read(FormattableString.Invariant($"POLYGON (({x} {y}, {x + w} {y}, {x + w} {y + h}, {x} {y + h}, {x} {y}))"));

    [Fact]
    public void ThresholdIsTenPercentOfASmallObjectAndTwentySquareMetresOfALargeOne()
    {
        Assert.Equal(10, NuisanceAlarms.Threshold(100), 9);
        Assert.Equal(20, NuisanceAlarms.Threshold(200), 9);
        Assert.Equal(20, NuisanceAlarms.Threshold(2500), 9);
    }

    [Fact]
    public void AnObjectIsHitWhenPredictionsOfAnyClassCoverTheThresholdAndMissedATouchBelowIt()
    {
        NuisanceObject[] nuisances =
        [
            // 100 m² each: threshold 10 m² (10 %).
            new("mulch", Box(0, 0, 10, 10)),      // 10.5 m² covered: hit
            new("mulch", Box(100, 0, 10, 10)),    // 9.5 m² covered: missed by a touch
            new("mulch", Box(200, 0, 10, 10)),    // nothing near: missed
            // 2500 m² each: threshold 20 m² (less than 10 %).
            new("pond_drained", Box(0, 100, 50, 50)),   // 20.5 m² in two predictions of different classes: hit
            new("pond_drained", Box(100, 100, 50, 50)), // 19.5 m²: missed by a touch
            new("haze", Box(200, 100, 50, 50)),         // touched along an edge only (no area): missed
        ];
        ClassedPolygon[] predicted =
        [
            new(1, Box(-5, 0, 6.05, 10)),     // 1.05 x 10 inside the first mulch
            new(2, Box(109.05, 0, 8, 10)),    // 0.95 x 10 inside the second
            new(3, Box(0, 90, 1, 10.25)),     // 1 x 0.25 = 0.25 m² inside the large pond...
            new(1, Box(10, 140, 2.025, 20)),  // ...and 2.025 x 10 = 20.25 m² more, another class
            new(4, Box(100, 140, 1.95, 10)),  // 19.5 m² inside the second pond
            new(1, Box(250, 100, 10, 10)),    // shares the haze's right edge
        ];

        var tally = NuisanceAlarms.Count(nuisances, predicted);

        Assert.Equal(["haze", "mulch", "pond_drained"], tally.Keys);
        Assert.Equal(new ObjectTally(1, 3), tally["mulch"]);
        Assert.Equal(new ObjectTally(1, 2), tally["pond_drained"]);
        Assert.Equal(new ObjectTally(0, 1), tally["haze"]);
        Assert.Equal(1.0 / 3, tally["mulch"].Share, 12);
    }

    [Fact]
    public void NoPredictionHitsNothingAndTalliesPoolOverCases()
    {
        var none = NuisanceAlarms.Count([new("road", Box(0, 0, 4, 30))], []);
        Assert.Equal(new ObjectTally(0, 1), none["road"]);
        var pooled = ObjectTally.Sum([none, new Dictionary<string, ObjectTally> { ["road"] = new(2, 3), ["rubble"] = new(1, 1) }]);
        Assert.Equal(new ObjectTally(2, 4), pooled["road"]);
        Assert.Equal(new ObjectTally(1, 1), pooled["rubble"]);
        Assert.Equal(0, new ObjectTally(0, 0).Share);
    }

    [Fact]
    public void ABuildingIsFoundPerStageWhenHalfCoveredAsObjectRecallCountsIt()
    {
        StagedBuilding[] buildings =
        [
            new("cleared", new ClassedPolygon(1, Box(0, 0, 10, 10))),     // 50 m² covered: found
            new("cleared", new ClassedPolygon(1, Box(100, 0, 10, 10))),   // 49 m²: not found
            new("foundation", new ClassedPolygon(1, Box(200, 0, 10, 10))), // covered by another class: found
        ];
        ClassedPolygon[] predicted = [new(1, Box(0, 0, 5, 10)), new(1, Box(100, 0, 4.9, 10)), new(3, Box(195, -5, 20, 20))];

        var tally = BuildingStageRecall.Count(buildings, predicted);

        Assert.Equal(new ObjectTally(1, 2), tally["cleared"]);
        Assert.Equal(new ObjectTally(1, 1), tally["foundation"]);
        // The same rule as the headline object recall.
        var metrics = ObjectMetrics.Compute(buildings.Select(b => b.Polygon).ToList(), predicted, 1);
        Assert.Equal(tally.Values.Sum(t => t.Hit), metrics.Found);
    }
}
