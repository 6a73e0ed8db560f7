using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using static WeiPian.Engine.Kernels.VectorMath;

namespace WeiPian.Engine.Kernels;

public static partial class SimdKernels
{
    /// <summary>
    /// Classes from a segmentation model's logits, per pixel over <paramref name="classes"/> planes
    /// of <paramref name="n"/> pixels (NCHW, one tile: plane k is logits[k*n .. (k+1)*n)): the
    /// winning class and its softmax probability.
    /// </summary>
    /// <remarks>
    /// <para>Rules (defined in <see cref="ReferenceKernels"/>): cls = argmax_k l_k, ties to the lowest
    /// k, NaN never wins over a number; confidence = 1 / sum_k exp(l_k - l_max), where the winner
    /// and any class equal to it count 1 (so +Inf wins with 1, m tied winners give 1/m) and NaN
    /// classes count 0. Every class NaN: class 0, confidence 0.</para>
    /// <para>Classes are bit-equal to the reference; confidences agree within 1e-6 (exp here is a
    /// vector polynomial, the reference uses <see cref="MathF.Exp"/>).</para>
    /// <para>Lanes: 16 pixels per 512-bit iteration (8 per 256-bit); a first pass over the planes
    /// keeps the running maximum and its class index (int32 lanes, narrowed to bytes at the store);
    /// a second pass sums 2^((l_k - max) log2 e) with a degree-4 polynomial (the 16 x classes
    /// floats are still in L1), and the confidence is the sum's reciprocal (vrcp14ps and a Newton
    /// step with AVX-512, within 1 ulp). The NaN and infinity rules cost nothing there: a NaN or +Inf
    /// logit, or a block's maximum of -Inf, makes the block's sum NaN, and such a block is redone by
    /// the scalar rules; a -Inf logit below a finite maximum just adds 0 (vreduceps gives f = 0 and
    /// vscalefps by -Inf gives 0; without AVX-512 the argument is raised to -126 and the term is
    /// 2^-126). The polynomial's relative error (2.95e-6) reaches the confidence at most a quarter as large: the
    /// winner's term is exact and d(1/s) = -ds/s^2 with s - 1 the other terms' sum. The remainder
    /// is scalar.</para>
    /// </remarks>
    /// <param name="logits">classes x n logits, plane by plane.</param>
    /// <param name="classes">Number of class planes, 1..256.</param>
    /// <param name="n">Pixels per plane.</param>
    /// <param name="cls">Winning class per pixel; at least n.</param>
    /// <param name="confidence">Softmax probability of the winning class per pixel, 0..1; at least n.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> outside 1..256 or <paramref name="n"/> negative.</exception>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static void ArgmaxSoftmax(ReadOnlySpan<float> logits, int classes, int n, Span<byte> cls, Span<float> confidence)
        => ArgmaxSoftmax(logits, classes, n, cls, confidence, BestIsa);

    /// <summary>
    /// Classes from a model that already outputs probabilities: the argmax rule of
    /// <see cref="ArgmaxSoftmax(ReadOnlySpan{float}, int, int, Span{byte}, Span{float})"/> (ties to the lowest class, NaN never wins) and the winner's
    /// probability as the confidence (0 where every class is NaN). Bit-equal to the reference.
    /// </summary>
    /// <param name="probabilities">classes x n probabilities, plane by plane.</param>
    /// <param name="classes">Number of class planes, 1..256.</param>
    /// <param name="n">Pixels per plane.</param>
    /// <param name="cls">Winning class per pixel; at least n.</param>
    /// <param name="confidence">The winner's probability per pixel; at least n.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> outside 1..256 or <paramref name="n"/> negative.</exception>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static void ArgmaxProbabilities(ReadOnlySpan<float> probabilities, int classes, int n, Span<byte> cls, Span<float> confidence)
        => ArgmaxProbabilities(probabilities, classes, n, cls, confidence, BestIsa);

