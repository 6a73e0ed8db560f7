using System.Text.RegularExpressions;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Output;

/// <summary>
/// GeoJSON output is longitude/latitude (RFC 7946) while its X, Y fields stay projected, and the README says so
/// instead of "in the scene's CRS" for every format.
/// </summary>
public class GeoJsonCrsTests(SampleDetection sample) : IClassFixture<SampleDetection>
{
    [Fact]
    public void GeometriesAreLongitudeLatitudeAndXYStayProjected()
    {
        using var dir = new TempDir();
        var path = dir.File("tuban.geojson");
        TubanWriter.Write(path, SpatialReference.FromEpsg(4546), sample.Tubans);
        using var ds = VectorDataset.Open(path);
        var layer = ds.Layer(0);
        Assert.Equal(4326, layer.SpatialReference!.Epsg);
        var reader = new WKBReader();
        var byJcbh = sample.Tubans.ToDictionary(t => t.Jcbh);
        var features = layer.Features().ToList();
        Assert.Equal(sample.Tubans.Count, features.Count);
        foreach (var f in features)
        {
            var t = byJcbh[f.GetString("JCBH")!];
            var e = reader.Read(f.Wkb).EnvelopeInternal;
            // The geometry sits around the point's CGCS2000 longitude/latitude (CGCS2000 and WGS84 agree to centimetres).
            Assert.InRange(t.Lzb, e.MinX - 1e-6, e.MaxX + 1e-6);
            Assert.InRange(t.Bzb, e.MinY - 1e-6, e.MaxY + 1e-6);
            Assert.Equal(t.X, f.GetDouble("X")!.Value, 2);
            Assert.Equal(t.Y, f.GetDouble("Y")!.Value, 2);
            Assert.True(f.GetDouble("X") > 1000, "X is a projected easting, not a longitude");
        }
    }

    [Fact]
    public void ReadmeSaysWhichCrsEachFormatUses()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("### What `detect` writes", StringComparison.Ordinal)..];
        section = Regex.Replace(section[..section.IndexOf("| field | meaning |", StringComparison.Ordinal)], @"\s+", " ");
        Assert.Contains("GeoJSON is in longitude/latitude, EPSG:4326", section);
        Assert.Contains("the X, Y fields stay projected in the scene's CRS", section);
    }
}
