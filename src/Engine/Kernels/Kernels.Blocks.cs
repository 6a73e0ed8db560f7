using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static WeiPian.Engine.Kernels.VectorMath;

namespace WeiPian.Engine.Kernels;

public static partial class SimdKernels
{
    /// <summary>
    /// The block means a screen of block means takes (<c>input.form</c> "blocks"), for one row of blocks of one band:
    /// the mean of each <paramref name="block"/> x <paramref name="block"/> block of the before rows, of the after rows,
    /// and of |after - before|. Bit-equal to <see cref="ReferenceKernels.BlockMeans"/>, which defines the order of the sums.
    /// </summary>
    /// <remarks>
    /// Columns are summed down the block's rows on vectors (any block side), into <paramref name="columns"/>; each block's
    /// columns are then added across, in order, and multiplied by 1 / block². Writing block means, not the scaled pixels,
    /// is what makes the screen cheap: its graph and the engine move a sixteenth of the floats at 4 x 4.
    /// </remarks>
    /// <param name="before">The before date's scaled rows of the block row: <paramref name="block"/> rows of <paramref name="width"/> floats.</param>
    /// <param name="after">The after date's rows, laid out alike.</param>
    /// <param name="width">Pixels per row, a multiple of <paramref name="block"/>.</param>
    /// <param name="block">Block side in pixels, at least 1.</param>
    /// <param name="beforeMeans">Receives width / block means of the before rows.</param>
    /// <param name="afterMeans">Receives the after rows' means.</param>
    /// <param name="differenceMeans">Receives the means of |after - before|.</param>
    /// <param name="columns">Scratch of at least 3 x <paramref name="width"/> floats.</param>
    internal static void BlockMeans(ReadOnlySpan<float> before, ReadOnlySpan<float> after, int width, int block,
        Span<float> beforeMeans, Span<float> afterMeans, Span<float> differenceMeans, Span<float> columns)
        => BlockMeans(before, after, width, block, beforeMeans, afterMeans, differenceMeans, columns, BestIsa);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BlockMeans(ReadOnlySpan<float> before, ReadOnlySpan<float> after, int width, int block,
        Span<float> beforeMeans, Span<float> afterMeans, Span<float> differenceMeans, Span<float> columns, KernelIsa isa)
    {
        KernelGuard.Blocks(before.Length, after.Length, width, block, beforeMeans.Length, afterMeans.Length, differenceMeans.Length, columns.Length);
        ref float b = ref Ref(before);
        ref float a = ref Ref(after);
        ref float sb = ref Ref(columns);
        ref float sa = ref Ref(columns[width..]);
        ref float sd = ref Ref(columns[(2 * width)..]);
        nuint n = (nuint)width, i = 0, stride = (nuint)width;

        if (isa == KernelIsa.Vector512 && n >= 16)
        {
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> vb = Vector512<float>.Zero, va = Vector512<float>.Zero, vd = Vector512<float>.Zero;
                for (nuint r = 0, at = i; r < (nuint)block; r++, at += stride)
                {
                    var x = Vector512.LoadUnsafe(ref b, at);
                    var y = Vector512.LoadUnsafe(ref a, at);
                    vb += x;
                    va += y;
                    vd += Vector512.Abs(y - x);
                }
                vb.StoreUnsafe(ref sb, i);
                va.StoreUnsafe(ref sa, i);
                vd.StoreUnsafe(ref sd, i);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 8)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector256<float> vb = Vector256<float>.Zero, va = Vector256<float>.Zero, vd = Vector256<float>.Zero;
                for (nuint r = 0, at = i; r < (nuint)block; r++, at += stride)
                {
                    var x = Vector256.LoadUnsafe(ref b, at);
                    var y = Vector256.LoadUnsafe(ref a, at);
                    vb += x;
                    va += y;
                    vd += Vector256.Abs(y - x);
                }
                vb.StoreUnsafe(ref sb, i);
                va.StoreUnsafe(ref sa, i);
                vd.StoreUnsafe(ref sd, i);
            }
        }

        for (var c = (int)i; c < width; c++) ReferenceKernels.ColumnSums(before, after, width, block, c, columns);
        ReferenceKernels.MeansAcross(columns, width, block, beforeMeans, afterMeans, differenceMeans);
    }
}