    /// <summary>
    /// Classes from a single change logit per pixel: p = sigmoid(x); cls = <paramref name="changeClass"/>
    /// where p &gt;= <paramref name="threshold"/>, else 0; confidence = p for change, 1 - p otherwise.
    /// </summary>
    /// <remarks>
    /// <para>The test p &gt;= threshold is made on the logit, x &gt;= xt with xt the smallest float whose
    /// exact sigmoid reaches the threshold, so the class does not depend on how exp rounds and is
    /// bit-equal to the reference on every path. Threshold 0 marks every number as change; 1 only +Inf.</para>
    /// <para>The confidence is sigmoid(x) or sigmoid(-x), each computed from e = exp(-|x|) without
    /// cancellation; it agrees with the reference within 1e-6. NaN logit: class 0, confidence 0.</para>
    /// </remarks>
    /// <param name="logit">One logit per pixel.</param>
    /// <param name="threshold">Probability threshold, 0..1 (0.5 is logit 0).</param>
    /// <param name="changeClass">Class written for change, 1..255.</param>
    /// <param name="cls">Class per pixel; at least as long as <paramref name="logit"/>.</param>
    /// <param name="confidence">Probability of the written class per pixel, 0..1; at least as long as <paramref name="logit"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> outside 0..1 or NaN, or <paramref name="changeClass"/> is 0.</exception>
    /// <exception cref="ArgumentException">A span is too short.</exception>
    public static void ThresholdLogit(ReadOnlySpan<float> logit, float threshold, byte changeClass, Span<byte> cls, Span<float> confidence)
        => ThresholdLogit(logit, threshold, changeClass, cls, confidence, BestIsa);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ArgmaxSoftmax(ReadOnlySpan<float> logits, int classes, int n, Span<byte> cls, Span<float> confidence, KernelIsa isa)
    {
        KernelGuard.Classes(classes, n, logits.Length, nameof(logits));
        KernelGuard.AtLeast(n, cls.Length, nameof(cls));
        KernelGuard.AtLeast(n, confidence.Length, nameof(confidence));
        ref float l = ref Ref(logits);
        ref byte c = ref Ref(cls);
        ref float p = ref Ref(confidence);
        nuint nn = (nuint)n, i = 0;
        int lanes = isa == KernelIsa.Vector512 ? 16 : isa == KernelIsa.Vector256 ? 8 : n + 1;

        // The vector loop runs in a method of its own that makes no call, so its constants stay in registers (no vector
        // register survives a call on x64); it stops at a block whose sum is NaN (a NaN or +Inf logit, or a maximum of
        // -Inf), which the scalar rules redo here, and goes on after it.
        while (nn - i >= (nuint)lanes)
        {
            i = isa == KernelIsa.Vector512 ? SoftmaxRun512(ref l, classes, nn, i, ref c, ref p) : SoftmaxRun256(ref l, classes, nn, i, ref c, ref p);
            if (nn - i < (nuint)lanes) break;
            for (int j = (int)i; j < (int)i + lanes; j++) ReferenceKernels.SoftmaxPixel(logits, classes, n, j, out cls[j], out confidence[j]);
            i += (nuint)lanes;
        }

        for (int j = (int)i; j < n; j++) ReferenceKernels.SoftmaxPixel(logits, classes, n, j, out cls[j], out confidence[j]);
    }

    // Blocks of 16 pixels from i while they are whole and their sums are numbers; returns where it stopped: the first
    // block holding a NaN or +Inf logit or a maximum of -Inf (its outputs not written), or the start of the remainder.
    private static nuint SoftmaxRun512(ref float l, int classes, nuint nn, nuint i, ref byte c, ref float p)
    {
        for (; i <= nn - 16; i += 16)
        {
            // Pass 1: the running maximum and its class (strictly greater wins, so ties go to the lowest class). The
            // compare's mask is used once, so it stays a k-mask and the class is one masked vpbroadcastd; the maximum is
            // a plain vmaxps, which differs from the select only where a NaN is in play (the block is then redone by the
            // scalar rules) or in the sign of a zero (no effect on l - max).
            var best = Vector512.LoadUnsafe(ref l, i);
            var index = Vector512<int>.Zero;
            nuint plane = nn;
            for (int k = 1; k < classes; k++, plane += nn)
            {
                var v = Vector512.LoadUnsafe(ref l, plane + i);
                index = Vector512.ConditionalSelect(Vector512.GreaterThan(v, best).AsInt32(), Vector512.Create(k), index);
                best = Vector512.MaxNative(v, best);
            }

            // Pass 2: sum of 2^((l_k - max) log2 e); the winner's term is exactly 1. A NaN or +Inf logit makes
            // the sum NaN (NaN - x, Inf - Inf), as does a maximum of -Inf (-Inf - -Inf); a -Inf logit below a finite
            // maximum adds 0.
            var sum = Vector512<float>.Zero;
            plane = 0;
            for (int k = 0; k < classes; k++, plane += nn)
                sum += Exp2NonPositive((Vector512.LoadUnsafe(ref l, plane + i) - best) * Vector512.Create(Log2E));
            if (!Vector512.EqualsAll(sum, sum)) return i;

            ReciprocalOfSum(sum).StoreUnsafe(ref p, i);
            StoreAsBytes(index, ref c, i);
        }
        return i;
    }

