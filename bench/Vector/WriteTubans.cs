using System.Diagnostics;
using System.Globalization;
using NetTopologySuite.Geometries;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Bench.Vector;

/// <summary>
/// <c>WeiPian.Bench write-tubans [--count 100000] [--formats gpkg,shp,geojson,gdb] [--dir DIR]</c>: writes that many
/// 图斑 records (all national fields, Chinese text, real pixel-edge polygons from the blocks6 raster, ~5 vertices each)
/// through <see cref="TubanWriter"/> in each format, atomically as detect does, and prints the time and records per
/// second of each, with the file size.
/// </summary>
public static class WriteTubans
{
    public static int Run(string[] args)
    {
        var count = 100_000;
        var formats = new[] { "gpkg", "shp", "geojson", "gdb" };
        var dir = Path.Combine(Path.GetTempPath(), "weipian-write-tubans");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--formats": formats = args[++i].Split(','); break;
                case "--dir": dir = args[++i]; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    return 2;
            }
        }
        Directory.CreateDirectory(dir);
        var tubans = Make(count);
        var crs = SpatialReference.FromEpsg(4546);
        // Warm the writers' code paths (JIT, GDAL drivers) on a few records, untimed.
        foreach (var f in formats) TubanWriter.Write(Path.Combine(dir, "warm." + f), crs, tubans.Take(100));
        Console.WriteLine($"{tubans.Count:N0} records, {tubans.Sum(t => t.Geometry.NumPoints):N0} vertices");
        foreach (var f in formats)
        {
            var path = Path.Combine(dir, "tuban." + f);
            GC.Collect();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var written = TubanWriter.Write(path, crs, tubans);
            var seconds = sw.Elapsed.TotalSeconds;
            var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{f,-8} {written,8:N0} records {seconds,7:F2} s (cpu {cpuSeconds:F2} s) {written / seconds,9:N0} records/s {Bytes(path) / 1048576.0,8:F1} MB"));
        }
        return 0;
    }

    /// <summary>Records with every field set, geometries from the 4096² blocks6 raster (pixel edges, 0.8 m).</summary>
    private static List<Tuban> Make(int count)
    {
        const int size = 4096;
        var pixels = ClassRasters.Make("blocks6", size);
        var transform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
        var geometries = new List<Polygon>(count);
        var polygonizer = new Polygonizer(size, p => { if (geometries.Count < count) geometries.Add(p.ToPolygon()); }, PixelConnectivity.Four, transform);
        for (var y = 0; y < size && geometries.Count < count; y += 256) polygonizer.Push(pixels.AsSpan(y * size, 256 * size));
        polygonizer.Finish();
        if (geometries.Count < count) throw new ArgumentException($"The raster gives only {geometries.Count} polygons.");
        string[] types = ["20", "KT", "CK", "SN"];
        string[] names = ["building", "pond", "mining", "facility agriculture"];
        return geometries.Select((g, i) =>
        {
            var point = g.InteriorPoint;
            var c = i % 4;
            return new Tuban
            {
                Jcbh = string.Create(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? "420506" : "420582")}WP25{i / 2 + 1:00000}"),
                Xzqdm = i % 2 == 0 ? "420506" : "420582",
                Xzqmc = i % 2 == 0 ? "夷陵区" : "当阳市",
                Tblx = types[c], Qsx = "20250413", Hsx = "20250808",
                Qqjh = "GF2_PMS1_E111.5_N30.5_20250413_L1A0001234567", Dqjh = "GF2_PMS2_E111.5_N30.5_20250808_L1A0007654321",
                Jcmj = g.Area, Jcgdmj = g.Area * 0.8, Yjjbntmj = g.Area * 0.3, Sfyn = true,
                X = point.X, Y = point.Y, Lzb = 111.5 + point.X * 1e-7, Bzb = 30.5 + point.Y * 1e-8,
                Zdbh = "spectral-v1@1.0.0", Zdlx = names[c], Fxfs = "WeiPian.Engine 0.1.0 / spectral-v1@1.0.0",
                Confidence = 0.5 + (i % 50) / 100.0, ClassId = c + 1, ClassName = names[c], Geometry = g,
            };
        }).ToList();
    }

    private static long Bytes(string path) =>
        Path.GetExtension(path) == ".shp"
            ? new[] { ".shp", ".shx", ".dbf", ".prj", ".cpg" }.Select(e => Path.ChangeExtension(path, e)).Where(File.Exists).Sum(f => new FileInfo(f).Length)
            : File.Exists(path) ? new FileInfo(path).Length
            : new DirectoryInfo(path).EnumerateFiles().Sum(f => f.Length);
}
