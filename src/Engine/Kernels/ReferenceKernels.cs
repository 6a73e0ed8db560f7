using System.Runtime.CompilerServices;

namespace WeiPian.Engine.Kernels;

/// <summary>
/// Scalar twins of <see cref="SimdKernels"/>: one plain loop per kernel, same signatures, and the one
/// place where the per-element rules (clamping, FMA, nodata, NaN, ties, thresholds) are defined.
/// The vector kernels' scalar remainders call the per-element functions below, and the tests use
/// these loops as the oracle. Slow by design; use <see cref="SimdKernels"/> in the pipeline.
/// </summary>
public static class ReferenceKernels
{
    // ---------------------------------------------------------------- scale to model input

    /// <summary>
    /// dst[i] = clamp(src[i], lo, hi) * a + c for every i of <paramref name="src"/>, as one fused
    /// multiply-add (a single rounding). See <see cref="SimdKernels.ScaleToFloat(ReadOnlySpan{ushort}, Span{float}, float, float, float, float)"/>.
    /// </summary>
    /// <param name="src">One band plane, digital numbers.</param>
    /// <param name="dst">Model input plane; at least as long as <paramref name="src"/>.</param>
    /// <param name="lo">Lower clamp bound, in digital numbers.</param>
    /// <param name="hi">Upper clamp bound, in digital numbers; lo &lt;= hi.</param>
    /// <param name="a">Scale: 1 / ((max - min) * std).</param>
    /// <param name="c">Offset: (-min / (max - min) - mean) / std.</param>
    public static void ScaleToFloat(ReadOnlySpan<ushort> src, Span<float> dst, float lo, float hi, float a, float c)
    {
        KernelGuard.ClampRange(lo, hi);
        KernelGuard.AtLeast(src.Length, dst.Length, nameof(dst));
        for (int i = 0; i < src.Length; i++) dst[i] = Scale(src[i], lo, hi, a, c);
    }

    /// <summary>Byte-source twin of <see cref="ScaleToFloat(ReadOnlySpan{ushort}, Span{float}, float, float, float, float)"/>.</summary>
    /// <param name="src">One band plane, digital numbers.</param>
    /// <param name="dst">Model input plane; at least as long as <paramref name="src"/>.</param>
    /// <param name="lo">Lower clamp bound.</param>
    /// <param name="hi">Upper clamp bound; lo &lt;= hi.</param>
    /// <param name="a">Scale.</param>
    /// <param name="c">Offset.</param>
    public static void ScaleToFloat(ReadOnlySpan<byte> src, Span<float> dst, float lo, float hi, float a, float c)
    {
        KernelGuard.ClampRange(lo, hi);
        KernelGuard.AtLeast(src.Length, dst.Length, nameof(dst));
        for (int i = 0; i < src.Length; i++) dst[i] = Scale(src[i], lo, hi, a, c);
    }

    /// <summary>Float-source twin of <see cref="ScaleToFloat(ReadOnlySpan{ushort}, Span{float}, float, float, float, float)"/>: NaN and -Inf clamp to lo, +Inf to hi.</summary>
    /// <param name="src">One band plane (reflectance or radiance).</param>
    /// <param name="dst">Model input plane; at least as long as <paramref name="src"/>; may be <paramref name="src"/> itself.</param>
    /// <param name="lo">Lower clamp bound.</param>
    /// <param name="hi">Upper clamp bound; lo &lt;= hi.</param>
    /// <param name="a">Scale.</param>
    /// <param name="c">Offset.</param>
    public static void ScaleToFloat(ReadOnlySpan<float> src, Span<float> dst, float lo, float hi, float a, float c)
    {
        KernelGuard.ClampRange(lo, hi);
        KernelGuard.AtLeast(src.Length, dst.Length, nameof(dst));
        for (int i = 0; i < src.Length; i++) dst[i] = Scale(src[i], lo, hi, a, c);
    }

    /// <summary>
    /// The scaling rule: x below lo, or NaN, becomes lo; x above hi becomes hi; then x * a + c
    /// rounded once (fused multiply-add). Integer sources convert to float exactly first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Scale(float x, float lo, float hi, float a, float c)
    {
        x = x >= lo ? x : lo; // NaN fails the test and becomes lo
        x = x <= hi ? x : hi;
        return MathF.FusedMultiplyAdd(x, a, c);
    }

