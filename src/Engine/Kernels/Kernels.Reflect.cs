namespace WeiPian.Engine.Kernels;

public static partial class SimdKernels
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
}
