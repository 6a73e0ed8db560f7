using System.Diagnostics;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;
using WeiPian.Synth;
using static WeiPian.Engine.Tests.Vector.PolygonizerOracle;

namespace WeiPian.Engine.Tests.Vector;

/// <summary>
/// <c>weipian polygonize</c> (<see cref="RasterPolygonizer"/>) writes, file to file, the features gdal_polygonize writes:
/// the same polygons with the same values, masked pixels skipped, the raster's CRS, re-read through OGR.
/// </summary>
public sealed class RasterPolygonizerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(PixelConnectivity.Four)]
    [InlineData(PixelConnectivity.Eight)]
    public void SynthesisedTruthGivesGdalsFeatures(PixelConnectivity connectivity)
    {
        // weipian synth --size 512 --seed 3 --changes-per-km2 3000: a truth raster with dozens of change polygons.
        var truth = SynthesisedTruth();
        var output = _dir.File("truth.gpkg");
        var result = RasterPolygonizer.Run(truth, output, new PolygonizeOptions { Connectivity = connectivity });

        var gdal = RunGdal(truth, 1, connectivity);
        Assert.True(gdal.Count >= 20, $"only {gdal.Count} polygons");
        var written = ReadBack(output, "truth", 4546);
        AssertSame(gdal, written, $"truth.tif {connectivity}");
        Assert.Equal(gdal.Count, result.Polygons);
    }

    [Fact]
    public async Task SameFeaturesAsTheGdalPolygonizeScript()
    {
        const string script = "/usr/bin/gdal_polygonize.py";
        if (!File.Exists(script)) Assert.Fail($"{script} is missing: apt-get install gdal-bin python3-gdal");
        var truth = SynthesisedTruth();
        var reference = _dir.File("reference.gpkg");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, "-q", "-8", truth, "-f", "GPKG", reference, "reference", "value" }) info.ArgumentList.Add(a);
        using (var p = Process.Start(info)!)
        {
            var errors = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, await errors);
        }
        var ours = _dir.File("ours.gpkg");
        RasterPolygonizer.Run(truth, ours, new PolygonizeOptions { Connectivity = PixelConnectivity.Eight });
        AssertSame(ReadBack(reference, "reference", 4546), ReadBack(ours, "ours", 4546), "gdal_polygonize.py -8 vs ours");
    }

    [RealDataFact]
    public void RealLandsatBandGivesGdalsFeatures()
    {
        // 791 x 718 Landsat-7 band, UTM 18N, nodata 0 around the swath: ~217 k polygons.
        var raster = TestPaths.Real("rasterio-tests", "RGB.byte.tif");
        var output = _dir.File("landsat.gpkg");
        RasterPolygonizer.Run(raster, output, new PolygonizeOptions { Band = 2 });
        var gdal = RunGdal(raster, 2, PixelConnectivity.Four);
        Assert.True(gdal.Count > 100_000, $"only {gdal.Count} polygons");
        AssertSame(gdal, ReadBack(output, "landsat", 32618), "RGB.byte.tif band 2");
    }

    [Fact]
    public void WideBandWithNoDataIsMaskedAsGdalMasksIt()
    {
        // UInt16 classes with nodata 65535: the band's mask, read from GDAL, skips the nodata pixels.
        var (w, h) = (203, 151);
        var classes = TestRasters.Blobs(w, h, seed: 9, radius: 2);
        var mask = TestRasters.Mask(w, h, 0.2, seed: 4);
        var values = classes.Select((v, i) => mask[i] == 0 ? (ushort)65535 : (ushort)(v * 40)).ToArray();
        var path = _dir.File("wide.tif");
        using (var raster = RasterDataset.CreateGeoTiff(path, w, h, 1, RasterDataType.UInt16))
        {
            raster.GeoTransform = GeoTransform.NorthUp(600_000, 3_300_000, 2);
            raster.SpatialReference = SpatialReference.FromEpsg(4546);
            raster.SetNoData(1, 65535);
            raster.Write<ushort>(1, raster.Extent, values);
        }
        var output = _dir.File("wide.gpkg");
        RasterPolygonizer.Run(path, output, new PolygonizeOptions { Connectivity = PixelConnectivity.Eight });
        var gdal = RunGdal(path, 1, PixelConnectivity.Eight);
        Assert.True(gdal.Count > 50, $"only {gdal.Count} polygons");
        AssertSame(gdal, ReadBack(output, "wide", 4546), "UInt16 with nodata");
    }

    [Theory]
    [InlineData("blobs.gpkg")]
    [InlineData("blobs.shp")]
    [InlineData("blobs.geojson")]
    public void EveryFormatReadsBackWithTheSameFeaturesAndCrs(string file)
    {
        var path = BlobRaster();
        var output = _dir.File(file);
        RasterPolygonizer.Run(path, output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, "*partial*"));
        var gdal = RunGdal(path, 1, PixelConnectivity.Four);
        using var ds = VectorDataset.Open(output);
        var layer = ds.Layer(0);
        Assert.Equal(4546, layer.SpatialReference!.Epsg);
        Assert.Equal(new FieldDefinition("value", FieldKind.Integer), layer.Fields[0] with { Width = 0, Precision = 0 });
        var written = FromLayer(layer);
        if (!file.EndsWith(".geojson", StringComparison.Ordinal))
        {
            AssertSame(gdal, written, file);
            return;
        }
        // GeoJSON keeps 15 significant digits: the same values, and areas to a thousandth of a square metre.
        Assert.Equal(gdal.Select(p => p.Value).Order(), written.Select(p => p.Value).Order());
        var (a, b) = (gdal.Select(p => p.Area).Order().ToList(), written.Select(p => p.Area).Order().ToList());
        Assert.All(a.Zip(b), p => Assert.Equal(p.First, p.Second, 3));
    }

    [Fact]
    public void FloatingPointBandIsRefusedAndNothingIsLeft()
    {
        var path = _dir.File("float.tif");
        using (var raster = RasterDataset.CreateGeoTiff(path, 16, 16, 1, RasterDataType.Float32))
            raster.Write<float>(1, raster.Extent, new float[256]);
        var output = _dir.File("float.gpkg");
        var e = Assert.Throws<InputException>(() => RasterPolygonizer.Run(path, output));
        Assert.Contains("Float32", e.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, "float.gpkg*"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, "*partial*"));
    }

    [RealDataFact]
    public void ValueAboveByteRangeStopsTheRunAndNothingIsLeft()
    {
        var output = _dir.File("rgba.gpkg");
        var e = Assert.Throws<InputException>(() => RasterPolygonizer.Run(TestPaths.Real("rasterio-tests", "RGBA.uint16.tif"), output));
        Assert.Matches(@"holds \d+ at column \d+, row \d+", e.Message);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, "*partial*"));
    }

    [Fact]
    public async Task CommandLineWritesTheSameFeatures()
    {
        var path = BlobRaster();
        var output = _dir.File("cli.shp");
        var (code, text) = await CliProcess.RunAsync(["polygonize", path, output, "--connectivity", "8", "--format", "ESRI Shapefile"]);
        Assert.True(code == 0, text);
        Assert.Contains("polygon(s)", text);
        AssertSame(RunGdal(path, 1, PixelConnectivity.Eight), ReadBack(output, "cli", 4546), "weipian polygonize -8");
        (code, text) = await CliProcess.RunAsync(["polygonize", path, _dir.File("x.gpkg"), "--connectivity", "6"]);
        Assert.Equal(2, code);
        Assert.Contains("--connectivity 6", text);
    }

    private string SynthesisedTruth()
    {
        var dir = _dir.File("synth");
        if (!File.Exists(Path.Combine(dir, "truth.tif")))
            SceneSynthesizer.Run(new SynthOptions { Size = 512, Seed = 3, WriteShapefiles = false, ChangesPerKm2 = 3000 }, dir);
        return Path.Combine(dir, "truth.tif");
    }

    /// <summary>A 3-class blob raster with holes and islands, 2 m pixels in EPSG:4546, nodata 2 (a class masked away).</summary>
    private string BlobRaster()
    {
        var (w, h) = (160, 120);
        var path = _dir.File("blobs.tif");
        using var raster = RasterDataset.CreateGeoTiff(path, w, h, 1, RasterDataType.Byte);
        raster.GeoTransform = GeoTransform.NorthUp(600_000, 3_300_000, 2);
        raster.SpatialReference = SpatialReference.FromEpsg(4546);
        raster.SetNoData(1, 2);
        raster.Write<byte>(1, raster.Extent, TestRasters.Blobs(w, h, seed: 5));
        return path;
    }

    private static List<CanonicalPolygon> ReadBack(string path, string layerName, int epsg)
    {
        using var ds = VectorDataset.Open(path);
        var layer = ds.Layer(layerName);
        Assert.Equal(epsg, layer.SpatialReference!.Epsg);
        Assert.Equal(FieldKind.Integer, layer.Fields.Single(f => f.Name == "value").Kind);
        return FromLayer(layer);
    }
}
