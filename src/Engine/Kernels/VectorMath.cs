using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace WeiPian.Engine.Kernels;

/// <summary>
/// Lane-wise helpers shared by the vector kernels, in a 512-bit and a 256-bit version each:
/// the clamp of <see cref="ReferenceKernels.Scale"/>, exp and exp2 for non-positive arguments, and the
/// narrowing store of int32 class indices to bytes.
/// </summary>
internal static class VectorMath
{
    // exp(x) for x <= 0, after Cephes expf: x = n ln2 + r with n = round(x / ln2), |r| <= ln2/2,
    // exp(r) by a degree-7 polynomial (1 + r + r^2 p(r)), then times 2^n built in the exponent
    // bits. Arguments below -88 are clamped to -88 (n = -127, where 2^n is built as +0, so the
    // result is 0 instead of a subnormal below 1.2e-38). NaN lanes give an unspecified value:
    // callers mask them. Relative error about 2 ulp over [-87, 0] against MathF.Exp.
    public const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;      // ln2 split so n * Ln2Hi is exact
    private const float Ln2Lo = -2.12194440e-4f;
    private const float ExpFloor = -88f;
    private const float P0 = 1.9875691500E-4f;
    private const float P1 = 1.3981999507E-3f;
    private const float P2 = 8.3334519073E-3f;
    private const float P3 = 4.1665795894E-2f;
    private const float P4 = 1.6666665459E-1f;
    private const float P5 = 5.0000001201E-1f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositive(Vector512<float> x)
    {
        x = Vector512.MaxNative(x, Vector512.Create(ExpFloor));
        var n = Vector512.Round(x * Vector512.Create(Log2E));
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        var z = r * r;
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(p, z, r) + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();
        return p * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        x = Vector256.MaxNative(x, Vector256.Create(ExpFloor));
        var n = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        var z = r * r;
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(p, z, r) + Vector256<float>.One;
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
        return p * scale;
    }

