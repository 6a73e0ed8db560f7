using System.Globalization;
using WeiPian.Engine.Inference;

namespace WeiPian.InferBench;

/// <summary>One way to run the model: a device, in float32 or float16 (<c>cpu</c>, <c>cuda</c>, <c>cuda:fp16</c>).</summary>
internal readonly record struct Variant(string Name, InferenceDevice Device, bool Fp16)
{
    /// <exception cref="ArgumentException">Not DEVICE or DEVICE:fp16 with a device <see cref="InferenceOptions.ParseDevice"/> knows.</exception>
    public static Variant Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length > 2 || (parts.Length == 2 && parts[1] != "fp16"))
            throw new ArgumentException($"--variants: '{text}' is not DEVICE or DEVICE:fp16 (cpu, cuda, cuda:fp16).");
        return new Variant(text, InferenceOptions.ParseDevice(parts[0], "--variants"), parts.Length == 2);
    }
}

/// <summary>The benchmark's command line.</summary>
internal sealed record BenchArgs
{
    public const string Usage =
        "usage: weipian-infer-bench [--size 4096] [--seed 7] [--model fusion-unet-v1|file.onnx] [--variants cpu,cuda,cuda:fp16] [--passes 2] [--batch 0] [--lanes 0]";

    /// <summary>Side of the square region classified, pixels.</summary>
    public int Size { get; private init; } = 4096;

    /// <summary>The synthesiser's seed (bench/gpu/check.sh uses 7).</summary>
    public long Seed { get; private init; } = 7;

    /// <summary>A bundled model's name or an .onnx file.</summary>
    public string Model { get; private init; } = "fusion-unet-v1";

    /// <summary>Run in this order; the first that runs is the one the others are compared with.</summary>
    public IReadOnlyList<Variant> Variants { get; private init; } = [Variant.Parse("cpu"), Variant.Parse("cuda"), Variant.Parse("cuda:fp16")];

    /// <summary>Timed passes per variant, after one warm-up pass.</summary>
    public int Passes { get; private init; } = 2;

    /// <summary>Tiles per run; 0 takes the pipeline's default for the device (<see cref="InferenceOptions.BatchSize"/>).</summary>
    public int Batch { get; private init; }

    /// <summary>Inference lanes on the CPU; 0 takes the pipeline's rule (<see cref="InferenceOptions.ForCores"/>), the cores shared among them.</summary>
    public int Lanes { get; private init; }

    /// <exception cref="ArgumentException">An unknown option, a missing or bad value.</exception>
    public static BenchArgs Parse(IReadOnlyList<string> args)
    {
        var a = new BenchArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            a = name switch
            {
                "--size" => a with { Size = Int(name, value, 1) },
                "--seed" => a with { Seed = long.TryParse(value, CultureInfo.InvariantCulture, out var s) ? s : throw Bad(name, value) },
                "--model" => a with { Model = value },
                "--variants" => a with { Variants = value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Variant.Parse).ToList() },
                "--passes" => a with { Passes = Int(name, value, 1) },
                "--batch" => a with { Batch = Int(name, value, 0) },
                "--lanes" => a with { Lanes = Int(name, value, 0) },
                _ => throw new ArgumentException($"unknown option '{name}'."),
            };
        }
        if (a.Variants.Count == 0) throw new ArgumentException("--variants names none.");
        if ((long)a.Size * a.Size > Array.MaxLength) throw new ArgumentException($"--size {a.Size} is more pixels than one array holds.");
        return a;
    }

    private static int Int(string name, string value, int min) =>
        int.TryParse(value, CultureInfo.InvariantCulture, out var v) && v >= min ? v : throw Bad(name, value);

    private static ArgumentException Bad(string name, string value) => new($"{name} '{value}' is not a valid value.");
}
