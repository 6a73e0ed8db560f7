using System.Runtime.Intrinsics;
using static WeiPian.Engine.VectorMath;

namespace WeiPian.Engine;

public static partial class Kernels
{
    /// <summary>Zeroes the class raster where the mask is invalid: cls[i] = valid[i] != 0 ? cls[i] : 0.</summary>
    /// <remarks>64 bytes per 512-bit iteration. Bit-equal to <see cref="ReferenceKernels.ApplyMask(Span{byte}, ReadOnlySpan{byte})"/>.</remarks>
    /// <param name="cls">Class raster, changed in place.</param>
    /// <param name="valid">Validity mask, non-zero = valid; at least as long as <paramref name="cls"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="valid"/> is shorter than <paramref name="cls"/>.</exception>
    public static void ApplyMask(Span<byte> cls, ReadOnlySpan<byte> valid) => ApplyMask(cls, valid, BestIsa);

    /// <summary>Zeroes the confidence raster where the mask is invalid: confidence[i] = valid[i] != 0 ? confidence[i] : +0.0.</summary>
    /// <remarks>64 pixels per 512-bit iteration: the 64 mask bytes are compared with 0 and the
    /// 0xFF/0 results sign-extended to four vectors of 16 int32 masks that clear the floats' bits.
    /// Bit-equal to <see cref="ReferenceKernels.ApplyMask(Span{float}, ReadOnlySpan{byte})"/>.</remarks>
    /// <param name="confidence">Confidence raster, changed in place.</param>
    /// <param name="valid">Validity mask, non-zero = valid; at least as long as <paramref name="confidence"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="valid"/> is shorter than <paramref name="confidence"/>.</exception>
    public static void ApplyMask(Span<float> confidence, ReadOnlySpan<byte> valid) => ApplyMask(confidence, valid, BestIsa);

    internal static void ApplyMask(Span<byte> cls, ReadOnlySpan<byte> valid, KernelIsa isa)
    {
        KernelGuard.AtLeast(cls.Length, valid.Length, nameof(valid));
        ref byte c = ref Ref(cls);
        ref byte v = ref Ref(valid);
        nuint n = (nuint)cls.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 64)
        {
            for (; i <= n - 64; i += 64)
            {
                var invalid = Vector512.Equals(Vector512.LoadUnsafe(ref v, i), Vector512<byte>.Zero);
                Vector512.AndNot(Vector512.LoadUnsafe(ref c, i), invalid).StoreUnsafe(ref c, i);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 32)
        {
            for (; i <= n - 32; i += 32)
            {
                var invalid = Vector256.Equals(Vector256.LoadUnsafe(ref v, i), Vector256<byte>.Zero);
                Vector256.AndNot(Vector256.LoadUnsafe(ref c, i), invalid).StoreUnsafe(ref c, i);
            }
        }

        for (int j = (int)i; j < cls.Length; j++) if (valid[j] == 0) cls[j] = 0;
    }

    internal static void ApplyMask(Span<float> confidence, ReadOnlySpan<byte> valid, KernelIsa isa)
    {
        KernelGuard.AtLeast(confidence.Length, valid.Length, nameof(valid));
        ref int c = ref Ref(System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(confidence));
        ref byte v = ref Ref(valid);
        nuint n = (nuint)confidence.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 64)
        {
            for (; i <= n - 64; i += 64)
            {
                var invalid = Vector512.Equals(Vector512.LoadUnsafe(ref v, i), Vector512<byte>.Zero).AsSByte();
                var (h0, h1) = Vector512.Widen(invalid); // sign-extends: -1 stays all ones
                var (m0, m1) = Vector512.Widen(h0);
                var (m2, m3) = Vector512.Widen(h1);
                Vector512.AndNot(Vector512.LoadUnsafe(ref c, i), m0).StoreUnsafe(ref c, i);
                Vector512.AndNot(Vector512.LoadUnsafe(ref c, i + 16), m1).StoreUnsafe(ref c, i + 16);
                Vector512.AndNot(Vector512.LoadUnsafe(ref c, i + 32), m2).StoreUnsafe(ref c, i + 32);
                Vector512.AndNot(Vector512.LoadUnsafe(ref c, i + 48), m3).StoreUnsafe(ref c, i + 48);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 32)
        {
            for (; i <= n - 32; i += 32)
            {
                var invalid = Vector256.Equals(Vector256.LoadUnsafe(ref v, i), Vector256<byte>.Zero).AsSByte();
                var (h0, h1) = Vector256.Widen(invalid);
                var (m0, m1) = Vector256.Widen(h0);
                var (m2, m3) = Vector256.Widen(h1);
                Vector256.AndNot(Vector256.LoadUnsafe(ref c, i), m0).StoreUnsafe(ref c, i);
                Vector256.AndNot(Vector256.LoadUnsafe(ref c, i + 8), m1).StoreUnsafe(ref c, i + 8);
                Vector256.AndNot(Vector256.LoadUnsafe(ref c, i + 16), m2).StoreUnsafe(ref c, i + 16);
                Vector256.AndNot(Vector256.LoadUnsafe(ref c, i + 24), m3).StoreUnsafe(ref c, i + 24);
            }
        }

        for (int j = (int)i; j < confidence.Length; j++) if (valid[j] == 0) confidence[j] = 0f;
    }
}