    // 2^t for t <= 0: t = n + f with n = floor(t), 0 <= f < 1, 2^f by a degree-4 polynomial 1 + f q(f) fitted (Remez)
    // for relative error (2.95e-6 at most in float32 over [0, 1); 2^0 is exactly 1), times 2^n. With AVX-512 f is one
    // vreduceps (t - floor(t)) and 2^n one vscalefps on t itself (it scales by 2^floor(t)), so n is never formed;
    // vscalefps flushes arguments far below -126 to 0 and lets NaN through as NaN, so callers can see it in the result;
    // -Inf gives 0 (vreduceps makes f = 0, and vscalefps by -Inf gives 0). Without AVX-512, n = floor(t) and 2^n is
    // built in the exponent bits, after arguments below -126 are raised to -126 (NaN kept), so the smallest result is
    // about 2^-126 instead of 0.
    private const float Exp2Floor = -126f;
    private const float E1 = 6.930448413e-1f;
    private const float E2 = 2.412801981e-1f;
    private const float E3 = 5.224247277e-2f;
    private const float E4 = 1.342668384e-2f;
    private const byte ReduceFloor = 0x09; // vreduceps imm8: keep 0 fraction bits, round down, suppress the precision exception

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp2NonPositive(Vector512<float> t)
    {
        if (Avx512DQ.IsSupported) return Avx512F.Scale(Exp2Fraction(Avx512DQ.Reduce(t, ReduceFloor)), t);
        t = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512.Create(Exp2Floor)), Vector512.Create(Exp2Floor), t);
        var n = Vector512.Floor(t);
        return Exp2Fraction(t - n) * Vector512.ShiftLeft(Vector512.ConvertToInt32Native(n) + Vector512.Create(127), 23).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp2NonPositive(Vector256<float> t)
    {
        if (Avx512DQ.VL.IsSupported) return Avx512F.VL.Scale(Exp2Fraction(Avx512DQ.VL.Reduce(t, ReduceFloor)), t);
        t = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256.Create(Exp2Floor)), Vector256.Create(Exp2Floor), t);
        var n = Vector256.Floor(t);
        return Exp2Fraction(t - n) * Vector256.ShiftLeft(Vector256.ConvertToInt32Native(n) + Vector256.Create(127), 23).AsSingle();
    }

    // 2^f for 0 <= f < 1 (the polynomial above); exactly 1 at f = 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp2Fraction(Vector512<float> f)
    {
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(E4), f, Vector512.Create(E3));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(E2));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(E1));
        return Vector512.FusedMultiplyAdd(p, f, Vector512<float>.One);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp2Fraction(Vector256<float> f)
    {
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(E4), f, Vector256.Create(E3));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(E2));
        p = Vector256.FusedMultiplyAdd(p, f, Vector256.Create(E1));
        return Vector256.FusedMultiplyAdd(p, f, Vector256<float>.One);
    }

    /// <summary>
    /// 1 / s for s &gt;= 1 (a softmax's sum), within 1 ulp and never above 1: with AVX-512 vrcp14ps (relative error
    /// below 2^-14) and one Newton step r + r (1 - s r), three instructions in place of a vdivps; otherwise the division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ReciprocalOfSum(Vector512<float> s)
    {
        if (!Avx512F.IsSupported) return Vector512<float>.One / s;
        var r = Avx512F.Reciprocal14(s);
        return Vector512.FusedMultiplyAdd(r, Vector512.FusedMultiplyAdd(-s, r, Vector512<float>.One), r);
    }

    /// <inheritdoc cref="ReciprocalOfSum(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ReciprocalOfSum(Vector256<float> s)
    {
        if (!Avx512F.VL.IsSupported) return Vector256<float>.One / s; // AVX2's vrcpps (2^-12) would need a second step
        var r = Avx512F.VL.Reciprocal14(s);
        return Vector256.FusedMultiplyAdd(r, Vector256.FusedMultiplyAdd(-s, r, Vector256<float>.One), r);
    }

    /// <summary>The clamp of <see cref="ReferenceKernels.Scale"/>, lane-wise: below lo or NaN → lo; above hi → hi.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> x, Vector512<float> lo, Vector512<float> hi)
    {
        x = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, lo), x, lo);
        return Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, hi), x, hi);
    }

    /// <inheritdoc cref="Clamp(Vector512{float}, Vector512{float}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> x, Vector256<float> lo, Vector256<float> hi)
    {
        x = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, lo), x, lo);
        return Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, hi), x, hi);
    }

    /// <summary>
    /// <see cref="Clamp(Vector512{float}, Vector512{float}, Vector512{float})"/> for lanes that are never NaN (converted
    /// integers): vmaxps(lo, x) then vminps(hi, x), two instructions in place of two compares and two blends. Bit-equal
    /// to the clamp there: vmaxps(lo, x) is lo &gt; x ? lo : x, which returns x where x equals lo, -0 and +0 included
    /// (lo and hi are the first operands on purpose); only a NaN x would differ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ClampNumber(Vector512<float> x, Vector512<float> lo, Vector512<float> hi)
        => Avx512F.IsSupported ? Avx512F.Min(hi, Avx512F.Max(lo, x)) : Clamp(x, lo, hi);

    /// <inheritdoc cref="ClampNumber(Vector512{float}, Vector512{float}, Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ClampNumber(Vector256<float> x, Vector256<float> lo, Vector256<float> hi)
        => Avx.IsSupported ? Avx.Min(hi, Avx.Max(lo, x)) : Clamp(x, lo, hi);

    /// <summary>Stores the 16 int32 lanes (each 0..255) as 16 bytes at dst[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAsBytes(Vector512<int> v, ref byte dst, nuint i)
    {
        if (Avx512F.IsSupported)
        {
            Avx512F.ConvertToVector128Byte(v).StoreUnsafe(ref dst, i); // vpmovdb
        }
        else
        {
            // Narrow keeps lane order: [v, v] → shorts, then → bytes [v, v, v, v]; keep the first 16.
            var s = Vector512.Narrow(v, v);
            Vector512.Narrow(s, s).AsByte().GetLower().GetLower().StoreUnsafe(ref dst, i);
        }
    }

    /// <summary>Stores the 8 int32 lanes (each 0..255) as 8 bytes at dst[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreAsBytes(Vector256<int> v, ref byte dst, nuint i)
    {
        var s = Vector256.Narrow(v, v);
        ulong eight = Vector256.Narrow(s, s).AsUInt64().ToScalar();
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref dst, i), eight);
    }

    /// <summary>A span's first element by reference, for the unchecked vector loads and stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T Ref<T>(ReadOnlySpan<T> span) => ref MemoryMarshal.GetReference(span);

    /// <inheritdoc cref="Ref{T}(ReadOnlySpan{T})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref T Ref<T>(Span<T> span) => ref MemoryMarshal.GetReference(span);
}
