using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Recheck;

/// <summary>
/// A hand-made recheck case with known answers: a reference date of crops everywhere and a newest date where each
/// earlier polygon shows one situation (crops back, a roof, half roof half soil, cloud, a little cloud, half off the
/// image, wholly off it), 4-band UInt16 B,G,R,NIR GeoTIFFs in EPSG:4546 at 0.8 m, and the polygons in a GeoPackage.
/// </summary>
public sealed class RecheckWorld : IDisposable
{
    public const double Left = 500_000, Top = 3_001_000, Gsd = 0.8;
    public const int Width = 300, Height = 260;

    // Reflectance x 1000 + haze, B, G, R, NIR.
    public static readonly ushort[] Crops = [60, 93, 50, 425];
    public static readonly ushort[] Soil = [126, 148, 170, 225];
    public static readonly ushort[] Roof = [356, 358, 360, 375];

    /// <summary>Polygons in pixel rectangles (column, row, width, height) and what the newest date shows there.</summary>
    public static readonly IReadOnlyList<(string Jcbh, int X, int Y, int W, int H)> Polygons =
    [
        ("RESTORED", 20, 20, 40, 40),
        ("ROOF", 90, 20, 40, 40),
        ("HALF", 160, 20, 40, 40),     // west half roof, east half soil
        ("CLOUD", 20, 110, 40, 40),    // all nodata
        ("SPECK", 90, 110, 40, 40),    // 4 of 40 rows nodata: 10 %
        ("EDGE", 280, 110, 40, 40),    // half beyond the right edge
        ("OUTSIDE", 400, 110, 40, 40), // wholly beyond it
    ];

    private readonly TempDir _dir = new();

    public RecheckWorld()
    {
        Write(Reference, (_, _) => Crops, "20240310");
        Write(Newest, NewestPixel, "20250620");
        WritePolygons(PolygonsPath);
    }

    public string Reference => _dir.File("reference.tif");
    public string Newest => _dir.File("newest.tif");
    public string PolygonsPath => _dir.File("earlier.gpkg");
    public string File(string name) => _dir.File(name);

    private static ushort[]? NewestPixel(int c, int r)
    {
        if (In("ROOF", c, r)) return Roof;
        if (In("HALF", c, r)) return c < 180 ? Roof : Soil;
        if (In("CLOUD", c, r)) return null;
        if (In("SPECK", c, r) && r < 114) return null;
        return Crops;
    }

    private static bool In(string jcbh, int c, int r)
    {
        var p = Polygons.Single(p => p.Jcbh == jcbh);
        return c >= p.X && c < p.X + p.W && r >= p.Y && r < p.Y + p.H;
    }

    public static Polygon Rectangle(int x, int y, int w, int h)
    {
        double x0 = Left + x * Gsd, x1 = Left + (x + w) * Gsd, y0 = Top - y * Gsd, y1 = Top - (y + h) * Gsd;
        return new GeometryFactory().CreatePolygon([new(x0, y0), new(x1, y0), new(x1, y1), new(x0, y1), new(x0, y0)]);
    }

    private static void Write(string path, Func<int, int, ushort[]?> pixel, string date)
    {
        using var ds = RasterDataset.CreateGeoTiff(path, Width, Height, 4, RasterDataType.UInt16);
        ds.GeoTransform = GeoTransform.NorthUp(Left, Top, Gsd);
        ds.SpatialReference = SpatialReference.FromEpsg(4546);
        string[] names = ["B", "G", "R", "NIR"];
        for (var b = 1; b <= 4; b++)
        {
            ds.SetNoData(b, 0);
            ds.SetBandDescription(b, names[b - 1]);
        }
        ds.SetMetadataItem("ACQUISITION_DATE", $"{date[..4]}-{date[4..6]}-{date[6..]}");
        var plane = Width * Height;
        var values = new ushort[4 * plane];
        for (var r = 0; r < Height; r++)
            for (var c = 0; c < Width; c++)
            {
                var v = pixel(c, r);
                for (var b = 0; b < 4; b++) values[b * plane + r * Width + c] = v is null ? (ushort)0 : (ushort)(v[b] + ((c + r) & 1)); // a one-DN checkerboard: a constant band is refused as no data
            }
        ds.WriteBands<ushort>(ds.Extent, values);
    }

    private static void WritePolygons(string path)
    {
        using var ds = VectorDataset.Create(path, "GPKG");
        var layer = ds.CreateLayer("tuban", GeometryKind.Polygon, SpatialReference.FromEpsg(4546),
            [new FieldDefinition("JCBH", FieldKind.String, 30), new FieldDefinition("TBLX", FieldKind.String, 4), new FieldDefinition("HSX", FieldKind.String, 8)]);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
        foreach (var (jcbh, x, y, w, h) in Polygons) layer.Add(wkb.Write(Rectangle(x, y, w, h)), [jcbh, "20", "20240901"]);
    }

    public void Dispose() => _dir.Dispose();
}
