using WeiPian.Engine.Kernels;
using static WeiPian.Engine.Tests.Kernels.KernelTestData;
using Fast = WeiPian.Engine.Kernels.SimdKernels;
using Ref = WeiPian.Engine.Kernels.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

/// <summary>
/// The public entry points (the path this machine picks, <see cref="Fast.BestIsa"/>) against the
/// reference, at a tile-like size and an odd one. In the intrinsics-off child run these are the
/// scalar fallbacks.
/// </summary>
public class PublicEntryTests
{
    public static TheoryData<int> Sizes => new([256 * 256, 6 * 512 + 7]);

    [Theory, MemberData(nameof(Sizes))]
    public void EveryPublicKernelMatchesItsReference(int n)
    {
        var rng = Rng(n, 90);
        var u16 = UInt16(rng, n, 0, 63, 1003);
        var u8 = Bytes(rng, n, 0, 10, 240);
        var f = Floats(rng, n, 2000f, 63f, 1003f);
        var valid = Bytes(rng, n, 0, 1);
        float[] expected = new float[n], actual = new float[n];

        Ref.ScaleToFloat(u16, expected, 63f, 1003f, 0.006f, -2.2f);
        Fast.ScaleToFloat(u16, actual, 63f, 1003f, 0.006f, -2.2f);
        AssertBitEqual(expected, actual, "ScaleToFloat(UInt16)");
        Ref.ScaleToFloat(u8, expected, 10f, 240f, 0.004f, -1f);
        Fast.ScaleToFloat(u8, actual, 10f, 240f, 0.004f, -1f);
        AssertBitEqual(expected, actual, "ScaleToFloat(Byte)");
        Ref.ScaleToFloat(f, expected, 63f, 1003f, 0.006f, -2.2f);
        Fast.ScaleToFloat(f, actual, 63f, 1003f, 0.006f, -2.2f);
        AssertBitEqual(expected, actual, "ScaleToFloat(Single)");

        byte[] expectedMask = valid.ToArray(), actualMask = valid.ToArray();
        Ref.MarkNoData(u16, 0, expectedMask);
        Fast.MarkNoData(u16, 0, actualMask);
        Ref.MarkNoData(u8, 10, expectedMask);
        Fast.MarkNoData(u8, 10, actualMask);
        AssertEqual<byte>(expectedMask, actualMask, "MarkNoData");

        const int classes = 5;
        var logits = Floats(rng, classes * n, 30f);
        byte[] expectedCls = new byte[n], actualCls = new byte[n];
        Ref.ArgmaxSoftmax(logits, classes, n, expectedCls, expected);
        Fast.ArgmaxSoftmax(logits, classes, n, actualCls, actual);
        AssertEqual<byte>(expectedCls, actualCls, "ArgmaxSoftmax classes");
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"ArgmaxSoftmax confidence {i}");

        Ref.ArgmaxProbabilities(logits, classes, n, expectedCls, expected);
        Fast.ArgmaxProbabilities(logits, classes, n, actualCls, actual);
        AssertEqual<byte>(expectedCls, actualCls, "ArgmaxProbabilities classes");
        AssertBitEqual(expected, actual, "ArgmaxProbabilities confidence");

        Ref.ThresholdLogit(f.AsSpan(0, n), 0.6f, 1, expectedCls, expected);
        Fast.ThresholdLogit(f.AsSpan(0, n), 0.6f, 1, actualCls, actual);
        AssertEqual<byte>(expectedCls, actualCls, "ThresholdLogit classes");
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6f, $"ThresholdLogit confidence {i}");

        Ref.ApplyMask(expectedCls, valid);
        Fast.ApplyMask(actualCls, valid);
        AssertEqual<byte>(expectedCls, actualCls, "ApplyMask(classes)");
    }
}
