using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static WeiPian.Engine.Kernels.VectorMath;

namespace WeiPian.Engine.Kernels;

public static partial class SimdKernels
{
    /// <summary>
    /// Clears the validity mask where a band holds its nodata value: valid[i] = 0 where
    /// band[i] == <paramref name="nodata"/>; every other entry is left as it was. Start from a mask
    /// of ones and call once per band of both dates: the result is valid only where every band of
    /// both scenes has data.
    /// </summary>
    /// <remarks>Lanes: 64 pixels per 512-bit iteration (two vectors of 32 UInt16 compared, the
    /// 0xFFFF/0 results narrowed to one vector of 64 bytes and and-not'ed into the mask; unchanged
    /// bytes are written back as they were). Bit-equal to <see cref="ReferenceKernels.MarkNoData(ReadOnlySpan{ushort}, ushort, Span{byte})"/>.</remarks>
    /// <param name="band">One band plane.</param>
    /// <param name="nodata">The band's nodata value (0 for GF-2 deliveries).</param>
    /// <param name="valid">Validity mask, non-zero = valid; at least as long as <paramref name="band"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="valid"/> is shorter than <paramref name="band"/>.</exception>
    public static void MarkNoData(ReadOnlySpan<ushort> band, ushort nodata, Span<byte> valid)
        => MarkNoData(band, nodata, valid, BestIsa);

    /// <summary>Byte-band variant of <see cref="MarkNoData(ReadOnlySpan{ushort}, ushort, Span{byte})"/>.</summary>
    /// <param name="band">One band plane.</param>
    /// <param name="nodata">The band's nodata value.</param>
    /// <param name="valid">Validity mask, non-zero = valid; at least as long as <paramref name="band"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="valid"/> is shorter than <paramref name="band"/>.</exception>
    public static void MarkNoData(ReadOnlySpan<byte> band, byte nodata, Span<byte> valid)
        => MarkNoData(band, nodata, valid, BestIsa);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MarkNoData(ReadOnlySpan<ushort> band, ushort nodata, Span<byte> valid, KernelIsa isa)
    {
        KernelGuard.AtLeast(band.Length, valid.Length, nameof(valid));
        ref ushort b = ref Ref(band);
        ref byte v = ref Ref(valid);
        nuint n = (nuint)band.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 64)
        {
            var nd = Vector512.Create(nodata);
            for (; i <= n - 64; i += 64)
            {
                var eq0 = Vector512.Equals(Vector512.LoadUnsafe(ref b, i), nd);
                var eq1 = Vector512.Equals(Vector512.LoadUnsafe(ref b, i + 32), nd);
                var hit = Vector512.Narrow(eq0, eq1); // 0xFFFF → 0xFF, lane order kept
                Vector512.AndNot(Vector512.LoadUnsafe(ref v, i), hit).StoreUnsafe(ref v, i);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 32)
        {
            var nd = Vector256.Create(nodata);
            for (; i <= n - 32; i += 32)
            {
                var eq0 = Vector256.Equals(Vector256.LoadUnsafe(ref b, i), nd);
                var eq1 = Vector256.Equals(Vector256.LoadUnsafe(ref b, i + 16), nd);
                var hit = Vector256.Narrow(eq0, eq1);
                Vector256.AndNot(Vector256.LoadUnsafe(ref v, i), hit).StoreUnsafe(ref v, i);
            }
        }

        for (int j = (int)i; j < band.Length; j++) if (band[j] == nodata) valid[j] = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MarkNoData(ReadOnlySpan<byte> band, byte nodata, Span<byte> valid, KernelIsa isa)
    {
        KernelGuard.AtLeast(band.Length, valid.Length, nameof(valid));
        ref byte b = ref Ref(band);
        ref byte v = ref Ref(valid);
        nuint n = (nuint)band.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 64)
        {
            var nd = Vector512.Create(nodata);
            for (; i <= n - 64; i += 64)
                Vector512.AndNot(Vector512.LoadUnsafe(ref v, i), Vector512.Equals(Vector512.LoadUnsafe(ref b, i), nd)).StoreUnsafe(ref v, i);
        }
        else if (isa >= KernelIsa.Vector256 && n >= 32)
        {
            var nd = Vector256.Create(nodata);
            for (; i <= n - 32; i += 32)
                Vector256.AndNot(Vector256.LoadUnsafe(ref v, i), Vector256.Equals(Vector256.LoadUnsafe(ref b, i), nd)).StoreUnsafe(ref v, i);
        }

        for (int j = (int)i; j < band.Length; j++) if (band[j] == nodata) valid[j] = 0;
    }
}
