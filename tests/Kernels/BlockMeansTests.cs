using WeiPian.Engine.Kernels;
using static WeiPian.Engine.Tests.Kernels.KernelTestData;
using Fast = WeiPian.Engine.Kernels.SimdKernels;
using Ref = WeiPian.Engine.Kernels.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

/// <summary>The block means a screen of block means takes (<see cref="Fast.BlockMeans(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, Span{float}, Span{float}, Span{float}, Span{float})"/>).</summary>
public class BlockMeansTests
{
    public static TheoryData<string> Isas => KernelTestData.Isas;

    // Widths that take the 512-bit step and its tail, the 256-bit step alone, and neither; block sides 1 to 8.
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var isa in Enum.GetNames<KernelIsa>())
            foreach (var (width, block) in new[] { (512, 4), (36, 4), (8, 2), (6, 3), (40, 8), (7, 1) })
                data.Add(isa, width, block);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void VectorPathsGiveTheScalarTwinsBitsAndTheMeans(string isa, int width, int block)
    {
        // Scaled model input is never NaN or infinite (the scaling clamps); signed zeros and tiny values test the order.
        var rng = Rng(width, block);
        float Next() => rng.Next(8) switch { 0 => -0f, 1 => 1e-7f, 2 => rng.Next(-3, 4), _ => (float)(rng.NextDouble() * 6 - 3) };
        var before = Enumerable.Range(0, block * width).Select(_ => Next()).ToArray();
        var after = Enumerable.Range(0, block * width).Select(_ => Next()).ToArray();
        var side = width / block;
        float[] eb = new float[side], ea = new float[side], ed = new float[side];
        Ref.BlockMeans(before, after, width, block, eb, ea, ed, new float[3 * width]);
        float[] gb = Filled(side + 1, float.NaN), ga = Filled(side + 1, float.NaN), gd = Filled(side + 1, float.NaN);

        Fast.BlockMeans(before, after, width, block, gb, ga, gd, new float[3 * width], Isa(isa));

        AssertBitEqual(eb, gb.AsSpan(0, side), $"before {isa} {width}/{block}");
        AssertBitEqual(ea, ga.AsSpan(0, side), $"after {isa} {width}/{block}");
        AssertBitEqual(ed, gd.AsSpan(0, side), $"difference {isa} {width}/{block}");
        Assert.True(float.IsNaN(gb[side]) && float.IsNaN(ga[side]) && float.IsNaN(gd[side]), "wrote past the blocks");
        // The twin is the mean of each block, and of its absolute differences (in doubles, to float rounding).
        for (var j = 0; j < side; j++)
        {
            double sb = 0, sa = 0, sd = 0;
            for (var r = 0; r < block; r++)
                for (var c = j * block; c < (j + 1) * block; c++)
                {
                    var (x, y) = (before[r * width + c], after[r * width + c]);
                    (sb, sa, sd) = (sb + x, sa + y, sd + Math.Abs((double)y - x));
                }
            var n = block * block;
            Assert.Equal(sb / n, eb[j], 1e-5);
            Assert.Equal(sa / n, ea[j], 1e-5);
            Assert.Equal(sd / n, ed[j], 1e-5);
        }
    }

    [Fact]
    public void RowsThatAreNotWholeBlocksOrShortSpansAreRefused()
    {
        var rows = new float[4 * 12];
        float[] means = new float[3], columns = new float[36];
        Assert.Throws<ArgumentException>(() => Fast.BlockMeans(rows, rows, 12, 5, means, means, means, columns));
        Assert.Throws<ArgumentException>(() => Fast.BlockMeans(rows, rows, 12, 4, means, means, means, new float[35]));
        Assert.Throws<ArgumentException>(() => Fast.BlockMeans(rows, rows, 12, 4, means, means, new float[2], columns));
        Assert.Throws<ArgumentException>(() => Ref.BlockMeans(rows.AsSpan(1), rows, 12, 4, means, means, means, columns));
    }
}
