using NetTopologySuite.Densify;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Masks;

/// <summary>
/// --mask-before / --mask-after exclude pixels from change as nodata does: a raster on the scene grid (nonzero
/// excludes, its nodata does not) and a vector layer in any CRS give the same polygons for the same area.
/// </summary>
public sealed class ExclusionMaskTests : IDisposable
{
    private const int Side = 1024;
    private const int Half = 512;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<List<Tuban>> Detect(DetectionOptions options) => SampleDetection.DetectAllLand(options);

    private static GeoTransform Transform
    {
        get
        {
            using var scene = RasterDataset.Open(SampleDetection.SamplePath("before.tif"));
            return scene.GeoTransform;
        }
    }

    // A byte raster on the sample's grid (or offset by whole pixels) whose left columns hold `value`.
    private string RasterMask(string name, byte value, double? nodata = null, int offsetColumns = 0, double pixel = 0.8, int firstColumn = 0)
    {
        var path = _dir.File(name);
        using var ds = RasterDataset.CreateGeoTiff(path, Side, Side, 1, RasterDataType.Byte);
        var t = Transform;
        ds.GeoTransform = GeoTransform.NorthUp(t.OriginX + offsetColumns * t.PixelWidth, t.OriginY, pixel);
        ds.SpatialReference = SpatialReference.FromEpsg(4546);
        if (nodata is { } nd) ds.SetNoData(1, nd);
        var pixels = new byte[Side * Side];
        for (var r = 0; r < Side; r++) pixels.AsSpan(r * Side + firstColumn - offsetColumns, Half - firstColumn).Fill(value);
        ds.Write<byte>(1, ds.Extent, pixels);
        return path;
    }

    // The left half of the sample as a polygon layer in EPSG:4546 or reprojected (densified) to another CRS.
    private string VectorMask(string name, int epsg)
    {
        var t = Transform;
        var (x0, y0) = t.PixelToWorld(-10, -10);
        var (x1, y1) = t.PixelToWorld(Half, Side + 10);
        Geometry rectangle = new GeometryFactory().ToGeometry(new Envelope(x0, x1, y0, y1));
        var crs = SpatialReference.FromEpsg(epsg);
        if (epsg != 4546)
        {
            using var toLayer = new CoordinateTransform(SpatialReference.FromEpsg(4546), crs);
            rectangle = Reprojection.Apply(Densifier.Densify(rectangle, 1.0), toLayer);
        }
        var path = _dir.File(name);
        using var ds = VectorDataset.Create(path, "GPKG");
        var layer = ds.CreateLayer("mask", GeometryKind.Polygon, crs, [new FieldDefinition("what", FieldKind.String, 10)]);
        layer.Add(new WKBWriter(ByteOrder.LittleEndian, false, false).Write(rectangle), ["cloud"]);
        return path;
    }

    private static double Middle => Transform.PixelToWorld(Half, 0).X;

    private static List<string> Shapes(IEnumerable<Tuban> tubans) => [.. tubans.Select(t => t.Geometry.AsText()).Order()];

    [Fact]
    public async Task RasterAndVectorMasksExcludeTheSamePixels()
    {
        var none = await Detect(new DetectionOptions());
        Assert.Contains(none, t => t.Geometry.EnvelopeInternal.MinX < Middle);

        var raster = await Detect(new DetectionOptions { AfterMask = RasterMask("mask.tif", 1) });
        Assert.NotEmpty(raster);
        Assert.All(raster, t => Assert.True(t.Geometry.EnvelopeInternal.MinX >= Middle, $"{t.Jcbh} reaches into the mask"));
        Assert.True(raster.Count < none.Count);

        // The same area as polygons, in the scene's CRS: the pixel-centre rule gives exactly the same pixels.
        var vector = await Detect(new DetectionOptions { BeforeMask = VectorMask("mask.gpkg", 4546) });
        Assert.Equal(Shapes(raster), Shapes(vector));

        // In geographic coordinates (CGCS2000): reprojected onto the grid; the edge may move by a pixel at most.
        var geographic = await Detect(new DetectionOptions { BeforeMask = VectorMask("mask-4490.gpkg", 4490) });
        Assert.All(geographic, t => Assert.True(t.Geometry.EnvelopeInternal.MinX >= Middle - 0.8, $"{t.Jcbh} reaches into the mask"));
        Assert.Equal(Shapes(raster.Where(t => t.Geometry.EnvelopeInternal.MinX > Middle + 2)), Shapes(geographic.Where(t => t.Geometry.EnvelopeInternal.MinX > Middle + 2)));
    }

    [Fact]
    public async Task RasterMaskOnTheAfterGridOffsetByWholePixelsAndItsNodataIsHonoured()
    {
        // Columns 300..511 excluded by a mask on the scene's grid, and by one on a grid that starts 300 columns further
        // east (its columns 0..211 are the scene's 300..511; the scene's columns 0..299 lie outside it).
        var direct = await Detect(new DetectionOptions { AfterMask = RasterMask("mask.tif", 1, firstColumn: 300) });
        var offset = await Detect(new DetectionOptions { AfterMask = RasterMask("mask-east.tif", 1, offsetColumns: 300, firstColumn: 300) });
        var covered = await Detect(new DetectionOptions());
        Assert.NotEqual(Shapes(covered), Shapes(direct));
        Assert.Equal(Shapes(direct), Shapes(offset));

        // A mask whose every pixel is its nodata value excludes nothing.
        var nodata = await Detect(new DetectionOptions { AfterMask = RasterMask("mask-nodata.tif", 7, nodata: 7) });
        Assert.Equal(Shapes(covered), Shapes(nodata));
    }

    [Fact]
    public async Task MaskOnAnotherGridOrNotAMaskIsRefused()
    {
        var e = await Assert.ThrowsAsync<InputException>(() => Detect(new DetectionOptions { BeforeMask = RasterMask("coarse.tif", 1, pixel: 1.6) }));
        Assert.Equal(nameof(DetectionOptions.BeforeMask), e.Setting);
        Assert.Contains("is not on the scene's pixel grid", e.Message);

        File.WriteAllText(_dir.File("notes.txt"), "clouds somewhere");
        e = await Assert.ThrowsAsync<InputException>(() => Detect(new DetectionOptions { AfterMask = _dir.File("notes.txt") }));
        Assert.Equal(nameof(DetectionOptions.AfterMask), e.Setting);
        Assert.Equal($"Mask '{_dir.File("notes.txt")}' is neither a raster nor a vector layer GDAL reads.", e.Message);

        var (code, stderr) = await CliProcess.RunForErrorAsync(["detect", "--before", SampleDetection.SamplePath("before.tif"),
            "--after", SampleDetection.SamplePath("after.tif"), "--all-land", "--out", _dir.File("o.gpkg"), "--mask-after", _dir.File("missing.gpkg")]);
        Assert.Equal(2, code);
        Assert.Equal($"weipian: Mask '{_dir.File("missing.gpkg")}' does not exist. (--mask-after)", stderr);
    }
}
