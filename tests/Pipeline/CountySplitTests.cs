using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// A change crossing a county border becomes one record per county, each with its own county code and name and its own
/// areas: checked against an independent overlay (the class raster polygonised by GDAL, the counties and the survey
/// read through OGR, intersected with NetTopologySuite's own Intersection). Split by county, the files together are the
/// single output, record for record.
/// </summary>
public class CountySplitTests(CountyBorderScene scene) : IClassFixture<CountyBorderScene>
{
    [Fact]
    public void PiecesAgreeWithAnIndependentOverlay()
    {
        var options = new DetectionOptions();
        var card = ChangeModel.ReadCard(SampleDetection.Model);
        var farmland = FarmlandAttributeTests.Union(scene.SurveyPath, "DLTB", "DLBM IN ('0101','0102','0103')");
        var basic = FarmlandAttributeTests.Union(scene.SurveyPath, "YJJBNTTB", null);
        var counties = ReadCounties(scene.SurveyPath);

        // The changes as detected: the class raster (nodata 0) polygonised by GDAL, at or above the minimum area.
        var expected = new List<(string Code, string Name, Geometry Piece)>();
        var crossing = 0;
        foreach (var (value, whole) in GdalPolygons(scene.ClassRasterPath))
        {
            if (whole.Area < options.MinimumAreaFor(card.Classes[value].Tblx)) continue;
            var inCounties = 0;
            foreach (var (code, name, outline) in counties)
            {
                var part = whole.Intersection(outline);
                var found = false;
                for (var i = 0; i < part.NumGeometries; i++)
                    if (part.GetGeometryN(i) is Polygon { Area: > 0 } p)
                    {
                        expected.Add((code, name, p));
                        found = true;
                    }
                if (found) inCounties++;
            }
            if (inCounties > 1) crossing++;
        }
        Assert.True(crossing >= 2, $"only {crossing} detected change(s) cross the redrawn border");

        var written = BatchTubanFile.Read(scene.OutputPath).Polygons.Select(p => p.Tuban).ToList();
        Assert.Equal(expected.Count, written.Count);
        Assert.Equal(written.Count, written.Select(t => t.Jcbh).Distinct().Count());
        foreach (var (code, name, piece) in expected)
        {
            var t = written.SingleOrDefault(t => t.Xzqdm == code && t.Geometry.SymmetricDifference(piece).Area < 1e-6 * piece.Area);
            Assert.True(t is not null, $"no record in {code} for the piece of {piece.Area:0.00} m² at {piece.InteriorPoint}");
            Assert.Equal(name, t.Xzqmc);
            Assert.StartsWith(code + "WP25", t.Jcbh);
            Assert.Equal(piece.Area, t.Jcmj, 0.006);
            Assert.Equal(piece.Intersection(farmland).Area, t.Jcgdmj, 0.006);
            var onBasic = piece.Intersection(basic).Area;
            Assert.Equal(onBasic, t.Yjjbntmj, 0.006);
            Assert.Equal(onBasic > 0, t.Sfyn);
            Assert.True(piece.Contains(new Point(t.X, t.Y)), $"{t.Jcbh}: its point lies outside the piece");
        }
    }

    [Fact]
    public void CountyFilesTogetherAreTheSingleOutput()
    {
        Assert.Equal(CountyBorderScene.CountyNames.Select(c => CountySplitSink.PathFor(scene.SplitPath, c.Code)), scene.SplitFiles);
        Assert.False(File.Exists(scene.SplitPath));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(scene.SplitPath)!, "*partial*"));
        var single = BatchTubanFile.Read(scene.OutputPath).Polygons.Select(p => p.Tuban).OrderBy(t => t.Jcbh, StringComparer.Ordinal).ToList();
        var parts = new List<Tuban>();
        foreach (var file in scene.SplitFiles)
        {
            var county = Path.GetFileNameWithoutExtension(file)[^6..];
            var (crs, polygons) = BatchTubanFile.Read(file);
            Assert.Equal(4546, crs!.Epsg);
            Assert.All(polygons, p => Assert.Equal(county, p.Tuban.Xzqdm));
            parts.AddRange(polygons.Select(p => p.Tuban));
        }
        parts.Sort((a, b) => string.CompareOrdinal(a.Jcbh, b.Jcbh));
        // Two separate runs of the same input: the same numbering, fields and geometry.
        Assert.Equal(single.Count, parts.Count);
        foreach (var (a, b) in single.Zip(parts))
        {
            Assert.Equal(TubanSchema.Values(a), TubanSchema.Values(b));
            Assert.True(a.Geometry.EqualsExact(b.Geometry), $"{a.Jcbh}: geometry differs");
        }
    }

    private static List<(string Code, string Name, Geometry Outline)> ReadCounties(string survey)
    {
        using var ds = VectorDataset.Open(survey);
        var reader = new WKBReader();
        return ds.Layer("XZQ").Features().Select(f => (f.GetString("XZQDM")!, f.GetString("XZQMC")!, reader.Read(f.Wkb))).ToList();
    }

    private static List<(int Value, Geometry Polygon)> GdalPolygons(string classRaster)
    {
        using var raster = RasterDataset.Open(classRaster);
        using var mem = VectorDataset.CreateInMemory();
        var layer = mem.CreateLayer("p", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GdalReference.Polygonize(raster, 1, layer, 0);
        var reader = new WKBReader();
        return layer.Features().Select(f => ((int)f.GetInt64("value")!.Value, reader.Read(f.Wkb))).Where(p => p.Item1 != 0).ToList();
    }
}
