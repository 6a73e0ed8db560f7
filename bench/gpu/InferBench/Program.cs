using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Tiling;
using WeiPian.Models;

namespace WeiPian.InferBench;

/// <summary>
/// The GPU check's inference benchmark: a synthesised pair rendered in memory, the real <see cref="ChangeModel"/> run on
/// it as the detect pipeline runs it, once per variant (cpu, cuda, cuda:fp16), with Mpx/s and the share of pixels whose
/// class agrees with the first variant's. Needs ONNX Runtime and the model only: no GDAL, no files.
/// <code>
/// weipian-infer-bench [--size 4096] [--seed 7] [--model fusion-unet-v1] [--variants cpu,cuda,cuda:fp16] [--passes 2] [--batch 0]
/// </code>
/// A CUDA variant that cannot start (no GPU, no CUDA 13 or cuDNN 9 on LD_LIBRARY_PATH, a CPU build) prints
/// "NAME: not available (why)" and the others still run. Exit code 0; 2 for bad arguments or a variant that failed
/// after it started; 4 when GDAL was loaded after all (this path must not need it).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        BenchArgs a;
        try
        {
            a = BenchArgs.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"weipian-infer-bench: {e.Message}");
            Console.Error.WriteLine(BenchArgs.Usage);
            return 2;
        }
        var ort = OrtEnv.Instance();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; ONNX Runtime {ort.GetVersionString()} with {string.Join(", ", ort.GetAvailableProviders())}");

        var modelPath = BundledModels.Resolve(a.Model);
        var card = ChangeModel.ReadCard(modelPath);
        var grid = new TileGrid(a.Size, a.Size, card.Input.Tile, card.Input.Halo);
        var clock = Stopwatch.StartNew();
        var pair = RenderedPair.Render(grid.Columns * grid.Kept + 2 * grid.Halo, grid.Rows * grid.Kept + 2 * grid.Halo, a.Seed);
        var planes = card.BindBands(RenderedPair.Bands, "the synthesised pair").Select(band => band - 1).ToArray();
        Console.WriteLine(Invariant($"scene: {a.Size}x{a.Size} px classified (seed {a.Seed}, {pair.Changes} planted changes; rendered {pair.Width}x{pair.Height} with the halo in {clock.Elapsed.TotalSeconds:0.0} s); {grid}"));
        Console.WriteLine($"model: {a.Model} ({card}); {a.Passes} timed pass(es) after one warm-up pass per variant");

        byte[]? reference = null;
        string? referenceName = null;
        var failed = false;
        foreach (var variant in a.Variants)
        {
            var classes = new byte[a.Size * a.Size];
            var result = RunVariant(variant, a, modelPath, grid, pair, planes, classes);
            if (result is null) continue;
            if (!result.Value) { failed = true; continue; }
            if (reference is null)
            {
                reference = classes;
                referenceName = variant.Name;
                Console.WriteLine($"  {variant.Name} changed pixels: {Changed(classes)} of {classes.Length}");
                continue;
            }
            var same = 0L;
            for (var i = 0; i < classes.Length; i++) if (classes[i] == reference[i]) same++;
            Console.WriteLine(Invariant(
                $"  {variant.Name} classes agree with {referenceName} on {100.0 * same / classes.Length:0.0000} % of {classes.Length} px ({classes.Length - same} differ); changed pixels {Changed(classes)} ({referenceName} {Changed(reference)})"));
        }

        var gdal = GdalLoaded();
        Console.WriteLine(gdal is null ? "gdal: not loaded" : $"gdal: LOADED ({gdal}): this path must not need it");
        return gdal is not null ? 4 : failed ? 2 : 0;
    }

    // True when the variant ran, false when it failed after it started, null when its device is not available.
    private static bool? RunVariant(Variant variant, BenchArgs a, string modelPath, TileGrid grid, RenderedPair pair, int[] planes, byte[] classes)
    {
        var options = new InferenceOptions { Device = variant.Device, Fp16 = variant.Fp16, BatchSize = a.Batch, Lanes = a.Lanes };
        ChangeModel model;
        var clock = Stopwatch.StartNew();
        try
        {
            model = ChangeModel.Load(modelPath, options);
        }
        catch (Exception e) when (variant.Device == InferenceDevice.Cuda && e is InferenceException or NotSupportedException)
        {
            Console.WriteLine($"{variant.Name}: not available ({OneLine(e.Message)})");
            return null;
        }
        using (model)
        {
            var load = clock.Elapsed.TotalSeconds;
            var resolved = options.ForCores(Environment.ProcessorCount);
            var threads = variant.Device == InferenceDevice.Cpu ? $" x {resolved.IntraOpThreads} threads" : "";
            try
            {
                var pass = new TiledPass(model, pair, grid, planes, origin: grid.Halo);
                var warm = pass.Run(classes);
                double wall = 0, inModel = 0;
                for (var p = 0; p < a.Passes; p++)
                {
                    var t = pass.Run(classes);
                    wall += t.Wall;
                    inModel += t.Model;
                }
                var mpx = (double)a.Size * a.Size * a.Passes / 1e6;
                Console.WriteLine(Invariant(
                    $"{variant.Name}: {mpx / wall:0.00} Mpx/s (model {mpx / inModel:0.00} Mpx/s, wall / model {wall / inModel:0.000}); load {load:0.00} s, warm-up pass {warm.Wall:0.00} s; batch {model.BatchSize}, {model.Lanes} lane(s){threads}"));
                return true;
            }
            catch (InferenceException e)
            {
                Console.WriteLine($"{variant.Name}: FAILED ({OneLine(e.Message)})");
                return false;
            }
        }
    }

    private static long Changed(byte[] classes)
    {
        var n = 0L;
        foreach (var c in classes) if (c != 0) n++;
        return n;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    // The GDAL library this process mapped, if any (Linux: /proc/self/maps).
    private static string? GdalLoaded()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return null;
        return File.ReadLines(maps).Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
            .FirstOrDefault(file => Path.GetFileName(file).StartsWith("libgdal", StringComparison.Ordinal));
    }
}
