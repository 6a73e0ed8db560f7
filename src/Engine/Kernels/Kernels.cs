using System.Runtime.Intrinsics;

namespace WeiPian.Engine.Kernels;

/// <summary>
/// The hot loops of the engine, vectorised: scaling band planes to model input, nodata masks,
/// classes from logits, masking, and the reflect-padding index fold the tile readers use.
/// </summary>
/// <remarks>
/// <para>
/// Every kernel here has a scalar twin in <see cref="ReferenceKernels"/> with the same signature.
/// The twin defines the semantics (clamping, nodata and NaN rules live there, in one place, and
/// the vector loops' scalar remainders call the same per-element functions); the tests check every
/// vector path against it. Results are bit-identical to the twin except the two kernels that call
/// <c>exp</c> (<see cref="ArgmaxSoftmax(ReadOnlySpan{float}, int, int, Span{byte}, Span{float})"/> and <see cref="ThresholdLogit(ReadOnlySpan{float}, float, byte, Span{byte}, Span{float})"/>), whose confidences agree
/// within 1e-6 and whose classes are identical.
/// </para>
/// <para>
/// Paths: a <see cref="Vector512{T}"/> loop where <see cref="Vector512.IsHardwareAccelerated"/>
/// (AVX-512), else a <see cref="Vector256{T}"/> loop where <see cref="Vector256.IsHardwareAccelerated"/>
/// (AVX2), else the scalar loop; each vector loop handles whole vectors and leaves a remainder of
/// fewer than one iteration's elements to the scalar loop. Nothing allocates. Spans may be any
/// length and alignment; an output span may be longer than the input (the extra is left untouched)
/// but not shorter. Outputs must not partly overlap inputs (the same span as input and output is
/// fine where the element types match).
/// </para>
/// <para>
/// The vector loops are compiled optimised at their first call (<c>AggressiveOptimization</c>). Tiered compilation
/// first runs a method in a quick form where each vector operation is a call, and promotes it only once the runtime has
/// stopped compiling new methods for a while: in the first seconds of a run that left <c>ScaleToFloat</c> in its quick
/// form for a fifth of a second of CPU on an 8192² cascade and a tenth on a 2048² detection (perf). These loops gain
/// nothing from the profile that tiering would collect.
/// </para>
/// </remarks>
public static partial class SimdKernels
{
    /// <summary>The widest path this machine accelerates; what the public entry points use.</summary>
    internal static readonly KernelIsa BestIsa =
        Vector512.IsHardwareAccelerated ? KernelIsa.Vector512 :
        Vector256.IsHardwareAccelerated ? KernelIsa.Vector256 :
        KernelIsa.Scalar;
}

/// <summary>
/// The code path a kernel takes. The public entry points take <see cref="SimdKernels.BestIsa"/>; tests
/// and benchmarks force a path through the internal overloads. A forced vector path runs even
/// where the hardware does not accelerate it (the runtime then emulates the vector operations in
/// software: slow, but the same results), which lets tests check every path on any machine.
/// </summary>
internal enum KernelIsa
{
    /// <summary>Scalar loop only (the reference semantics).</summary>
    Scalar = 0,

    /// <summary>256-bit vectors (8 floats), then the scalar remainder.</summary>
    Vector256 = 1,

    /// <summary>512-bit vectors (16 floats), then the scalar remainder.</summary>
    Vector512 = 2,
}

/// <summary>Argument checks shared by <see cref="SimdKernels"/> and <see cref="ReferenceKernels"/>.</summary>
internal static class KernelGuard
{
    public static void AtLeast(int required, int actual, string paramName)
    {
        if (actual < required)
            throw new ArgumentException($"Span too short: needs at least {required} elements, has {actual}.", paramName);
    }

    public static void ClampRange(float lo, float hi)
    {
        if (!(lo <= hi))
            throw new ArgumentException($"Clamp range is empty or NaN: lo={lo}, hi={hi} (needs lo <= hi).", nameof(lo));
    }

    public static void Blocks(int before, int after, int width, int block, int beforeMeans, int afterMeans, int differenceMeans, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(block, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if (width % block != 0)
            throw new ArgumentException($"A row of {width} pixels is not whole blocks of {block}.", nameof(width));
        AtLeast(block * width, before, nameof(before));
        AtLeast(block * width, after, nameof(after));
        AtLeast(width / block, beforeMeans, nameof(beforeMeans));
        AtLeast(width / block, afterMeans, nameof(afterMeans));
        AtLeast(width / block, differenceMeans, nameof(differenceMeans));
        AtLeast(3 * width, columns, nameof(columns));
    }

    public static void Classes(int classes, int n, int logitsLength, string logitsName)
    {
        if (classes is < 1 or > 256)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "Class count must be 1..256 (classes are written as bytes).");
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if ((long)classes * n > logitsLength)
            throw new ArgumentException($"Span too short: {classes} planes of {n} pixels need {(long)classes * n} elements, has {logitsLength}.", logitsName);
    }
}
