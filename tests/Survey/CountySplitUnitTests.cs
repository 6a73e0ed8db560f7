using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Survey;

/// <summary>
/// <see cref="LandSurvey.SplitByCounty"/> on a hand-made survey: two square counties with a 10 m gap between them.
/// A polygon across both and the gap becomes a piece per county plus the part in neither; one inside a county stays whole.
/// </summary>
public sealed class CountySplitUnitTests : IDisposable
{
    private static readonly GeometryFactory F = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void PolygonAcrossTwoCountiesAndAGapIsSplitIntoThreeParts()
    {
        var survey = Load();
        // 500 m wide across x = 0..1000 (county A), 1000..1010 (gap), 1010..2000 (county B), with a hole in A.
        var polygon = F.CreatePolygon(Ring(700, 100, 1300, 300), [Ring(750, 150, 800, 200)]);
        var pieces = survey.SplitByCounty(polygon);

        Assert.Equal(["420506", "420582", null], pieces.Select(p => p.County?.Code));
        Assert.Equal(["夷陵区", "当阳市", null], pieces.Select(p => p.County?.Name));
        Assert.Equal(300 * 200 - 50 * 50, pieces[0].Geometry.Area, 9);
        Assert.Equal(290 * 200, pieces[1].Geometry.Area, 9);
        Assert.Equal(10 * 200, pieces[2].Geometry.Area, 9);
        Assert.Equal(1, pieces[0].Geometry.NumInteriorRings);
        Assert.Equal(polygon.Area, pieces.Sum(p => p.Geometry.Area), 9);
    }

    [Fact]
    public void PolygonInsideOneCountyIsReturnedWhole()
    {
        var survey = Load();
        var polygon = F.CreatePolygon(Ring(100, 100, 400, 400));
        var piece = Assert.Single(survey.SplitByCounty(polygon));
        Assert.Equal("420506", piece.County!.Code);
        Assert.Same(polygon, piece.Geometry);
        // Outside every county: whole, with no county.
        var outside = F.CreatePolygon(Ring(3000, 100, 3100, 200));
        Assert.Null(Assert.Single(survey.SplitByCounty(outside)).County);
    }

    [Fact]
    public void CountyCutTwiceGivesOnePiecePerPart()
    {
        var survey = Load();
        // A U shape whose arms reach into county B from A: B holds two separate parts.
        var u = F.CreatePolygon([new(900, 100), new(1200, 100), new(1200, 200), new(950, 200), new(950, 300), new(1200, 300), new(1200, 400), new(900, 400), new(900, 100)]);
        var pieces = survey.SplitByCounty(u);
        Assert.Equal(["420506", "420582", "420582", null, null], pieces.Select(p => p.County?.Code));
        Assert.True(pieces[1].Geometry.EnvelopeInternal.MaxY > pieces[2].Geometry.EnvelopeInternal.MaxY, "pieces of a county run from the top");
        Assert.Equal(u.Area, pieces.Sum(p => p.Geometry.Area), 9);
    }

    private LandSurvey Load()
    {
        var path = _dir.File("survey.gpkg");
        var crs = SpatialReference.FromEpsg(4546);
        if (!File.Exists(path))
        {
            using var ds = VectorDataset.Create(path, "GPKG");
            var wkb = new WKBWriter();
            var dltb = ds.CreateLayer("DLTB", GeometryKind.Polygon, crs, [new FieldDefinition("DLBM", FieldKind.String, 5)]);
            dltb.Add(wkb.Write(F.CreatePolygon(Ring(0, 0, 2000, 1000))), ["0101"]);
            var xzq = ds.CreateLayer("XZQ", GeometryKind.Polygon, crs,
                [new FieldDefinition("XZQDM", FieldKind.String, 12), new FieldDefinition("XZQMC", FieldKind.String, 60)]);
            xzq.Add(wkb.Write(F.CreatePolygon(Ring(0, 0, 1000, 1000))), ["420506", "夷陵区"]);
            xzq.Add(wkb.Write(F.CreatePolygon(Ring(1010, 0, 2000, 1000))), ["420582", "当阳市"]);
        }
        return LandSurvey.Load(path, crs, new BoundingBox(-100, -100, 4000, 1100));
    }

    private static LinearRing Ring(double x0, double y0, double x1, double y1) =>
        F.CreateLinearRing([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
}
