using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;
using WeiPian.Synth;
using static WeiPian.Engine.Tests.Vector.PolygonizerOracle;

namespace WeiPian.Engine.Tests.Vector;

/// <summary>The polygoniser on synthesised change truth (truth.tif: 0 no change, 1..4 change classes), read strip by
/// strip from the GeoTIFF as the pipeline does, against GDALPolygonize on the same pixels.</summary>
public sealed class PolygonizerSynthTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(PixelConnectivity.Four, null, 25)]
    [InlineData(PixelConnectivity.Eight, null, 25)]
    [InlineData(PixelConnectivity.Four, (byte)0, 25)]
    [InlineData(PixelConnectivity.Eight, (byte)0, 25)]
    [InlineData(PixelConnectivity.Four, (byte)0, 3000)]
    [InlineData(PixelConnectivity.Eight, null, 3000)]
    public void SynthesisedTruthEqualsGdal(PixelConnectivity connectivity, byte? noData, double changesPerKm2)
    {
        // weipian synth --size 512 --seed 3 (25 changes per km²: a handful), and a denser variant.
        SceneSynthesizer.Run(new SynthOptions { Size = 512, Seed = 3, WriteShapefiles = false, ChangesPerKm2 = changesPerKm2 }, _dir.Path);
        Check(Path.Combine(_dir.Path, "truth.tif"), connectivity, noData, strip: 64, minPolygons: changesPerKm2 > 100 ? 20 : 2);
    }

    [Theory]
    [InlineData(PixelConnectivity.Four)]
    [InlineData(PixelConnectivity.Eight)]
    public void SampleTruthEqualsGdal(PixelConnectivity connectivity) =>
        Check(Path.Combine(TestPaths.SampleTiles, "truth.tif"), connectivity, 0, strip: 256, minPolygons: 10);

    private static void Check(string path, PixelConnectivity connectivity, byte? noData, int strip, int minPolygons)
    {
        using var raster = RasterDataset.Open(path);
        Assert.Equal(RasterDataType.Byte, raster.DataType(1));
        var (w, h) = (raster.Width, raster.Height);
        var transform = raster.GeoTransform;

        var store = new PolygonStore();
        var p = new Polygonizer(w, store, connectivity, transform, noData);
        var buffer = new byte[strip * w];
        var all = new byte[w * h];
        for (var y = 0; y < h; y += strip)
        {
            var rows = Math.Min(strip, h - y);
            raster.Read<byte>(1, new PixelWindow(0, y, w, rows), buffer.AsSpan(0, rows * w));
            p.Push(buffer.AsSpan(0, rows * w));
            buffer.AsSpan(0, rows * w).CopyTo(all.AsSpan(y * w));
        }
        p.Finish();

        var ours = Enumerable.Range(0, store.Count).Select(i => store[i].ToClassPolygon()).ToList();
        var gdal = RunGdal(all, w, h, connectivity, transform, noData);
        Assert.True(gdal.Count >= minPolygons, $"only {gdal.Count} polygons in {path}");
        AssertSame(gdal, Canonical(ours), Path.GetFileName(path));
        // The invariant of GDAL's own tests: per value, polygon area = pixel count x pixel area.
        foreach (var value in all.Distinct().Where(v => v != noData))
        {
            var pixels = all.LongCount(v => v == value);
            var area = ours.Where(q => q.Value == value).Sum(q => q.ToPolygon().Area);
            Assert.Equal(pixels * 0.64, area, 1e-9 * pixels * 0.64);
        }
    }
}
