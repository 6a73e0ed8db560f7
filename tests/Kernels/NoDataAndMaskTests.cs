using WeiPian.Engine.Kernels;
using static WeiPian.Engine.Tests.Kernels.KernelTestData;
using Fast = WeiPian.Engine.Kernels.SimdKernels;
using Ref = WeiPian.Engine.Kernels.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

public class NoDataAndMaskTests
{
    public static TheoryData<string> Isas => KernelTestData.Isas;

    [Theory, MemberData(nameof(Isas))]
    public void MarkNoDataUInt16MatchesReference(string isa)
    {
        foreach (ushort nodata in new ushort[] { 0, 65535, 1 })
            foreach (int n in Lengths)
            {
                var rng = Rng(n, 10 + nodata);
                var band = UInt16(rng, n, nodata, (ushort)(nodata ^ 0x00FF), (ushort)(nodata ^ 0xFF00));
                var valid = Bytes(rng, n, 0, 1, 255); // a mask already ANDed with other bands
                int off = Offset(n);
                var expected = valid.ToArray();
                Ref.MarkNoData(band, nodata, expected);
                var actual = Padded(valid, off, 5, (byte)0xA5);
                Fast.MarkNoData(Padded(band, off, 3, nodata).AsSpan(off, n), nodata, actual.AsSpan(off), Isa(isa));
                AssertEqual<byte>(expected, actual.AsSpan(off, n), $"{isa} nodata={nodata} n={n}");
                Assert.All(actual.AsSpan(off + n).ToArray(), v => Assert.Equal(0xA5, v));
            }
    }

    [Theory, MemberData(nameof(Isas))]
    public void MarkNoDataByteMatchesReference(string isa)
    {
        foreach (byte nodata in new byte[] { 0, 255, 128 })
            foreach (int n in Lengths)
            {
                var rng = Rng(n, 20 + nodata);
                var band = Bytes(rng, n, nodata, nodata, (byte)(nodata ^ 1));
                var valid = Bytes(rng, n, 0, 1, 255);
                int off = Offset(n);
                var expected = valid.ToArray();
                Ref.MarkNoData(band, nodata, expected);
                var actual = Padded(valid, off, 5, (byte)0xA5);
                Fast.MarkNoData(Padded(band, off, 3, nodata).AsSpan(off, n), nodata, actual.AsSpan(off), Isa(isa));
                AssertEqual<byte>(expected, actual.AsSpan(off, n), $"{isa} nodata={nodata} n={n}");
                Assert.All(actual.AsSpan(off + n).ToArray(), v => Assert.Equal(0xA5, v));
            }
    }

    [Fact]
    public void MarkNoDataOverBandsAndDatesAndsTheMasks()
    {
        // Two dates x two bands; a pixel is valid only where all four have data.
        ushort[][] bands = [[0, 5, 5, 5, 5], [5, 0, 5, 5, 5], [5, 5, 0, 5, 5], [5, 5, 5, 0, 5]];
        var valid = Filled<byte>(5, 1);
        foreach (var b in bands) Fast.MarkNoData(b, 0, valid);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1 }, valid);
        Assert.Throws<ArgumentException>(() => Fast.MarkNoData(new ushort[6], 0, valid));
    }

    [Theory, MemberData(nameof(Isas))]
    public void ApplyMaskToClassesMatchesReference(string isa)
    {
        foreach (int n in Lengths)
        {
            var rng = Rng(n, 30);
            var cls = Bytes(rng, n, 0, 1, 4);
            var valid = Bytes(rng, n, 0, 0, 1, 255);
            int off = Offset(n);
            var expected = cls.ToArray();
            Ref.ApplyMask(expected, valid);
            var actual = Padded(cls, off, 5, (byte)0xA5);
            Fast.ApplyMask(actual.AsSpan(off, n), Padded(valid, off, 3, (byte)0).AsSpan(off, n), Isa(isa));
            AssertEqual<byte>(expected, actual.AsSpan(off, n), $"{isa} n={n}");
            Assert.All(actual.AsSpan(off + n).ToArray(), v => Assert.Equal(0xA5, v));
        }
    }

    [Fact]
    public void ApplyMaskRejectsShortMask()
    {
        Assert.Throws<ArgumentException>(() => Fast.ApplyMask(new byte[3], new byte[2]));
        Fast.ApplyMask(new byte[2], new byte[3]);
    }
}
