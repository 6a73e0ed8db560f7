using static WeiPian.Engine.Tests.Kernels.KernelTestData;
using Fast = WeiPian.Engine.Kernels;
using Ref = WeiPian.Engine.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

public class AccumulateTests
{
    public static TheoryData<string> Isas => KernelTestData.Isas;

    [Theory, MemberData(nameof(Isas))]
    public void AccumulateWeightedMatchesReferenceBitForBit(string isa)
    {
        foreach (int n in Lengths)
        {
            var rng = Rng(n, 40);
            var src = Floats(rng, n, 30f);
            var weight = Floats(rng, n, 1f, 0f, 1f, 0.25f);
            var acc = Floats(rng, n, 100f);
            int off = Offset(n);
            var expected = acc.ToArray();
            Ref.AccumulateWeighted(src, weight, expected);
            var actual = Padded(acc, off, 5, 3f);
            Fast.AccumulateWeighted(Padded(src, off, 1, 1f).AsSpan(off, n), Padded(weight, off, 2, 1f).AsSpan(off, n), actual.AsSpan(off), Isa(isa));
            AssertBitEqual(expected, actual.AsSpan(off, n), $"{isa} n={n}");
            Assert.All(actual.AsSpan(off + n).ToArray(), v => Assert.Equal(3f, v));
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void AccumulateScaledMatchesReferenceBitForBit(string isa)
    {
        foreach (float w in new[] { 0.37f, 0f, -1f, float.NaN })
            foreach (int n in Lengths)
            {
                var rng = Rng(n, 41);
                var src = Floats(rng, n, 30f);
                var acc = Floats(rng, n, 100f);
                int off = Offset(n);
                var expected = acc.ToArray();
                Ref.AccumulateScaled(src, w, expected);
                var actual = Padded(acc, off, 5, 3f);
                Fast.AccumulateScaled(Padded(src, off, 1, 1f).AsSpan(off, n), w, actual.AsSpan(off), Isa(isa));
                AssertBitEqual(expected, actual.AsSpan(off, n), $"{isa} w={w} n={n}");
                Assert.All(actual.AsSpan(off + n).ToArray(), v => Assert.Equal(3f, v));
            }
    }

    [Fact]
    public void AccumulateIsOneFusedMultiplyAdd()
    {
        // (1 + 2^-23)^2 = 1 + 2^-22 + 2^-46: a multiply then an add loses the 2^-46; FMA keeps it.
        float x = 1f + MathF.Pow(2, -23);
        var acc = new[] { -1f - MathF.Pow(2, -22) };
        Fast.AccumulateWeighted([x], [x], acc);
        Assert.Equal(MathF.FusedMultiplyAdd(x, x, -1f - MathF.Pow(2, -22)), acc[0]);
        Assert.Equal(MathF.Pow(2, -46), acc[0]);
    }

    [Fact]
    public void BlendingTwoOverlappingTilesWithComplementaryWeightsGivesTheValue()
    {
        var a = Filled(100, 2f);
        var w = Enumerable.Range(0, 100).Select(i => i / 99f).ToArray();
        var w2 = w.Select(v => 1f - v).ToArray();
        var acc = new float[100];
        Fast.AccumulateWeighted(a, w, acc);
        Fast.AccumulateWeighted(a, w2, acc);
        Assert.All(acc, v => Assert.Equal(2f, v, 6));
    }

    [Fact]
    public void RejectsShortSpans()
    {
        Assert.Throws<ArgumentException>(() => Fast.AccumulateWeighted(new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Fast.AccumulateWeighted(new float[4], new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Fast.AccumulateScaled(new float[4], 1f, new float[3]));
    }
}
