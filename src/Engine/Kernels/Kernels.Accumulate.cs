using System.Runtime.Intrinsics;
using static WeiPian.Engine.VectorMath;

namespace WeiPian.Engine;

public static partial class Kernels
{
    /// <summary>
    /// Weighted accumulation for blended stitching: acc[i] += src[i] * weight[i], one fused
    /// multiply-add (single rounding) per element on every path, so results are bit-equal to
    /// <see cref="ReferenceKernels.AccumulateWeighted"/>.
    /// </summary>
    /// <param name="src">Values (one logit plane of a tile).</param>
    /// <param name="weight">Weights (the blending window); at least as long as <paramref name="src"/>.</param>
    /// <param name="acc">Accumulator; at least as long as <paramref name="src"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="weight"/> or <paramref name="acc"/> is shorter than <paramref name="src"/>.</exception>
    public static void AccumulateWeighted(ReadOnlySpan<float> src, ReadOnlySpan<float> weight, Span<float> acc)
        => AccumulateWeighted(src, weight, acc, BestIsa);

    /// <summary>acc[i] += src[i] * w, one fused multiply-add per element; bit-equal to <see cref="ReferenceKernels.AccumulateScaled"/>.</summary>
    /// <param name="src">Values.</param>
    /// <param name="w">One weight for all elements.</param>
    /// <param name="acc">Accumulator; at least as long as <paramref name="src"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="acc"/> is shorter than <paramref name="src"/>.</exception>
    public static void AccumulateScaled(ReadOnlySpan<float> src, float w, Span<float> acc)
        => AccumulateScaled(src, w, acc, BestIsa);

    internal static void AccumulateWeighted(ReadOnlySpan<float> src, ReadOnlySpan<float> weight, Span<float> acc, KernelIsa isa)
    {
        KernelGuard.AtLeast(src.Length, weight.Length, nameof(weight));
        KernelGuard.AtLeast(src.Length, acc.Length, nameof(acc));
        ref float s = ref Ref(src);
        ref float w = ref Ref(weight);
        ref float a = ref Ref(acc);
        nuint n = (nuint)src.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 16)
        {
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, i), Vector512.LoadUnsafe(ref w, i), Vector512.LoadUnsafe(ref a, i)).StoreUnsafe(ref a, i);
        }
        else if (isa >= KernelIsa.Vector256 && n >= 8)
        {
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref s, i), Vector256.LoadUnsafe(ref w, i), Vector256.LoadUnsafe(ref a, i)).StoreUnsafe(ref a, i);
        }

        for (int j = (int)i; j < src.Length; j++) acc[j] = MathF.FusedMultiplyAdd(src[j], weight[j], acc[j]);
    }

    internal static void AccumulateScaled(ReadOnlySpan<float> src, float w, Span<float> acc, KernelIsa isa)
    {
        KernelGuard.AtLeast(src.Length, acc.Length, nameof(acc));
        ref float s = ref Ref(src);
        ref float a = ref Ref(acc);
        nuint n = (nuint)src.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 16)
        {
            var vw = Vector512.Create(w);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref s, i), vw, Vector512.LoadUnsafe(ref a, i)).StoreUnsafe(ref a, i);
        }
        else if (isa >= KernelIsa.Vector256 && n >= 8)
        {
            var vw = Vector256.Create(w);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref s, i), vw, Vector256.LoadUnsafe(ref a, i)).StoreUnsafe(ref a, i);
        }

        for (int j = (int)i; j < src.Length; j++) acc[j] = MathF.FusedMultiplyAdd(src[j], w, acc[j]);
    }
}
