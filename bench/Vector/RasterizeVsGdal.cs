using System.Diagnostics;
using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Vector;

namespace WeiPian.Bench.Vector;

/// <summary>
/// <c>WeiPian.Bench rasterize-vs-gdal [--parcels DIR] [--survey survey.gpkg --grid before.tif] [--size 8192] [--repeat 3]</c>:
/// the engine's <see cref="PolygonRasterizer"/> against GDALRasterizeLayers (pixel-centre rule, burn value 1) on the same
/// polygons and grid, single thread, best of <c>--repeat</c> runs each, and the speed-up; the masks are compared pixel
/// for pixel. Each layer under <c>--parcels</c> is burnt on a grid over its extent, <c>--size</c> pixels on the longer
/// side; a survey's farmland (DLTB 0101/0102/0103) is burnt on the grid of <c>--grid</c>, as the pipeline does, and also
/// strip by strip (512 rows, parcels found through a spatial index), which is how the pipeline calls it.
/// Both sides start from polygons in memory: NTS geometries for ours, an in-memory OGR layer for GDAL.
/// </summary>
public static class RasterizeVsGdal
{
    private const int StripRows = 512;

    public static int Run(string[] args)
    {
        string? parcels = null, survey = null, grid = null;
        var size = 8192;
        var repeat = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--parcels": parcels = args[++i]; break;
                case "--survey": survey = args[++i]; break;
                case "--grid": grid = args[++i]; break;
                case "--size": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    return 2;
            }
        }
        var cases = new List<Case>();
        if (parcels is not null)
            foreach (var file in Directory.EnumerateFiles(parcels, "*.*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (Path.GetExtension(file) is ".gpkg" or ".shp") cases.Add(ParcelCase(file, size));
        if (survey is not null && grid is not null) cases.Add(SurveyCase(survey, grid));
        if (cases.Count == 0)
        {
            Console.Error.WriteLine("Give --parcels DIR and/or --survey FILE --grid RASTER.");
            return 2;
        }

        // Let the JIT tier ours up first (GDAL is compiled code): a few untimed burns of the first case.
        for (var k = 0; k < 3; k++) TimeOurs(cases[0], new byte[cases[0].Width * cases[0].Height]);
        Console.WriteLine($"pixel-centre rule, burn 1, single thread, best of {repeat}");
        foreach (var c in cases)
        {
            var ours = new byte[(long)c.Width * c.Height];
            var strips = new byte[ours.Length];
            var gdal = new byte[ours.Length];
            double oursBest = double.MaxValue, stripsBest = double.MaxValue, gdalBest = double.MaxValue;
            using var layerSource = VectorDataset.CreateInMemory();
            var layer = layerSource.CreateLayer("polygons", GeometryKind.Unknown, null, []);
            var wkb = new WKBWriter();
            foreach (var p in c.Polygons) layer.Add(wkb.Write(p), []);
            for (var k = 0; k < repeat; k++)
            {
                Array.Clear(ours);
                oursBest = Math.Min(oursBest, TimeOurs(c, ours));
                Array.Clear(strips);
                stripsBest = Math.Min(stripsBest, TimeStrips(c, strips));
                gdalBest = Math.Min(gdalBest, TimeGdal(c, layer, gdal));
            }
            var differ = CountDifferences(ours, gdal) + CountDifferences(strips, gdal);
            Console.WriteLine(FormattableString.Invariant(
                $"{c.Name,-56} {c.Width,5} x {c.Height,-5} {c.Polygons.Count,7:N0} polygons {c.Vertices,10:N0} vertices {ours.Count(v => v != 0),12:N0} px burnt | ")
                + FormattableString.Invariant(
                $"ours {oursBest * 1e3,8:F2} ms, strips {stripsBest * 1e3,8:F2} ms | GDAL {gdalBest * 1e3,8:F1} ms | speed-up x{gdalBest / oursBest:F1} (strips x{gdalBest / stripsBest:F1})")
                + (differ == 0 ? "" : $"  {differ} PIXELS DIFFER"));
        }
        return 0;
    }

    private sealed record Case(string Name, List<Geometry> Polygons, GeoTransform Transform, int Width, int Height)
    {
        public long Vertices => Polygons.Sum(p => (long)p.NumPoints);
    }

    private static Case ParcelCase(string file, int size)
    {
        using var ds = VectorDataset.Open(file);
        var layer = ds.Layer(0);
        var reader = new WKBReader();
        var polygons = layer.Features().Where(f => f.Wkb is not null).Select(f => reader.Read(f.Wkb))
            .Where(g => g.Dimension == Dimension.Surface).ToList();
        var e = new Envelope();
        foreach (var p in polygons) e.ExpandToInclude(p.EnvelopeInternal);
        var pixel = Math.Max(e.Width, e.Height) / (size - 2);
        var (w, h) = ((int)Math.Ceiling(e.Width / pixel) + 2, (int)Math.Ceiling(e.Height / pixel) + 2);
        var name = $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}";
        return new Case(name, polygons, GeoTransform.NorthUp(e.MinX - pixel, e.MaxY + pixel, pixel), w, h);
    }

    private static Case SurveyCase(string survey, string gridRaster)
    {
        using var raster = RasterDataset.Open(gridRaster);
        var t = raster.GeoTransform;
        var (x1, y1) = t.PixelToWorld(raster.Width, raster.Height);
        var crs = raster.SpatialReference ?? throw new ArgumentException($"'{gridRaster}' has no CRS.");
        var farmland = LandSurvey.Load(survey, crs, new BoundingBox(t.OriginX, y1, x1, t.OriginY)).Farmland.ToList();
        return new Case($"{Path.GetFileName(survey)} farmland on {Path.GetFileName(gridRaster)}", farmland, t, raster.Width, raster.Height);
    }

    private static double TimeOurs(Case c, byte[] mask)
    {
        var sw = Stopwatch.StartNew();
        foreach (var p in c.Polygons) PolygonRasterizer.Burn(p, c.Transform, c.Width, c.Height, mask);
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>As the pipeline masks farmland: strip by strip, the parcels near each strip from a spatial index.</summary>
    private static double TimeStrips(Case c, byte[] mask)
    {
        var sw = Stopwatch.StartNew();
        var index = new STRtree<Geometry>();
        foreach (var p in c.Polygons) index.Insert(p.EnvelopeInternal, p);
        index.Build();
        for (var y = 0; y < c.Height; y += StripRows)
        {
            var rows = Math.Min(StripRows, c.Height - y);
            var t = c.Transform.Offset(0, y);
            var (ax, ay) = t.PixelToWorld(0, 0);
            var (bx, by) = t.PixelToWorld(c.Width, rows);
            var span = mask.AsSpan(y * c.Width, rows * c.Width);
            foreach (var p in index.Query(new Envelope(ax, bx, ay, by))) PolygonRasterizer.Burn(p, t, c.Width, rows, span);
        }
        return sw.Elapsed.TotalSeconds;
    }

    private static double TimeGdal(Case c, VectorLayer layer, byte[] mask)
    {
        using var raster = RasterDataset.CreateInMemory(c.Width, c.Height, 1, RasterDataType.Byte);
        raster.GeoTransform = c.Transform;
        var sw = Stopwatch.StartNew();
        GdalReference.RasterizeLayers(raster, 1, [layer], [1.0]);
        var seconds = sw.Elapsed.TotalSeconds;
        raster.Read<byte>(1, raster.Extent, mask);
        return seconds;
    }

    private static long CountDifferences(byte[] a, byte[] b)
    {
        long n = 0;
        for (var i = 0; i < a.Length; i++) if (a[i] != b[i]) n++;
        return n;
    }
}
