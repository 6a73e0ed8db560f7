using BenchmarkDotNet.Attributes;
using WeiPian.Engine.Kernels;

namespace WeiPian.Bench.Kernels;

// Each class: Memcpy (the baseline: copies as many bytes as the kernel reads, so Ratio reads as
// "times a memcpy of the input"), Kernel (the public entry: the widest accelerated path),
// Vector256 (the AVX2 path forced, for machines without AVX-512), Reference (the scalar twin).
// Pixels: a 256 x 256 and a 512 x 512 tile, and an odd-sized edge tile (511 x 509).

/// <summary>Shared sizes and the memcpy baseline.</summary>
public abstract class KernelBenchmark
{
    [Params(256 * 256, 512 * 512, 511 * 509)]
    public int Pixels { get; set; }

    private byte[] _copyFrom = [], _copyTo = [];

    protected void SetUpCopy(int bytes)
    {
        _copyFrom = new byte[bytes];
        new Random(1).NextBytes(_copyFrom);
        _copyTo = new byte[bytes];
    }

    [Benchmark(Baseline = true)]
    public void Memcpy() => _copyFrom.AsSpan().CopyTo(_copyTo);
}

[InputBytesPerPixel(2)]
public class ScaleToFloatBench : KernelBenchmark
{
    private ushort[] _src = [];
    private float[] _dst = [];
    private const float Lo = 63f, Hi = 1003f, A = 1f / (940f * 0.17f), C = (-63f / 940f - 0.31f) / 0.17f;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _src = new ushort[Pixels];
        for (int i = 0; i < _src.Length; i++) _src[i] = (ushort)rng.Next(0, 1024);
        _dst = new float[Pixels];
        SetUpCopy(Pixels * sizeof(ushort));
    }

    [Benchmark] public void Kernel() => SimdKernels.ScaleToFloat(_src, _dst, Lo, Hi, A, C);
    [Benchmark] public void Vector256() => SimdKernels.ScaleToFloat(_src, _dst, Lo, Hi, A, C, KernelIsa.Vector256);
    [Benchmark] public void Reference() => ReferenceKernels.ScaleToFloat(_src, _dst, Lo, Hi, A, C);
}

[InputBytesPerPixel(Classes * sizeof(float))]
public class ArgmaxSoftmaxBench : KernelBenchmark
{
    public const int Classes = 5;
    private float[] _logits = [];
    private byte[] _cls = [];
    private float[] _conf = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _logits = new float[Classes * Pixels];
        for (int i = 0; i < _logits.Length; i++) _logits[i] = (float)(rng.NextDouble() * 20 - 10);
        _cls = new byte[Pixels];
        _conf = new float[Pixels];
        SetUpCopy(_logits.Length * sizeof(float));
    }

    [Benchmark] public void Kernel() => SimdKernels.ArgmaxSoftmax(_logits, Classes, Pixels, _cls, _conf);
    [Benchmark] public void Vector256() => SimdKernels.ArgmaxSoftmax(_logits, Classes, Pixels, _cls, _conf, KernelIsa.Vector256);
    [Benchmark] public void Reference() => ReferenceKernels.ArgmaxSoftmax(_logits, Classes, Pixels, _cls, _conf);
}

[InputBytesPerPixel(sizeof(ushort) + sizeof(byte))]
public class MarkNoDataBench : KernelBenchmark
{
    private ushort[] _band = [];
    private byte[] _valid = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _band = new ushort[Pixels];
        for (int i = 0; i < _band.Length; i++) _band[i] = rng.Next(50) == 0 ? (ushort)0 : (ushort)rng.Next(1, 1024); // 2 % nodata
        _valid = new byte[Pixels];
        Array.Fill(_valid, (byte)1); // repeated calls keep the same work: every byte read and written
        SetUpCopy(Pixels * (sizeof(ushort) + sizeof(byte)));
    }

    [Benchmark] public void Kernel() => SimdKernels.MarkNoData(_band, 0, _valid);
    [Benchmark] public void Vector256() => SimdKernels.MarkNoData(_band, 0, _valid, KernelIsa.Vector256);
    [Benchmark] public void Reference() => ReferenceKernels.MarkNoData(_band, 0, _valid);
}

