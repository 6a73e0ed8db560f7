using System.Runtime.Intrinsics;
using WeiPian.Engine.Kernels;
using static WeiPian.Engine.Tests.Kernels.KernelTestData;
using Fast = WeiPian.Engine.Kernels.SimdKernels;
using Ref = WeiPian.Engine.Kernels.ReferenceKernels;

namespace WeiPian.Engine.Tests.Kernels;

public class ClassifyTests
{
    private const float Tolerance = 1e-6f;

    public static TheoryData<string> Isas => KernelTestData.Isas;

    private static readonly int[] ClassCounts = [1, 2, 3, 5, 8];

    /// <summary>Logits with ties, NaN, ±Inf, whole NaN pixels and whole -Inf pixels planted.</summary>
    private static float[] Logits(int classes, int n, int salt)
    {
        var rng = Rng(n, salt + classes);
        var l = Floats(rng, classes * n, 40f, 88f, -88f, 100f, -100f);
        for (int i = 0; i < n; i++)
        {
            switch (rng.Next(16))
            {
                case 0: for (int k = 0; k < classes; k++) l[k * n + i] = float.NaN; break;
                case 1: for (int k = 0; k < classes; k++) l[k * n + i] = float.NegativeInfinity; break;
                case 2: for (int k = 0; k < classes; k++) l[k * n + i] = 1.5f; break;                  // all tied
                case 3: l[i] = float.NaN; break;                                                        // NaN in class 0
                case 4: l[(classes - 1) * n + i] = float.PositiveInfinity; break;
                case 5: for (int k = 0; k < classes; k++) l[k * n + i] = rng.Next(-2, 3) * 30f; break; // big gaps
            }
        }
        return l;
    }

