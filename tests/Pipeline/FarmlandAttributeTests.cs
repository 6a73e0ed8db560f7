using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Union;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// In default mode every reported polygon lies on farmland, and its areas agree with an independent overlay:
/// the survey read straight through OGR, farmland unioned with NetTopologySuite, intersected polygon by polygon.
/// </summary>
public class FarmlandAttributeTests(SampleDetection sample) : IClassFixture<SampleDetection>
{
    private const double Gsd = 0.8;

    [Fact]
    public void ReportedPolygonsLieOnFarmlandAndTheirAreasAgreeWithAnIndependentOverlay()
    {
        var farmland = Union(SampleDetection.SamplePath("survey.gpkg"), "DLTB", "DLBM IN ('0101','0102','0103')");
        var basic = Union(SampleDetection.SamplePath("survey.gpkg"), "YJJBNTTB", null);
        Assert.True(sample.Tubans.Count >= 5, $"spectral-v1 reports {sample.Tubans.Count} polygons on the sample");
        foreach (var t in sample.Tubans)
        {
            var g = t.Geometry;
            Assert.Equal(g.Area, t.Jcmj, 6);
            Assert.True(t.Jcgdmj <= t.Jcmj + 1e-6, $"{t.Jcbh}: JCGDMJ {t.Jcgdmj} > JCMJ {t.Jcmj}");
            Assert.True(t.Yjjbntmj <= t.Jcgdmj + 1e-6, $"{t.Jcbh}: YJJBNTMJ {t.Yjjbntmj} > JCGDMJ {t.Jcgdmj}");
            Assert.Equal(g.Intersection(farmland).Area, t.Jcgdmj, 3);
            Assert.Equal(g.Intersection(basic).Area, t.Yjjbntmj, 3);
            Assert.Equal(t.Yjjbntmj > 0, t.Sfyn);
            // Farmland is masked on pixel centres, so at most half a pixel along the boundary may fall outside it.
            var outside = t.Jcmj - t.Jcgdmj;
            Assert.True(outside <= g.Length * Gsd / 2, $"{t.Jcbh}: {outside:0.0} m² off farmland");
            Assert.True(farmland.Contains(g.InteriorPoint), $"{t.Jcbh} lies off farmland");
        }
    }

    [Fact]
    public void RecordsCarryTheNationalFields()
    {
        var jcbh = sample.Tubans.Select(t => t.Jcbh).ToList();
        Assert.Equal(jcbh.Count, jcbh.Distinct().Count());
        foreach (var t in sample.Tubans)
        {
            Assert.Matches(@"^\d{6}WP25\d{5}$", t.Jcbh);
            Assert.StartsWith(t.Xzqdm, t.Jcbh);
            Assert.Contains(t.Xzqdm, new[] { "420506", "420582" });
            Assert.Equal("20250413", t.Qsx);
            Assert.Equal("20250808", t.Hsx);
            Assert.StartsWith("GF2_PMS1_", t.Qqjh);
            Assert.Equal("spectral-v1@1.0.0", t.Zdbh);
            Assert.InRange(t.Lzb, 111.0, 112.0);
            Assert.InRange(t.Bzb, 30.0, 31.0);
            Assert.InRange(t.Confidence, 0.5, 1.0);
            Assert.True(t.Geometry.Contains(new Point(t.X, t.Y)));
        }
    }

    internal static Geometry Union(string path, string layer, string? where)
    {
        using var ds = VectorDataset.Open(path);
        var l = ds.Layer(layer);
        l.SetAttributeFilter(where);
        var reader = new WKBReader();
        return UnaryUnionOp.Union(l.Features().Select(f => reader.Read(f.Wkb)).ToList());
    }
}
