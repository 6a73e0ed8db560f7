using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static WeiPian.Engine.Kernels.VectorMath;

namespace WeiPian.Engine.Kernels;

public static partial class SimdKernels
{
    /// <summary>
    /// Scales one band plane to model input in one pass: dst[i] = clamp(src[i], lo, hi) * a + c,
    /// for every i of <paramref name="src"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// From a model card's per-band min, max, mean and std: lo = min, hi = max,
    /// a = 1 / ((max - min) * std), c = (-min / (max - min) - mean) / std.
    /// </para>
    /// <para>
    /// Order of operations, identical on every path (results are bit-equal to
    /// <see cref="ReferenceKernels.ScaleToFloat(ReadOnlySpan{ushort}, Span{float}, float, float, float, float)"/>):
    /// convert to float (exact for 16-bit integers), clamp (x &lt; lo → lo, x &gt; hi → hi), then one
    /// fused multiply-add, rounded once. FMA rather than a multiply and an add because it is one
    /// instruction on AVX2/AVX-512, one rounding instead of two, and <see cref="MathF.FusedMultiplyAdd"/>
    /// gives the same result where the hardware has none.
    /// </para>
    /// <para>Lanes: 32 UInt16 per 512-bit iteration, zero-extended to two vectors of 16 int32 and
    /// converted to float; 16 per 256-bit iteration. The remainder is scalar. A converted integer is
    /// never NaN, so the clamp is vmaxps and vminps (<see cref="VectorMath.ClampNumber(Vector512{float}, Vector512{float}, Vector512{float})"/>).</para>
    /// </remarks>
    /// <param name="src">One band plane, digital numbers.</param>
    /// <param name="dst">Model input plane (one channel of the NCHW tensor); at least as long as <paramref name="src"/>.</param>
    /// <param name="lo">Lower clamp bound in digital numbers (the card's min).</param>
    /// <param name="hi">Upper clamp bound in digital numbers (the card's max); lo &lt;= hi.</param>
    /// <param name="a">Scale.</param>
    /// <param name="c">Offset.</param>
    /// <exception cref="ArgumentException">lo &gt; hi or either is NaN, or <paramref name="dst"/> is shorter than <paramref name="src"/>.</exception>
    public static void ScaleToFloat(ReadOnlySpan<ushort> src, Span<float> dst, float lo, float hi, float a, float c)
        => ScaleToFloat(src, dst, lo, hi, a, c, BestIsa);

    /// <summary>Byte-source variant of <see cref="ScaleToFloat(ReadOnlySpan{ushort}, Span{float}, float, float, float, float)"/> (64 bytes per 512-bit iteration).</summary>
    /// <param name="src">One band plane, digital numbers.</param>
    /// <param name="dst">Model input plane; at least as long as <paramref name="src"/>.</param>
    /// <param name="lo">Lower clamp bound.</param>
    /// <param name="hi">Upper clamp bound; lo &lt;= hi.</param>
    /// <param name="a">Scale.</param>
    /// <param name="c">Offset.</param>
    /// <exception cref="ArgumentException">lo &gt; hi or either is NaN, or <paramref name="dst"/> is too short.</exception>
    public static void ScaleToFloat(ReadOnlySpan<byte> src, Span<float> dst, float lo, float hi, float a, float c)
        => ScaleToFloat(src, dst, lo, hi, a, c, BestIsa);

