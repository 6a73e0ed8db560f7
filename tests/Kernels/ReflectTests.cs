using WeiPian.Engine.Kernels;
using Fast = WeiPian.Engine.Kernels.SimdKernels;
using Ref = WeiPian.Engine.Kernels.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

public class ReflectTests
{
    [Theory]
    [InlineData(5, new[] { -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 },
                   new[] { 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3, 2, 1, 0, 1, 2, 3, 4, 3 })]
    [InlineData(2, new[] { -3, -2, -1, 0, 1, 2, 3, 4 }, new[] { 1, 0, 1, 0, 1, 0, 1, 0 })]
    [InlineData(1, new[] { -7, -1, 0, 1, 2, 1000 }, new[] { 0, 0, 0, 0, 0, 0 })]
    public void MatchesNumpyReflect(int n, int[] i, int[] expected)
    {
        // np.take(np.arange(n), np.pad(np.arange(n), k, mode='reflect')) written out by hand
        Assert.Equal(expected, i.Select(x => Fast.ReflectIndex(x, n)));
        Assert.Equal(expected, i.Select(x => Ref.ReflectIndex(x, n)));
    }

    [Fact]
    public void MatchesBouncingReferenceOverManyOffsets()
    {
        for (int n = 1; n <= 40; n++)
            for (int i = -10 * n - 3; i <= 10 * n + 3; i++)
                Assert.True(Ref.ReflectIndex(i, n) == Fast.ReflectIndex(i, n), $"i={i} n={n}: {Fast.ReflectIndex(i, n)} vs reference {Ref.ReflectIndex(i, n)}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(512)]
    [InlineData(30001)]
    [InlineData(int.MaxValue)]
    public void ExtremeOffsetsStayInRangeAndKeepTheSymmetries(int n)
    {
        long period = Math.Max(1, 2L * (n - 1));
        foreach (int i in new[] { int.MinValue, int.MinValue + 1, -n, -1, 0, n - 1, n, int.MaxValue - 1, int.MaxValue })
        {
            int r = Fast.ReflectIndex(i, n);
            Assert.InRange(r, 0, n - 1);
            if (i != int.MinValue) Assert.Equal(r, Fast.ReflectIndex(-i, n));                         // mirror about 0
            long shifted = i - period;
            if (shifted >= int.MinValue) Assert.Equal(r, Fast.ReflectIndex((int)shifted, n));       // period 2(n-1)
        }
    }

    [Fact]
    public void RejectsEmptyLength()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ReflectIndex(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ReflectIndex(-1, -5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ref.ReflectIndex(0, 0));
    }
}