    // ---------------------------------------------------------------- nodata

    /// <summary>valid[i] = 0 where band[i] == nodata; every other entry of <paramref name="valid"/> is left as it was.</summary>
    /// <param name="band">One band plane.</param>
    /// <param name="nodata">The band's nodata value.</param>
    /// <param name="valid">Validity mask (non-zero = valid); at least as long as <paramref name="band"/>.</param>
    public static void MarkNoData(ReadOnlySpan<ushort> band, ushort nodata, Span<byte> valid)
    {
        KernelGuard.AtLeast(band.Length, valid.Length, nameof(valid));
        for (int i = 0; i < band.Length; i++) if (band[i] == nodata) valid[i] = 0;
    }

    /// <summary>Byte-band twin of <see cref="MarkNoData(ReadOnlySpan{ushort}, ushort, Span{byte})"/>.</summary>
    /// <param name="band">One band plane.</param>
    /// <param name="nodata">The band's nodata value.</param>
    /// <param name="valid">Validity mask (non-zero = valid); at least as long as <paramref name="band"/>.</param>
    public static void MarkNoData(ReadOnlySpan<byte> band, byte nodata, Span<byte> valid)
    {
        KernelGuard.AtLeast(band.Length, valid.Length, nameof(valid));
        for (int i = 0; i < band.Length; i++) if (band[i] == nodata) valid[i] = 0;
    }

    // ---------------------------------------------------------------- classes from model output

    /// <summary>
    /// Per pixel over <paramref name="classes"/> planes of <paramref name="n"/> logits (NCHW, one
    /// tile): the winning class and its softmax probability. See <see cref="SimdKernels.ArgmaxSoftmax(ReadOnlySpan{float}, int, int, Span{byte}, Span{float})"/>
    /// for the rules.
    /// </summary>
    /// <param name="logits">classes x n logits, plane by plane.</param>
    /// <param name="classes">Number of class planes, 1..256.</param>
    /// <param name="n">Pixels per plane.</param>
    /// <param name="cls">Winning class per pixel; at least n.</param>
    /// <param name="confidence">Softmax probability of the winner per pixel; at least n.</param>
    public static void ArgmaxSoftmax(ReadOnlySpan<float> logits, int classes, int n, Span<byte> cls, Span<float> confidence)
    {
        KernelGuard.Classes(classes, n, logits.Length, nameof(logits));
        KernelGuard.AtLeast(n, cls.Length, nameof(cls));
        KernelGuard.AtLeast(n, confidence.Length, nameof(confidence));
        for (int i = 0; i < n; i++) SoftmaxPixel(logits, classes, n, i, out cls[i], out confidence[i]);
    }

    /// <summary>
    /// The argmax rule: the largest value wins, ties go to the lowest class, NaN never wins over a
    /// number. Returns the winner's value (NaN only when every value is NaN, and then class 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ArgmaxPixel(ReadOnlySpan<float> planes, int classes, int n, int i, out byte cls)
    {
        float best = planes[i];
        int k = 0;
        for (int j = 1; j < classes; j++)
        {
            float v = planes[j * n + i];
            if (v > best || (float.IsNaN(best) && !float.IsNaN(v))) { best = v; k = j; }
        }
        cls = (byte)k;
        return best;
    }

    /// <summary>
    /// The softmax rule: confidence = 1 / sum_k t_k, t_k = 1 where l_k equals the winner (so one
    /// +Inf winner gives 1 and m tied winners give 1/m), 0 where l_k is NaN, else exp(l_k - max),
    /// summed in class order. All NaN: class 0, confidence 0.
    /// </summary>
    internal static void SoftmaxPixel(ReadOnlySpan<float> logits, int classes, int n, int i, out byte cls, out float confidence)
    {
        float best = ArgmaxPixel(logits, classes, n, i, out cls);
        if (float.IsNaN(best)) { confidence = 0f; return; }
        float sum = 0f;
        for (int j = 0; j < classes; j++)
        {
            float v = logits[j * n + i];
            sum += v == best ? 1f : float.IsNaN(v) ? 0f : MathF.Exp(v - best);
        }
        confidence = 1f / sum;
    }

