using NetTopologySuite.IO;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// A survey whose parcels overlap (here every DLTB and YJJBNTTB polygon digitised twice, as a careless merge of two
/// sheets gives): the areas on farmland and on permanent basic farmland are those of the union, never more than the
/// polygon.
/// </summary>
public sealed class DuplicatedParcelTests : IDisposable
{
    private readonly BatchWorld _world = new();
    private readonly TempDir _dir = new();

    [Fact]
    public void OverlayAreasCountOverlappingParcelsOnce()
    {
        var path = DuplicatedSurvey();
        var crs = SpatialReference.FromEpsg(4546);
        var a = BatchWorld.Rectangle("A");   // 30 x 30, of which 20 x 20 on permanent basic farmland
        var e = a.EnvelopeInternal;
        var survey = LandSurvey.Load(path, crs, new BoundingBox(e.MinX, e.MinY, e.MaxX, e.MaxY));
        Assert.Equal(2, survey.Farmland.Count);
        Assert.Equal(a.Area, survey.FarmlandArea(a), 6);
        Assert.Equal(400, survey.BasicFarmlandArea(a), 6);
        var current = LandUseSurvey.Load(path, crs, new BoundingBox(e.MinX, e.MinY, e.MaxX, e.MaxY));
        Assert.Equal(new[] { ("0101", a.Area) }, current.AreaByClass(a).Select(c => (c.Dlbm, Math.Round(c.Area, 6))));
        Assert.Equal(a.Area, current.AreaOn(a, ["0101", "0102", "0103"]), 6);
    }

    [Fact]
    public async Task BatchAreasOnFarmlandNeverExceedThePolygon()
    {
        var survey = DuplicatedSurvey();
        var settings = BatchRunFixture.SettingsFor(_world, _dir.File("batch")) with { SurveyPath = survey, CurrentSurveyPath = survey };
        // S00 and S01: A (partly on basic farmland), B seen by both (merged), C cut by S00's edge (merged), D, E.
        var report = await ReprocessBatch.RunAsync(_world.Jobs().Take(2).ToList(), settings);

        Assert.Equal(5, report.Polygons.Count);
        Assert.All(report.Polygons, p =>
        {
            Assert.Equal(p.Tuban.Jcmj, p.Tuban.Jcgdmj, 6);   // all land is farmland, once
            Assert.True(p.Tuban.Yjjbntmj <= p.Tuban.Jcmj);
        });
        var a = report.Polygons.Single(p => p.Tuban.Geometry.Intersects(BatchWorld.Rectangle("A")));
        Assert.Equal(a.Tuban.Geometry.Intersection(BatchWorld.Box(0, 0, 60, 60)).Area, a.Tuban.Yjjbntmj, 6);
        var province = report.Regions.Single(r => r.Level == RegionLevel.Province).Total;
        Assert.Equal(province.Area, province.FarmlandArea, 3);
    }

    // The batch world's detection survey with every parcel and basic farmland polygon written twice.
    private string DuplicatedSurvey()
    {
        var path = _dir.File("survey-duplicated.gpkg");
        var crs = SpatialReference.FromEpsg(4546);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
        using var ds = VectorDataset.Create(path, "GPKG");
        var dltb = ds.CreateLayer("DLTB", GeometryKind.Polygon, crs, [new("DLBM", FieldKind.String, 8), new("DLMC", FieldKind.String, 40)]);
        var basic = ds.CreateLayer("YJJBNTTB", GeometryKind.Polygon, crs, [new("YJJBNTTBBH", FieldKind.String, 20)]);
        for (var copy = 0; copy < 2; copy++)
        {
            dltb.Add(wkb.Write(BatchWorld.Box(0, 0, BatchWorld.Width, BatchWorld.Height)), ["0101", "水田"]);
            basic.Add(wkb.Write(BatchWorld.Box(0, 0, 60, 60)), [$"JB00{copy}"]);
        }
        var xzq = ds.CreateLayer("XZQ", GeometryKind.Polygon, crs, [new("XZQDM", FieldKind.String, 12), new("XZQMC", FieldKind.String, 40)]);
        xzq.Add(wkb.Write(BatchWorld.Box(0, 0, 320, BatchWorld.Height)), ["430102", "芙蓉区"]);
        xzq.Add(wkb.Write(BatchWorld.Box(320, 0, BatchWorld.Width - 320, BatchWorld.Height)), ["430321", "湘潭县"]);
        return path;
    }

    public void Dispose()
    {
        _dir.Dispose();
        _world.Dispose();
    }
}