    /// <summary>
    /// Float-source variant of <see cref="ScaleToFloat(ReadOnlySpan{ushort}, Span{float}, float, float, float, float)"/>:
    /// NaN and -Inf clamp to lo, +Inf to hi, so no NaN reaches the model. <paramref name="dst"/> may be
    /// <paramref name="src"/> itself (in place).
    /// </summary>
    /// <param name="src">One band plane.</param>
    /// <param name="dst">Model input plane; at least as long as <paramref name="src"/>.</param>
    /// <param name="lo">Lower clamp bound.</param>
    /// <param name="hi">Upper clamp bound; lo &lt;= hi.</param>
    /// <param name="a">Scale.</param>
    /// <param name="c">Offset.</param>
    /// <exception cref="ArgumentException">lo &gt; hi or either is NaN, or <paramref name="dst"/> is too short.</exception>
    public static void ScaleToFloat(ReadOnlySpan<float> src, Span<float> dst, float lo, float hi, float a, float c)
        => ScaleToFloat(src, dst, lo, hi, a, c, BestIsa);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleToFloat(ReadOnlySpan<ushort> src, Span<float> dst, float lo, float hi, float a, float c, KernelIsa isa)
    {
        KernelGuard.ClampRange(lo, hi);
        KernelGuard.AtLeast(src.Length, dst.Length, nameof(dst));
        ref ushort s = ref Ref(src);
        ref float d = ref Ref(dst);
        nuint n = (nuint)src.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 32)
        {
            Vector512<float> vlo = Vector512.Create(lo), vhi = Vector512.Create(hi), va = Vector512.Create(a), vc = Vector512.Create(c);
            for (; i <= n - 32; i += 32)
            {
                var (w0, w1) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                // < 2^16 fits int32, whose conversion to float is one instruction on every ISA (uint's is not on AVX2)
                Vector512.FusedMultiplyAdd(ClampNumber(Vector512.ConvertToSingle(w0.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i);
                Vector512.FusedMultiplyAdd(ClampNumber(Vector512.ConvertToSingle(w1.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 16);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 16)
        {
            Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi), va = Vector256.Create(a), vc = Vector256.Create(c);
            for (; i <= n - 16; i += 16)
            {
                var (w0, w1) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                Vector256.FusedMultiplyAdd(ClampNumber(Vector256.ConvertToSingle(w0.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i);
                Vector256.FusedMultiplyAdd(ClampNumber(Vector256.ConvertToSingle(w1.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 8);
            }
        }

        for (int j = (int)i; j < src.Length; j++) dst[j] = ReferenceKernels.Scale(src[j], lo, hi, a, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleToFloat(ReadOnlySpan<byte> src, Span<float> dst, float lo, float hi, float a, float c, KernelIsa isa)
    {
        KernelGuard.ClampRange(lo, hi);
        KernelGuard.AtLeast(src.Length, dst.Length, nameof(dst));
        ref byte s = ref Ref(src);
        ref float d = ref Ref(dst);
        nuint n = (nuint)src.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 64)
        {
            Vector512<float> vlo = Vector512.Create(lo), vhi = Vector512.Create(hi), va = Vector512.Create(a), vc = Vector512.Create(c);
            for (; i <= n - 64; i += 64)
            {
                var (h0, h1) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i)); // 64 bytes → 2 x 32 ushort
                var (w0, w1) = Vector512.Widen(h0);                             // → 4 x 16 uint
                var (w2, w3) = Vector512.Widen(h1);
                Vector512.FusedMultiplyAdd(ClampNumber(Vector512.ConvertToSingle(w0.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i);
                Vector512.FusedMultiplyAdd(ClampNumber(Vector512.ConvertToSingle(w1.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 16);
                Vector512.FusedMultiplyAdd(ClampNumber(Vector512.ConvertToSingle(w2.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 32);
                Vector512.FusedMultiplyAdd(ClampNumber(Vector512.ConvertToSingle(w3.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 48);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 32)
        {
            Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi), va = Vector256.Create(a), vc = Vector256.Create(c);
            for (; i <= n - 32; i += 32)
            {
                var (h0, h1) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                var (w0, w1) = Vector256.Widen(h0);
                var (w2, w3) = Vector256.Widen(h1);
                Vector256.FusedMultiplyAdd(ClampNumber(Vector256.ConvertToSingle(w0.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i);
                Vector256.FusedMultiplyAdd(ClampNumber(Vector256.ConvertToSingle(w1.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 8);
                Vector256.FusedMultiplyAdd(ClampNumber(Vector256.ConvertToSingle(w2.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 16);
                Vector256.FusedMultiplyAdd(ClampNumber(Vector256.ConvertToSingle(w3.AsInt32()), vlo, vhi), va, vc).StoreUnsafe(ref d, i + 24);
            }
        }

        for (int j = (int)i; j < src.Length; j++) dst[j] = ReferenceKernels.Scale(src[j], lo, hi, a, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ScaleToFloat(ReadOnlySpan<float> src, Span<float> dst, float lo, float hi, float a, float c, KernelIsa isa)
    {
        KernelGuard.ClampRange(lo, hi);
        KernelGuard.AtLeast(src.Length, dst.Length, nameof(dst));
        ref float s = ref Ref(src);
        ref float d = ref Ref(dst);
        nuint n = (nuint)src.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 16)
        {
            Vector512<float> vlo = Vector512.Create(lo), vhi = Vector512.Create(hi), va = Vector512.Create(a), vc = Vector512.Create(c);
            for (; i <= n - 16; i += 16)
                Vector512.FusedMultiplyAdd(Clamp(Vector512.LoadUnsafe(ref s, i), vlo, vhi), va, vc).StoreUnsafe(ref d, i);
        }
        else if (isa >= KernelIsa.Vector256 && n >= 8)
        {
            Vector256<float> vlo = Vector256.Create(lo), vhi = Vector256.Create(hi), va = Vector256.Create(a), vc = Vector256.Create(c);
            for (; i <= n - 8; i += 8)
                Vector256.FusedMultiplyAdd(Clamp(Vector256.LoadUnsafe(ref s, i), vlo, vhi), va, vc).StoreUnsafe(ref d, i);
        }

        for (int j = (int)i; j < src.Length; j++) dst[j] = ReferenceKernels.Scale(src[j], lo, hi, a, c);
    }
}
