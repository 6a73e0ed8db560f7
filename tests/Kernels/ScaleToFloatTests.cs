using WeiPian.Engine.Kernels;
using static WeiPian.Engine.Tests.Kernels.KernelTestData;
using Fast = WeiPian.Engine.Kernels.SimdKernels;
using Ref = WeiPian.Engine.Kernels.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

public class ScaleToFloatTests
{
    // A GF-2 10-bit band as a model card would give it: min, max, mean, std; a and c as the engine derives them.
    private const float Min = 63f, Max = 1003f, Mean = 0.31f, Std = 0.17f;
    private const float A = 1f / ((Max - Min) * Std);
    private const float C = (-Min / (Max - Min) - Mean) / Std;
    private const float Sentinel = -12345.5f;

    public static TheoryData<string> Isas => KernelTestData.Isas;

    [Theory, MemberData(nameof(Isas))]
    public void UInt16MatchesReferenceBitForBit(string isa)
    {
        foreach (int n in Lengths)
        {
            var rng = Rng(n, 1);
            var src = UInt16(rng, n, 62, 63, 64, 1002, 1003, 1004);
            int off = Offset(n);
            var expected = new float[n];
            Ref.ScaleToFloat(src, expected, Min, Max, A, C);
            var srcPadded = Padded(src, off, 3, (ushort)7);
            var dst = Filled(off + n + 5, Sentinel);
            Fast.ScaleToFloat(srcPadded.AsSpan(off, n), dst.AsSpan(off), Min, Max, A, C, Isa(isa));
            AssertBitEqual(expected, dst.AsSpan(off, n), $"{isa} n={n}");
            Assert.All(dst.AsSpan(0, off).ToArray().Concat(dst.AsSpan(off + n).ToArray()), v => Assert.Equal(Sentinel, v));
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void ByteMatchesReferenceBitForBit(string isa)
    {
        foreach (int n in Lengths)
        {
            var rng = Rng(n, 2);
            var src = Bytes(rng, n, 9, 10, 11, 239, 240, 241);
            int off = Offset(n);
            var expected = new float[n];
            Ref.ScaleToFloat(src, expected, 10f, 240f, 1f / 230f, -10f / 230f);
            var dst = Filled(off + n + 5, Sentinel);
            Fast.ScaleToFloat(Padded(src, off, 3, (byte)1).AsSpan(off, n), dst.AsSpan(off), 10f, 240f, 1f / 230f, -10f / 230f, Isa(isa));
            AssertBitEqual(expected, dst.AsSpan(off, n), $"{isa} n={n}");
            Assert.All(dst.AsSpan(off + n).ToArray(), v => Assert.Equal(Sentinel, v));
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void FloatMatchesReferenceBitForBitWithNaNAndInfinities(string isa)
    {
        foreach (int n in Lengths)
        {
            var rng = Rng(n, 3);
            var src = Floats(rng, n, 2000f, Min, Max, MathF.BitDecrement(Min), MathF.BitIncrement(Max));
            int off = Offset(n);
            var expected = new float[n];
            Ref.ScaleToFloat(src, expected, Min, Max, A, C);
            var dst = Filled(off + n + 5, Sentinel);
            Fast.ScaleToFloat(Padded(src, off, 3, 0f).AsSpan(off, n), dst.AsSpan(off), Min, Max, A, C, Isa(isa));
            AssertBitEqual(expected, dst.AsSpan(off, n), $"{isa} n={n}");
            Assert.All(dst.AsSpan(off + n).ToArray(), v => Assert.Equal(Sentinel, v));
            Assert.DoesNotContain(dst.AsSpan(off, n).ToArray(), float.IsNaN); // NaN never reaches the model
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void FloatInPlaceMatchesReference(string isa)
    {
        foreach (int n in new[] { 0, 1, 15, 16, 17, 33, 6 * 512 + 7 })
        {
            var src = Floats(Rng(n, 4), n, 5000f);
            var expected = new float[n];
            Ref.ScaleToFloat(src, expected, -100f, 4000f, 0.001f, -0.5f);
            Fast.ScaleToFloat(src, src, -100f, 4000f, 0.001f, -0.5f, Isa(isa));
            AssertBitEqual(expected, src, $"{isa} n={n}");
        }
    }

    [Fact]
    public void PublicEntryMatchesReference()
    {
        var src = UInt16(Rng(1000), 65537, 0, 65535);
        var expected = new float[src.Length];
        var actual = new float[src.Length];
        Ref.ScaleToFloat(src, expected, Min, Max, A, C);
        Fast.ScaleToFloat(src, actual, Min, Max, A, C);
        AssertBitEqual(expected, actual, "public");
    }

    [Fact]
    public void RuleClampsThenFusedMultiplyAdd()
    {
        float[] src = [0f, 62f, 63f, 500f, 1003f, 1004f, float.NaN, float.PositiveInfinity, float.NegativeInfinity];
        var dst = new float[src.Length];
        Fast.ScaleToFloat(src, dst, Min, Max, A, C);
        float atMin = MathF.FusedMultiplyAdd(Min, A, C), atMax = MathF.FusedMultiplyAdd(Max, A, C);
        Assert.Equal([atMin, atMin, atMin, MathF.FusedMultiplyAdd(500f, A, C), atMax, atMax, atMin, atMax, atMin], dst);
        // The card's formula: ((x - min)/(max - min) - mean)/std, within float rounding.
        Assert.Equal(((500.0 - Min) / (Max - Min) - Mean) / Std, dst[3], 5);
        Assert.Equal(-Mean / Std, atMin, 5);
    }

    [Theory, MemberData(nameof(Isas))]
    public void IntegerSourcesKeepTheSignOfZeroAtTheBounds(string isa)
    {
        // lo = hi = -0 and c = -0: the clamp keeps x = +0 (+0 >= -0 and +0 <= -0), so the result is +0 * a + -0 = +0;
        // a clamp that returned the bound instead would give -0. Lengths past one 512-bit iteration of either source.
        const int n = 200;
        foreach (float a in new[] { 1f, -1f })
        {
            var expected = new float[n];
            var actual = Filled(n, Sentinel);
            var words = new ushort[n];
            var bytes = new byte[n];
            Ref.ScaleToFloat(words, expected, -0f, -0f, a, -0f);
            Fast.ScaleToFloat(words, actual, -0f, -0f, a, -0f, Isa(isa));
            AssertBitEqual(expected, actual, $"{isa} UInt16 a={a}");
            Fast.ScaleToFloat(bytes, actual, -0f, -0f, a, -0f, Isa(isa));
            AssertBitEqual(expected, actual, $"{isa} Byte a={a}");
        }
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var dst = new float[4];
        Assert.Throws<ArgumentException>(() => Fast.ScaleToFloat(new ushort[4], dst, 10f, 5f, 1f, 0f));
        Assert.Throws<ArgumentException>(() => Fast.ScaleToFloat(new ushort[4], dst, float.NaN, 5f, 1f, 0f));
        Assert.Throws<ArgumentException>(() => Fast.ScaleToFloat(new ushort[5], dst, 0f, 5f, 1f, 0f));
        Assert.Throws<ArgumentException>(() => Ref.ScaleToFloat(new ushort[5], dst, 0f, 5f, 1f, 0f));
        Fast.ScaleToFloat(new ushort[3], dst, 2f, 2f, 1f, 0f); // lo == hi is fine; a longer dst too
        Assert.Equal([2f, 2f, 2f, 0f], dst);
    }
}
