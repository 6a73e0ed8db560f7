using System.Numerics;
using WeiPian.Engine.Alignment;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>The radix-2 FFT equals the DFT by its definition (the scalar reference), forward and inverse, in 1-D and 2-D.</summary>
public class FftTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(512)]
    public void EqualsTheDirectTransform(int n)
    {
        var random = new Random(n);
        var x = Enumerable.Range(0, n).Select(_ => new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5)).ToArray();
        foreach (var inverse in new[] { false, true })
        {
            var expected = Fft.Direct(x, inverse);
            var actual = x.ToArray();
            Fft.Transform(actual, inverse);
            for (var k = 0; k < n; k++) Assert.True(Complex.Abs(expected[k] - actual[k]) < 1e-9 * Math.Max(1, n), $"n={n} k={k} inverse={inverse}: {actual[k]} vs {expected[k]}");
        }
    }

    [Fact]
    public void InverseUndoesForward_In2D()
    {
        const int n = 32;
        var random = new Random(7);
        var block = Enumerable.Range(0, n * n).Select(_ => new Complex(random.NextDouble(), 0)).ToArray();
        var original = block.ToArray();
        var column = new Complex[n];
        Fft.Transform2D(block, n, column);
        // The 2-D transform is separable: one coefficient checked against its double sum.
        var direct = Complex.Zero;
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                direct += original[r * n + c] * Complex.FromPolarCoordinates(1, -2 * Math.PI * (3.0 * r + 5.0 * c) / n);
        Assert.True(Complex.Abs(direct - block[3 * n + 5]) < 1e-9, $"{block[3 * n + 5]} vs {direct}");
        Fft.Transform2D(block, n, column, inverse: true);
        for (var i = 0; i < block.Length; i++) Assert.True(Complex.Abs(block[i] - original[i]) < 1e-12);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(12)]
    public void RefusesLengthsThatAreNotPowersOfTwo(int n) =>
        Assert.Throws<ArgumentException>(() => Fft.Transform(new Complex[n]));
}