    /// <summary>
    /// Per pixel over <paramref name="classes"/> planes of probabilities: the winning class (the
    /// argmax rule of <see cref="SimdKernels.ArgmaxSoftmax(ReadOnlySpan{float}, int, int, Span{byte}, Span{float})"/>) and its probability as the confidence
    /// (0 where every plane is NaN).
    /// </summary>
    /// <param name="probabilities">classes x n probabilities, plane by plane.</param>
    /// <param name="classes">Number of class planes, 1..256.</param>
    /// <param name="n">Pixels per plane.</param>
    /// <param name="cls">Winning class per pixel; at least n.</param>
    /// <param name="confidence">The winner's probability per pixel; at least n.</param>
    public static void ArgmaxProbabilities(ReadOnlySpan<float> probabilities, int classes, int n, Span<byte> cls, Span<float> confidence)
    {
        KernelGuard.Classes(classes, n, probabilities.Length, nameof(probabilities));
        KernelGuard.AtLeast(n, cls.Length, nameof(cls));
        KernelGuard.AtLeast(n, confidence.Length, nameof(confidence));
        for (int i = 0; i < n; i++) confidence[i] = ProbabilityPixel(probabilities, classes, n, i, out cls[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ProbabilityPixel(ReadOnlySpan<float> planes, int classes, int n, int i, out byte cls)
    {
        float best = ArgmaxPixel(planes, classes, n, i, out cls);
        return float.IsNaN(best) ? 0f : best;
    }

    /// <summary>
    /// One change logit per pixel: p = sigmoid(x); class <paramref name="changeClass"/> where
    /// p &gt;= <paramref name="threshold"/>, else 0; confidence = p for change, 1 - p otherwise.
    /// See <see cref="SimdKernels.ThresholdLogit(ReadOnlySpan{float}, float, byte, Span{byte}, Span{float})"/> for the exact rules.
    /// </summary>
    /// <param name="logit">One logit per pixel.</param>
    /// <param name="threshold">Probability threshold, 0..1.</param>
    /// <param name="changeClass">Class written for change, 1..255.</param>
    /// <param name="cls">Class per pixel; at least as long as <paramref name="logit"/>.</param>
    /// <param name="confidence">Probability of the written class; at least as long as <paramref name="logit"/>.</param>
    public static void ThresholdLogit(ReadOnlySpan<float> logit, float threshold, byte changeClass, Span<byte> cls, Span<float> confidence)
    {
        float xt = ThresholdToLogit(threshold, changeClass);
        KernelGuard.AtLeast(logit.Length, cls.Length, nameof(cls));
        KernelGuard.AtLeast(logit.Length, confidence.Length, nameof(confidence));
        for (int i = 0; i < logit.Length; i++) confidence[i] = ThresholdPixel(logit[i], xt, changeClass, out cls[i]);
    }

    /// <summary>
    /// The smallest float x with sigmoid(x) &gt;= threshold (exact sigmoid), so that "p &gt;= threshold"
    /// is decided on the logit, identically on every path and without rounding in the sigmoid:
    /// threshold 0 gives -Inf (all but NaN are change), 1 gives +Inf (only +Inf is change).
    /// </summary>
    internal static float ThresholdToLogit(float threshold, byte changeClass)
    {
        if (!(threshold >= 0f && threshold <= 1f))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "Threshold is a probability: 0..1.");
        if (changeClass == 0)
            throw new ArgumentOutOfRangeException(nameof(changeClass), changeClass, "The change class must not be 0 (0 is 'no change').");
        double t = threshold;
        double xt = Math.Log(t) - Math.Log(1.0 - t); // logit; -Inf at 0, +Inf at 1
        float f = (float)xt;
        return f < xt ? MathF.BitIncrement(f) : f;
    }

    /// <summary>
    /// The threshold rule: NaN gives class 0 and confidence 0; otherwise change where x &gt;= xt.
    /// The confidence is computed as sigmoid(+x) for change and sigmoid(-x) otherwise, from
    /// e = exp(-|x|): sigmoid(y) = 1 / (1 + e) for y &gt;= 0, e / (1 + e) for y &lt; 0 (no
    /// cancellation in 1 - p, no overflow).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ThresholdPixel(float x, float xt, byte changeClass, out byte cls)
    {
        if (float.IsNaN(x)) { cls = 0; return 0f; }
        bool change = x >= xt;
        cls = change ? changeClass : (byte)0;
        float e = MathF.Exp(-MathF.Abs(x));
        float y = change ? x : -x;
        return (y >= 0f ? 1f : e) / (1f + e);
    }

    // ---------------------------------------------------------------- block means

    /// <summary>
    /// The block means of one row of blocks of one band (see SimdKernels.BlockMeans): every column summed
    /// down the block's rows from 0, in row order, into <paramref name="columns"/> (before, after, |after - before|); then
    /// each block's columns added across from 0, in order, times 1 / block².
    /// </summary>
    internal static void BlockMeans(ReadOnlySpan<float> before, ReadOnlySpan<float> after, int width, int block,
        Span<float> beforeMeans, Span<float> afterMeans, Span<float> differenceMeans, Span<float> columns)
    {
        KernelGuard.Blocks(before.Length, after.Length, width, block, beforeMeans.Length, afterMeans.Length, differenceMeans.Length, columns.Length);
        for (var c = 0; c < width; c++) ColumnSums(before, after, width, block, c, columns);
        MeansAcross(columns, width, block, beforeMeans, afterMeans, differenceMeans);
    }

    internal static void ColumnSums(ReadOnlySpan<float> before, ReadOnlySpan<float> after, int width, int block, int c, Span<float> columns)
    {
        float sb = 0, sa = 0, sd = 0;
        for (var r = 0; r < block; r++)
        {
            var (x, y) = (before[r * width + c], after[r * width + c]);
            sb += x;
            sa += y;
            sd += MathF.Abs(y - x);
        }
        (columns[c], columns[width + c], columns[2 * width + c]) = (sb, sa, sd);
    }

    internal static void MeansAcross(ReadOnlySpan<float> columns, int width, int block, Span<float> beforeMeans, Span<float> afterMeans, Span<float> differenceMeans)
    {
        var inverse = 1f / (block * block);
        for (var j = 0; j < width / block; j++)
        {
            float sb = 0, sa = 0, sd = 0;
            for (var k = j * block; k < (j + 1) * block; k++)
            {
                sb += columns[k];
                sa += columns[width + k];
                sd += columns[2 * width + k];
            }
            (beforeMeans[j], afterMeans[j], differenceMeans[j]) = (sb * inverse, sa * inverse, sd * inverse);
        }
    }

    // ---------------------------------------------------------------- masking

    /// <summary>cls[i] = 0 where valid[i] == 0; other entries unchanged.</summary>
    /// <param name="cls">Class raster, changed in place.</param>
    /// <param name="valid">Validity mask (non-zero = valid); at least as long as <paramref name="cls"/>.</param>
    public static void ApplyMask(Span<byte> cls, ReadOnlySpan<byte> valid)
    {
        KernelGuard.AtLeast(cls.Length, valid.Length, nameof(valid));
        for (int i = 0; i < cls.Length; i++) if (valid[i] == 0) cls[i] = 0;
    }

    // ---------------------------------------------------------------- reflect padding

    /// <summary>
    /// Index i folded into 0..n-1 by mirror reflection about the edge pixels without repeating
    /// them (numpy 'reflect'): -1 → 1, n → n-2; n == 1 gives 0. Defined by bouncing: this twin walks
    /// the reflections one by one (so it is slow for offsets many times n).
    /// </summary>
    /// <param name="i">Any index, however far outside.</param>
    /// <param name="n">Length of the row or column, at least 1.</param>
    public static int ReflectIndex(int i, int n) => ReflectIndex((long)i, n);

    internal static int ReflectIndex(long i, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (n == 1) return 0;
        long last = n - 1;
        while (i < 0 || i > last)
        {
            if (i < 0) i = -i;               // bounce off the left edge pixel
            if (i > last) i = 2 * last - i;  // bounce off the right edge pixel
        }
        return (int)i;
    }
}
