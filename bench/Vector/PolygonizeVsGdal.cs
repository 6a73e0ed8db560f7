using System.Diagnostics;
using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Bench.Vector;

/// <summary>
/// <c>WeiPian.Bench polygonize-vs-gdal [--sizes 4096,8192] [--pattern blocks6|noise] [--connectivity 4|8]
/// [--strip 256] [--no-gdal] [--memory]</c>: one timed run of GDALPolygonize (into an in-memory OGR layer) and one of
/// the engine's Polygonizer (into in-memory polygons) per size, single thread, and the speed-up. With --memory, also the
/// peak live managed memory of the Polygonizer alone, streaming strips and discarding polygons, per size.
/// </summary>
public static class PolygonizeVsGdal
{
    public static int Run(string[] args)
    {
        var sizes = new[] { 4096, 8192 };
        var pattern = "blocks6";
        var connectivity = PixelConnectivity.Four;
        var strip = 256;
        var gdal = true;
        var memory = false;
        var repeat = 1;
        var discard = false;
        var objects = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes": sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--pattern": pattern = args[++i]; break;
                case "--connectivity": connectivity = args[++i] == "8" ? PixelConnectivity.Eight : PixelConnectivity.Four; break;
                case "--strip": strip = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-gdal": gdal = false; break;
                case "--memory": memory = true; break;
                case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--discard": discard = true; break;
                case "--objects": objects = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'.");
                    return 2;
            }
        }

        Console.WriteLine($"pattern {pattern}, {(int)connectivity}-connected, strips of {strip} rows, single thread");
        // GDAL is compiled code: let the JIT compile ours (tiered up) on a small raster first, untimed.
        var warm = ClassRasters.Make(pattern, 1024, seed: 7);
        for (var k = 0; k < 20; k++) TimeOurs(warm, 1024, connectivity, strip, discard, objects);
        foreach (var size in sizes)
        {
            var pixels = ClassRasters.Make(pattern, size);
            var (oursCount, oursVertices, oursSeconds, oursCpu) = TimeOurs(pixels, size, connectivity, strip, discard, objects);
            for (var k = 1; k < repeat; k++)
            {
                var again = TimeOurs(pixels, size, connectivity, strip, discard, objects);
                if (again.Seconds < oursSeconds) (oursSeconds, oursCpu) = (again.Seconds, again.Cpu);
            }
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{size,5} x {size,-5} ours {oursCount,10:N0} polygons {oursVertices,12:N0} vertices {oursSeconds,7:F2} s (cpu {oursCpu:F2} s)");
            if (gdal)
            {
                var (gdalCount, gdalSeconds, gdalCpu) = TimeGdal(pixels, size, connectivity);
                line += string.Create(CultureInfo.InvariantCulture,
                    $" | GDAL {gdalCount,10:N0} polygons {gdalSeconds,7:F2} s (cpu {gdalCpu:F2} s) | speed-up x{gdalSeconds / oursSeconds:F1} (cpu x{gdalCpu / oursCpu:F1})");
                if (gdalCount != oursCount) line += "  COUNTS DIFFER";
            }
            Console.WriteLine(line);
        }
        if (memory)
            foreach (var size in sizes)
            {
                var (peak, workBytes, polygons) = PeakMemory(pattern, size, connectivity, strip);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{size,5} x {size,-5} streamed: peak live managed memory {peak / 1048576.0,7:F1} MB (polygoniser buffers {workBytes / 1048576.0,6:F1} MB), {polygons:N0} polygons discarded"));
            }
        return 0;
    }

    private static (long Count, long Vertices, double Seconds, double Cpu) TimeOurs(byte[] pixels, int size, PixelConnectivity connectivity,
        int strip, bool discard, bool objects)
    {
        GC.Collect();
        long counted = 0, countedVertices = 0;
        var collector = new PolygonCollector();
        var store = new PolygonStore();
        IPolygonSink sink = discard ? new CountingSink(v => { counted++; countedVertices += v.VertexCount; })
            : objects ? collector : store;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var p = new Polygonizer(size, sink, connectivity, GeoTransform.NorthUp(500_000, 3_400_000, 0.8));
        for (var y = 0; y < size; y += strip)
            p.Push(pixels.AsSpan(y * size, Math.Min(strip, size - y) * size));
        p.Finish();
        sw.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        if (discard) return (counted, countedVertices, sw.Elapsed.TotalSeconds, cpuSeconds);
        if (!objects) return (store.Count, store.VertexCount, sw.Elapsed.TotalSeconds, cpuSeconds);
        var vertices = collector.Polygons.Sum(q => (long)q.RingStarts[^1]);
        return (collector.Polygons.Count, vertices, sw.Elapsed.TotalSeconds, cpuSeconds);
    }

    private sealed class CountingSink(PolygonHandler handler) : IPolygonSink
    {
        public void Add(ClassPolygonView polygon) => handler(polygon);
    }

    private static (long Count, double Seconds, double Cpu) TimeGdal(byte[] pixels, int size, PixelConnectivity connectivity)
    {
        using var raster = RasterDataset.CreateInMemory(size, size, 1, RasterDataType.Byte);
        raster.GeoTransform = GeoTransform.NorthUp(500_000, 3_400_000, 0.8);
        raster.Write<byte>(1, raster.Extent, pixels);
        using var mem = VectorDataset.CreateInMemory();
        var layer = mem.CreateLayer("polygons", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        GdalReference.Polygonize(raster, 1, layer, 0, connectivity == PixelConnectivity.Eight);
        sw.Stop();
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return (layer.FeatureCount, sw.Elapsed.TotalSeconds, cpuSeconds);
    }

    /// <summary>Streams the raster strip by strip (made on the fly, never whole), polygons counted and dropped.</summary>
    private static (long Peak, long WorkBytes, long Polygons) PeakMemory(string pattern, int size, PixelConnectivity connectivity, int strip)
    {
        var buffer = new byte[strip * size];
        long polygons = 0;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(true);
        var p = new Polygonizer(size, _ => polygons++, connectivity);
        long peak = 0;
        for (var y = 0; y < size; y += strip)
        {
            var rows = Math.Min(strip, size - y);
            ClassRasters.FillRows(pattern, size, y, rows, buffer);
            p.Push(buffer.AsSpan(0, rows * size));
            peak = Math.Max(peak, GC.GetTotalMemory(true) - baseline);
        }
        p.Finish();
        GC.KeepAlive(buffer);
        return (peak + buffer.Length, p.WorkingBytes, polygons);
    }
}