    // As SoftmaxRun512 with blocks of 8 pixels.
    private static nuint SoftmaxRun256(ref float l, int classes, nuint nn, nuint i, ref byte c, ref float p)
    {
        for (; i <= nn - 8; i += 8)
        {
            var best = Vector256.LoadUnsafe(ref l, i);
            var index = Vector256<int>.Zero;
            nuint plane = nn;
            for (int k = 1; k < classes; k++, plane += nn)
            {
                var v = Vector256.LoadUnsafe(ref l, plane + i);
                index = Vector256.ConditionalSelect(Vector256.GreaterThan(v, best).AsInt32(), Vector256.Create(k), index);
                best = Vector256.MaxNative(v, best);
            }

            var sum = Vector256<float>.Zero;
            plane = 0;
            for (int k = 0; k < classes; k++, plane += nn)
                sum += Exp2NonPositive((Vector256.LoadUnsafe(ref l, plane + i) - best) * Vector256.Create(Log2E));
            if (!Vector256.EqualsAll(sum, sum)) return i;

            ReciprocalOfSum(sum).StoreUnsafe(ref p, i);
            StoreAsBytes(index, ref c, i);
        }
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ArgmaxProbabilities(ReadOnlySpan<float> probabilities, int classes, int n, Span<byte> cls, Span<float> confidence, KernelIsa isa)
    {
        KernelGuard.Classes(classes, n, probabilities.Length, nameof(probabilities));
        KernelGuard.AtLeast(n, cls.Length, nameof(cls));
        KernelGuard.AtLeast(n, confidence.Length, nameof(confidence));
        ref float l = ref Ref(probabilities);
        ref byte c = ref Ref(cls);
        ref float p = ref Ref(confidence);
        nuint nn = (nuint)n, i = 0;

        if (isa == KernelIsa.Vector512 && nn >= 16)
        {
            for (; i <= nn - 16; i += 16)
            {
                var best = Vector512.LoadUnsafe(ref l, i);
                var index = Vector512<int>.Zero;
                nuint plane = nn;
                for (int k = 1; k < classes; k++, plane += nn)
                {
                    var v = Vector512.LoadUnsafe(ref l, plane + i);
                    var win = Vector512.GreaterThan(v, best) | Vector512.AndNot(Vector512.Equals(v, v), Vector512.Equals(best, best));
                    best = Vector512.ConditionalSelect(win, v, best);
                    index = Vector512.ConditionalSelect(win.AsInt32(), Vector512.Create(k), index);
                }
                (best & Vector512.Equals(best, best)).StoreUnsafe(ref p, i);
                StoreAsBytes(index, ref c, i);
            }
        }
        else if (isa >= KernelIsa.Vector256 && nn >= 8)
        {
            for (; i <= nn - 8; i += 8)
            {
                var best = Vector256.LoadUnsafe(ref l, i);
                var index = Vector256<int>.Zero;
                nuint plane = nn;
                for (int k = 1; k < classes; k++, plane += nn)
                {
                    var v = Vector256.LoadUnsafe(ref l, plane + i);
                    var win = Vector256.GreaterThan(v, best) | Vector256.AndNot(Vector256.Equals(v, v), Vector256.Equals(best, best));
                    best = Vector256.ConditionalSelect(win, v, best);
                    index = Vector256.ConditionalSelect(win.AsInt32(), Vector256.Create(k), index);
                }
                (best & Vector256.Equals(best, best)).StoreUnsafe(ref p, i);
                StoreAsBytes(index, ref c, i);
            }
        }

        for (int j = (int)i; j < n; j++) confidence[j] = ReferenceKernels.ProbabilityPixel(probabilities, classes, n, j, out cls[j]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ThresholdLogit(ReadOnlySpan<float> logit, float threshold, byte changeClass, Span<byte> cls, Span<float> confidence, KernelIsa isa)
    {
        float xt = ReferenceKernels.ThresholdToLogit(threshold, changeClass);
        KernelGuard.AtLeast(logit.Length, cls.Length, nameof(cls));
        KernelGuard.AtLeast(logit.Length, confidence.Length, nameof(confidence));
        ref float x0 = ref Ref(logit);
        ref byte c = ref Ref(cls);
        ref float p = ref Ref(confidence);
        nuint n = (nuint)logit.Length, i = 0;

        if (isa == KernelIsa.Vector512 && n >= 16)
        {
            Vector512<float> vxt = Vector512.Create(xt), one = Vector512<float>.One;
            var vclass = Vector512.Create((int)changeClass);
            for (; i <= n - 16; i += 16)
            {
                var x = Vector512.LoadUnsafe(ref x0, i);
                var change = Vector512.GreaterThanOrEqual(x, vxt); // NaN: false
                var e = ExpNonPositive(-Vector512.Abs(x));
                var y = Vector512.ConditionalSelect(change, x, -x);  // sigmoid(y) is the confidence
                var num = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(y, Vector512<float>.Zero), one, e);
                (num / (one + e) & Vector512.Equals(x, x)).StoreUnsafe(ref p, i);
                StoreAsBytes(change.AsInt32() & vclass, ref c, i);
            }
        }
        else if (isa >= KernelIsa.Vector256 && n >= 8)
        {
            Vector256<float> vxt = Vector256.Create(xt), one = Vector256<float>.One;
            var vclass = Vector256.Create((int)changeClass);
            for (; i <= n - 8; i += 8)
            {
                var x = Vector256.LoadUnsafe(ref x0, i);
                var change = Vector256.GreaterThanOrEqual(x, vxt);
                var e = ExpNonPositive(-Vector256.Abs(x));
                var y = Vector256.ConditionalSelect(change, x, -x);
                var num = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(y, Vector256<float>.Zero), one, e);
                (num / (one + e) & Vector256.Equals(x, x)).StoreUnsafe(ref p, i);
                StoreAsBytes(change.AsInt32() & vclass, ref c, i);
            }
        }

        for (int j = (int)i; j < logit.Length; j++) confidence[j] = ReferenceKernels.ThresholdPixel(logit[j], xt, changeClass, out cls[j]);
    }
}
