using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Output;

/// <summary>Every delivery format re-reads through OGR with the same features, fields (Chinese intact) and CRS.</summary>
public class TubanFormatTests(SampleDetection sample) : IClassFixture<SampleDetection>
{
    [Theory]
    [InlineData("tuban.gpkg", null, 4546)]
    [InlineData("tuban.shp", "GBK", 4546)]
    [InlineData("tuban.shp", "UTF-8", 4546)]
    [InlineData("tuban.gdb", null, 4546)]
    [InlineData("tuban.geojson", null, 4326)]
    public void WrittenPolygonsReadBackIntact(string file, string? encoding, int epsg)
    {
        using var dir = new TempDir();
        var path = dir.File(file);
        var crs = SpatialReference.FromEpsg(4546);
        using (var sink = TubanWriter.Create(path, crs, TubanWriter.FormatOf(path), encoding ?? "GBK"))
        {
            foreach (var t in sample.Tubans) sink.Add(t);
            sink.Commit();
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path, "*partial*"));
        if (encoding is not null)
            Assert.Equal(encoding, File.ReadAllText(Path.ChangeExtension(path, ".cpg")).Trim());

        using var ds = VectorDataset.Open(path);
        var layer = ds.Layer(0);
        Assert.Equal(epsg, layer.SpatialReference!.Epsg);
        Assert.All(TubanSchema.Definitions, f => Assert.True(layer.FieldIndex(f.Name) >= 0, $"{file} lacks field {f.Name}"));
        var read = layer.Features().ToList();
        Assert.Equal(sample.Tubans.Count, read.Count);
        var reader = new WKBReader();
        Assert.All(sample.Tubans, t => Assert.Matches(@"^\p{IsCJKUnifiedIdeographs}+[区市县]$", t.Xzqmc));
        foreach (var (t, f) in sample.Tubans.OrderBy(t => t.Jcbh).Zip(read.OrderBy(f => f.GetString("JCBH"))))
        {
            Assert.Equal(t.Jcbh, f.GetString("JCBH"));
            Assert.Equal(ChangeTypes.ChineseName(t.Tblx), f.GetString("TBLXMC"));
            Assert.Equal(t.Xzqmc, f.GetString("XZQMC"));
            // Every field as written: text exactly (Chinese included), numbers to the precision of the field.
            var values = TubanSchema.Values(t);
            for (var i = 0; i < values.Length; i++)
            {
                var field = TubanSchema.Definitions[i];
                switch (values[i])
                {
                    case string text: Assert.Equal(text, f.GetString(field.Name)); break;
                    case int n: Assert.Equal(n, f.GetInt64(field.Name)); break;
                    case double d:
                        var tolerance = 0.5 * Math.Pow(10, -Math.Max(field.Precision, 2)) + 1e-9 * Math.Abs(d);
                        Assert.True(Math.Abs(d - f.GetDouble(field.Name)!.Value) <= tolerance, $"{file} {t.Jcbh} {field.Name}: {d} vs {f.GetDouble(field.Name)}");
                        break;
                }
            }
            var g = reader.Read(f.Wkb);
            // FileGDB snaps coordinates to its XY resolution (below a millimetre), hence areas to 0.01 m².
            if (epsg == 4546) Assert.Equal(t.Geometry.Area, g.Area, 2);
            else Assert.True(g.EnvelopeInternal.Contains(t.Lzb, t.Bzb), $"{t.Jcbh}: GeoJSON is in longitude/latitude");
        }
    }
}
