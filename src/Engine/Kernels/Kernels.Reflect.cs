namespace WeiPian.Engine;

public static partial class Kernels
{
    /// <summary>
    /// Folds index <paramref name="i"/> into 0..n-1 by mirror reflection about the edge pixels,
    /// without repeating them (numpy's 'reflect' padding): -1 → 1, -2 → 2, n → n-2, n+1 → n-3; the
    /// pattern repeats every 2(n-1), so offsets farther than n keep bouncing. n == 1 gives 0.
    /// Used by the tiler to pad edge tiles. Closed form, O(1), no overflow for any int.
    /// </summary>
    /// <param name="i">Any index, however far outside.</param>
    /// <param name="n">Length of the row or column in pixels, at least 1.</param>
    /// <returns>An index in 0..n-1.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is less than 1.</exception>
    public static int ReflectIndex(int i, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return (uint)i < (uint)n ? i : Fold(i, n);
    }

    private static int Fold(long i, int n)
    {
        if (n == 1) return 0;
        long period = 2L * (n - 1);
        long r = i % period;
        if (r < 0) r += period;
        return (int)(r < n ? r : period - r);
    }

    /// <summary>
    /// Copies a reflect-padded window of a row: dst[j] = src[ReflectIndex(start + j, src.Length)].
    /// The part inside the row is one block copy; only the padding goes through the index fold.
    /// </summary>
    /// <typeparam name="T">Pixel type.</typeparam>
    /// <param name="src">The row (at least one element unless <paramref name="dst"/> is empty).</param>
    /// <param name="start">Index into <paramref name="src"/> of dst[0]; may be negative or past the end.</param>
    /// <param name="dst">The padded window, written whole.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="src"/> is empty and <paramref name="dst"/> is not.</exception>
    public static void ReflectCopy<T>(ReadOnlySpan<T> src, int start, Span<T> dst)
    {
        if (dst.IsEmpty) return;
        int n = src.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(src) + ".Length");
        int j = 0;
        long at = start;
        for (; j < dst.Length && at + j < 0; j++) dst[j] = src[Fold(at + j, n)];          // left padding
        if (j < dst.Length && at + j < n)                                                     // inside the row
        {
            int from = (int)(at + j), count = Math.Min(n - from, dst.Length - j);
            src.Slice(from, count).CopyTo(dst.Slice(j, count));
            j += count;
        }
        for (; j < dst.Length; j++) dst[j] = src[Fold(at + j, n)];                          // right padding
    }
}
