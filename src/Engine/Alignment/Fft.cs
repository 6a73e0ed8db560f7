using System.Numerics;
using System.Runtime.CompilerServices;

namespace WeiPian.Engine.Alignment;

/// <summary>
/// The discrete Fourier transform by the radix-2 Cooley-Tukey algorithm, in place, for lengths that are powers of two:
/// all phase correlation needs (blocks of 256 x 256). Forward is <c>X[k] = sum x[n] e^(-2 pi i k n / N)</c>; the inverse
/// uses <c>+i</c> and divides by N, so inverse(forward(x)) = x.
/// </summary>
internal static class Fft
{
    /// <summary>Transforms <paramref name="data"/> in place.</summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    /// <remarks>
    /// Compiled optimised at once: the co-registration runs it a few thousand times in the first second of a run, while
    /// the runtime is still compiling everything else, so tiering left it in its slow first form for most of those calls.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transform(Span<Complex> data, bool inverse = false)
    {
        var n = data.Length;
        if (n == 0 || !BitOperations.IsPow2(n)) throw new ArgumentException($"An FFT length must be a power of two, not {n}.", nameof(data));
        // Bit-reversal permutation, then butterflies of growing span.
        for (int i = 1, j = 0; i < n; i++)
        {
            var bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) j ^= bit;
            j |= bit;
            if (i < j) (data[i], data[j]) = (data[j], data[i]);
        }
        var sign = inverse ? 1.0 : -1.0;
        for (var span = 2; span <= n; span <<= 1)
        {
            var angle = sign * 2 * Math.PI / span;
            var step = new Complex(Math.Cos(angle), Math.Sin(angle));
            var half = span >> 1;
            for (var start = 0; start < n; start += span)
            {
                var w = Complex.One;
                for (var k = 0; k < half; k++)
                {
                    var a = data[start + k];
                    var b = data[start + k + half] * w;
                    data[start + k] = a + b;
                    data[start + k + half] = a - b;
                    w *= step;
                }
            }
        }
        if (!inverse) return;
        for (var i = 0; i < n; i++) data[i] /= n;
    }

    /// <summary>
    /// Transforms a square <paramref name="size"/> x <paramref name="size"/> row-major block in place: rows, then columns
    /// (through <paramref name="column"/>, a scratch of <paramref name="size"/> values).
    /// </summary>
    public static void Transform2D(Span<Complex> block, int size, Span<Complex> column, bool inverse = false)
    {
        if (block.Length != size * size || column.Length < size)
            throw new ArgumentException($"A {size} x {size} block needs {size * size} values and a column scratch of {size}.", nameof(block));
        for (var r = 0; r < size; r++) Transform(block.Slice(r * size, size), inverse);
        var col = column[..size];
        for (var c = 0; c < size; c++)
        {
            for (var r = 0; r < size; r++) col[r] = block[r * size + c];
            Transform(col, inverse);
            for (var r = 0; r < size; r++) block[r * size + c] = col[r];
        }
    }

    /// <summary>The transform by its definition, O(N²): the reference the fast one is tested against.</summary>
    public static Complex[] Direct(ReadOnlySpan<Complex> x, bool inverse = false)
    {
        var n = x.Length;
        var result = new Complex[n];
        var sign = inverse ? 1.0 : -1.0;
        for (var k = 0; k < n; k++)
        {
            var sum = Complex.Zero;
            for (var t = 0; t < n; t++)
            {
                var angle = sign * 2 * Math.PI * ((long)k * t % n) / n;
                sum += x[t] * new Complex(Math.Cos(angle), Math.Sin(angle));
            }
            result[k] = inverse ? sum / n : sum;
        }
        return result;
    }
}
