using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static WeiPian.Engine.Kernels.VectorMath;

namespace WeiPian.Engine.Kernels;

public static partial class SimdKernels
{
    /// <summary>Zeroes the class raster where the mask is invalid: cls[i] = valid[i] != 0 ? cls[i] : 0.</summary>
    /// <remarks>64 bytes per 512-bit iteration. Bit-equal to <see cref="ReferenceKernels.ApplyMask(Span{byte}, ReadOnlySpan{byte})"/>.</remarks>
    /// <param name="cls">Class raster, changed in place.</param>
    /// <param name="valid">Validity mask, non-zero = valid; at least as long as <paramref name="cls"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="valid"/> is shorter than <paramref name="cls"/>.</exception>
    public static void ApplyMask(Span<byte> cls, ReadOnlySpan<byte> valid) => ApplyMask(cls, valid, BestIsa);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
}