    [Theory, MemberData(nameof(Isas))]
    public void ArgmaxSoftmaxMatchesReference(string isa)
    {
        foreach (int classes in ClassCounts)
            foreach (int n in Lengths)
            {
                var logits = Logits(classes, n, 50);
                var expectedCls = new byte[n];
                var expectedConf = new float[n];
                Ref.ArgmaxSoftmax(logits, classes, n, expectedCls, expectedConf);
                var cls = Filled(n + 5, (byte)0xA5);
                var conf = Filled(n + 5, 7f);
                Fast.ArgmaxSoftmax(logits, classes, n, cls, conf, Isa(isa));
                string what = $"{isa} classes={classes} n={n}";
                AssertEqual<byte>(expectedCls, cls.AsSpan(0, n), what);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(expectedConf[i] - conf[i]) <= Tolerance, $"{what}: pixel {i}: confidence {conf[i]:R} vs reference {expectedConf[i]:R}");
                    Assert.InRange(conf[i], 0f, 1f);
                }
                Assert.All(cls.AsSpan(n).ToArray(), v => Assert.Equal(0xA5, v));
                Assert.All(conf.AsSpan(n).ToArray(), v => Assert.Equal(7f, v));
            }
    }

    [Theory, MemberData(nameof(Isas))]
    public void ArgmaxSoftmaxMatchesDoublePrecisionSoftmax(string isa)
    {
        // Finite logits of a realistic spread: the confidence is the true softmax within 1e-6.
        const int classes = 5, n = 4099;
        var rng = Rng(n, 51);
        var logits = new float[classes * n];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)(rng.NextDouble() * 24 - 12);
        var cls = new byte[n];
        var conf = new float[n];
        Fast.ArgmaxSoftmax(logits, classes, n, cls, conf, Isa(isa));
        for (int i = 0; i < n; i++)
        {
            double max = Enumerable.Range(0, classes).Max(k => (double)logits[k * n + i]);
            double sum = Enumerable.Range(0, classes).Sum(k => Math.Exp(logits[k * n + i] - max));
            Assert.Equal(max, logits[cls[i] * n + i]);
            Assert.True(Math.Abs(1 / sum - conf[i]) <= Tolerance, $"pixel {i}: {conf[i]:R} vs {1 / sum:R}");
        }
    }

    [Theory, MemberData(nameof(Isas))]
    public void ArgmaxSoftmaxIsWithinToleranceOverEveryGapToTheWinner(string isa)
    {
        // Two classes a gap d apart, d swept finely over [0, 24]: every fraction of the exp's argument and the
        // confidences near 1/2, where the polynomial's error reaches the confidence most.
        const int n = 1 << 18;
        var logits = new float[2 * n];
        for (int i = 0; i < n; i++)
        {
            logits[i] = 3f;
            logits[n + i] = 3f - 24f * i / n;
        }
        var cls = new byte[n];
        var conf = new float[n];
        Fast.ArgmaxSoftmax(logits, 2, n, cls, conf, Isa(isa));
        for (int i = 0; i < n; i++)
        {
            double expected = 1 / (1 + Math.Exp((double)logits[n + i] - logits[i]));
            Assert.True(Math.Abs(expected - conf[i]) <= Tolerance, $"gap {logits[i] - logits[n + i]:R}: {conf[i]:R} vs {expected:R}");
            Assert.Equal(0, cls[i]);
        }
    }

    [Fact]
    public void ArgmaxSoftmaxRules()
    {
        // pixels: plain, tie, NaN first, all NaN, +Inf, two +Inf, all -Inf, -Inf vs NaN
        float nan = float.NaN, inf = float.PositiveInfinity;
        float[][] pixels =
        [
            [0f, 2f, 1f], [3f, 1f, 3f], [nan, -5f, -6f], [nan, nan, nan],
            [1f, inf, 2f], [inf, 0f, inf], [-inf, -inf, -inf], [nan, -inf, nan],
        ];
        const int classes = 3;
        int n = pixels.Length;
        var logits = new float[classes * n];
        for (int i = 0; i < n; i++) for (int k = 0; k < classes; k++) logits[k * n + i] = pixels[i][k];
        var cls = new byte[n];
        var conf = new float[n];
        Fast.ArgmaxSoftmax(logits, classes, n, cls, conf);
        Assert.Equal(new byte[] { 1, 0, 1, 0, 1, 0, 0, 1 }, cls);
        float e1 = MathF.Exp(-1), e2 = MathF.Exp(-2);
        Assert.Equal(1f / (e2 + 1f + e1), conf[0], 6);
        Assert.Equal(1f / (2f + e2), conf[1], 6);
        Assert.Equal(1f / (1f + MathF.Exp(-1)), conf[2], 6);
        Assert.Equal([0f, 1f, 0.5f, 1f / 3f, 1f], conf[3..]);
    }

    [Theory, MemberData(nameof(Isas))]
    public void ArgmaxProbabilitiesMatchesReferenceBitForBit(string isa)
    {
        foreach (int classes in ClassCounts)
            foreach (int n in Lengths)
            {
                var probs = Logits(classes, n, 60);
                var expectedCls = new byte[n];
                var expectedConf = new float[n];
                Ref.ArgmaxProbabilities(probs, classes, n, expectedCls, expectedConf);
                var cls = Filled(n + 5, (byte)0xA5);
                var conf = Filled(n + 5, 7f);
                Fast.ArgmaxProbabilities(probs, classes, n, cls, conf, Isa(isa));
                string what = $"{isa} classes={classes} n={n}";
                AssertEqual<byte>(expectedCls, cls.AsSpan(0, n), what);
                AssertBitEqual(expectedConf, conf.AsSpan(0, n), what);
                Assert.All(cls.AsSpan(n).ToArray(), v => Assert.Equal(0xA5, v));
                Assert.All(conf.AsSpan(n).ToArray(), v => Assert.Equal(7f, v));
            }
    }

    [Fact]
    public void ArgmaxProbabilitiesRules()
    {
        // plane 0: [0.2, NaN, NaN, 0.5], plane 1: [0.7, 0.3, NaN, 0.5]
        float[] probs = [0.2f, float.NaN, float.NaN, 0.5f, 0.7f, 0.3f, float.NaN, 0.5f];
        var cls = new byte[4];
        var conf = new float[4];
        Fast.ArgmaxProbabilities(probs, 2, 4, cls, conf);
        Assert.Equal(new byte[] { 1, 1, 0, 0 }, cls);
        Assert.Equal([0.7f, 0.3f, 0f, 0.5f], conf);
    }

    [Theory, MemberData(nameof(Isas))]
    public void ThresholdLogitMatchesReference(string isa)
    {
        foreach (float threshold in new[] { 0.5f, 0.3f, 0.9f, 0f, 1f, 1e-7f })
            foreach (int n in Lengths)
            {
                var rng = Rng(n, 70);
                float xt = Ref.ThresholdToLogit(threshold, 3);
                var logit = Floats(rng, n, 30f, xt, MathF.BitDecrement(xt), MathF.BitIncrement(xt), 88f, -88f, 104f, -104f);
                var expectedCls = new byte[n];
                var expectedConf = new float[n];
                Ref.ThresholdLogit(logit, threshold, 3, expectedCls, expectedConf);
                int off = Offset(n);
                var cls = Filled(off + n + 5, (byte)0xA5);
                var conf = Filled(off + n + 5, 7f);
                Fast.ThresholdLogit(Padded(logit, off, 1, 0f).AsSpan(off, n), threshold, 3, cls.AsSpan(off), conf.AsSpan(off), Isa(isa));
                string what = $"{isa} t={threshold} n={n}";
                AssertEqual<byte>(expectedCls, cls.AsSpan(off, n), what);
                for (int i = 0; i < n; i++)
                {
                    Assert.True(Math.Abs(expectedConf[i] - conf[off + i]) <= Tolerance, $"{what}: pixel {i} x={logit[i]:R}: {conf[off + i]:R} vs reference {expectedConf[i]:R}");
                    Assert.InRange(conf[off + i], 0f, 1f);
                }
                Assert.All(cls.AsSpan(off + n).ToArray(), v => Assert.Equal(0xA5, v));
                Assert.All(conf.AsSpan(off + n).ToArray(), v => Assert.Equal(7f, v));
            }
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(0.7f)]
    [InlineData(0.25f)]
    [InlineData(0.999f)]
    [InlineData(1e-6f)]
    public void ThresholdIsDecidedOnTheExactSigmoid(float threshold)
    {
        // xt is the smallest float whose exact sigmoid reaches the threshold.
        float xt = Ref.ThresholdToLogit(threshold, 1);
        static double Sigmoid(float x) => 1 / (1 + Math.Exp(-(double)x));
        if (threshold == 0.5f)
        {
            Assert.Equal(0f, xt); // sigmoid(x) >= 1/2 exactly when x >= 0 (too fine for a double sigmoid to resolve)
        }
        else
        {
            Assert.True(Sigmoid(xt) >= threshold, $"sigmoid({xt:R}) = {Sigmoid(xt):R} < {threshold}");
            Assert.True(Sigmoid(MathF.BitDecrement(xt)) < threshold, $"sigmoid({MathF.BitDecrement(xt):R}) reaches {threshold}");
        }
        float[] x = [MathF.BitDecrement(xt), xt, MathF.BitIncrement(xt)];
        var cls = new byte[3];
        var conf = new float[3];
        Fast.ThresholdLogit(x, threshold, 2, cls, conf);
        Assert.Equal(new byte[] { 0, 2, 2 }, cls);
        Assert.Equal(1 - Sigmoid(x[0]), conf[0], 6);
        Assert.Equal(Sigmoid(x[1]), conf[1], 6);
    }

    [Fact]
    public void ThresholdLogitRules()
    {
        float[] x = [0f, -0f, 2f, -2f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, 200f, -200f];
        var cls = new byte[x.Length];
        var conf = new float[x.Length];
        Fast.ThresholdLogit(x, 0.5f, 1, cls, conf);
        Assert.Equal(new byte[] { 1, 1, 1, 0, 0, 1, 0, 1, 0 }, cls);
        float p2 = 1f / (1f + MathF.Exp(-2f));
        Assert.Equal([0.5f, 0.5f, p2, p2, 0f, 1f, 1f, 1f, 1f], conf);

        Fast.ThresholdLogit(x, 0f, 4, cls, conf); // threshold 0: every number is change
        Assert.Equal(new byte[] { 4, 4, 4, 4, 0, 4, 4, 4, 4 }, cls);
        Assert.Equal(0f, conf[6]); // p(-Inf) = 0
        Fast.ThresholdLogit(x, 1f, 4, cls, conf); // threshold 1: only +Inf
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 4, 0, 0, 0 }, cls);

        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ThresholdLogit(x, 1.5f, 1, cls, conf));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ThresholdLogit(x, float.NaN, 1, cls, conf));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ThresholdLogit(x, 0.5f, 0, cls, conf));
        Assert.Throws<ArgumentException>(() => Fast.ThresholdLogit(x, 0.5f, 1, new byte[3], conf));
    }

    [Fact]
    public void ClassArgumentsAreChecked()
    {
        var cls = new byte[4];
        var conf = new float[4];
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ArgmaxSoftmax(new float[4], 0, 4, cls, conf));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ArgmaxSoftmax(new float[4 * 257], 257, 4, cls, conf));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fast.ArgmaxSoftmax(new float[4], 1, -1, cls, conf));
        Assert.Throws<ArgumentException>(() => Fast.ArgmaxSoftmax(new float[7], 2, 4, cls, conf));
        Assert.Throws<ArgumentException>(() => Fast.ArgmaxSoftmax(new float[8], 2, 4, new byte[3], conf));
        Assert.Throws<ArgumentException>(() => Fast.ArgmaxProbabilities(new float[8], 2, 4, cls, new float[3]));
        Fast.ArgmaxSoftmax(new float[256 * 4], 256, 4, cls, conf);
        Assert.All(conf, v => Assert.Equal(1f / 256f, v));
    }

    [Fact]
    public void ReciprocalOfSumIsWithinOneUlpAndAtMostOne()
    {
        // Sums from 1 (a lone winner) to 256 (256 tied classes): every 1/4096 up to 2, then a coarser sweep.
        var xs = Enumerable.Range(0, 4096).Select(i => 1f + i / 4096f)
            .Concat(Enumerable.Range(0, 4096).Select(i => 2f + i * (254f / 4096f))).Append(256f).Append(MathF.BitIncrement(1f)).ToArray();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            var v512 = VectorMath.ReciprocalOfSum(Vector512.Create(xs.AsSpan(i, 16)));
            var v256 = VectorMath.ReciprocalOfSum(Vector256.Create(xs.AsSpan(i, 8)));
            for (int j = 0; j < 16; j++)
            {
                Check(xs[i + j], v512[j]);
                if (j < 8) Check(xs[i + j], v256[j]);
            }
        }

        static void Check(float s, float actual)
        {
            double expected = 1.0 / s;
            Assert.True(actual <= 1f, $"1/{s:R} = {actual:R} > 1");
            Assert.True(Math.Abs(actual - expected) <= MathF.BitIncrement(actual) - actual, $"1/{s:R} = {actual:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void VectorExpAgreesWithMathFExp()
    {
        // Every 1/1024 over [-90, 0] and a dense sweep near 0: relative error within 4 ulp above the
        // normal range, and an absolute error below 2e-38 where the result is subnormal.
        var xs = Enumerable.Range(0, 90 * 1024 + 1).Select(i => -i / 1024f)
            .Concat(Enumerable.Range(0, 4096).Select(i => -i * 1e-7f)).ToArray();
        for (int i = 0; i + 16 <= xs.Length; i += 16)
        {
            var v512 = VectorMath.ExpNonPositive(Vector512.Create(xs.AsSpan(i, 16)));
            var v256 = VectorMath.ExpNonPositive(Vector256.Create(xs.AsSpan(i, 8)));
            for (int j = 0; j < 16; j++)
            {
                float x = xs[i + j], expected = MathF.Exp(x);
                Check(x, expected, v512[j]);
                if (j < 8) Check(x, expected, v256[j]);
            }
        }

        static void Check(float x, float expected, float actual)
        {
            if (expected < 1.2e-38f) Assert.True(Math.Abs(actual - expected) < 2e-38f, $"exp({x:R}) = {actual:R}, expected {expected:R}");
            else Assert.True(Math.Abs(actual - expected) <= 4 * (MathF.BitIncrement(expected) - expected), $"exp({x:R}) = {actual:R}, expected {expected:R}");
        }
    }
}
