namespace WeiPian.Engine.Evaluation;

/// <summary>Precision, recall, F1 and IoU of one class.</summary>
/// <param name="ClassId">The class.</param>
/// <param name="TruePixels">Pixels of the class in the truth.</param>
/// <param name="PredictedPixels">Pixels predicted as the class.</param>
/// <param name="Hits">Pixels of the class in both.</param>
public sealed record ClassScore(int ClassId, long TruePixels, long PredictedPixels, long Hits)
{
    // An undefined ratio (nothing to divide by) reads 0, not NaN: reports, tables and JSON stay numeric, and the pixel
    // counts beside each score say when it is 0 for want of pixels.

    /// <summary>Hits / predicted; 0 when nothing was predicted.</summary>
    public double Precision => PredictedPixels == 0 ? 0 : (double)Hits / PredictedPixels;

    /// <summary>Hits / true; 0 when the class is absent from the truth.</summary>
    public double Recall => TruePixels == 0 ? 0 : (double)Hits / TruePixels;

    /// <summary>2 hits / (true + predicted); 0 when the class is in neither.</summary>
    public double F1 => TruePixels + PredictedPixels == 0 ? 0 : 2.0 * Hits / (TruePixels + PredictedPixels);

    /// <summary>Hits / (true + predicted - hits); 0 when the class is in neither.</summary>
    public double IoU => TruePixels + PredictedPixels - Hits == 0 ? 0 : (double)Hits / (TruePixels + PredictedPixels - Hits);
}

/// <summary>
/// A confusion matrix between a true and a predicted class raster on one grid, accumulated strip by strip,
/// and the pixel metrics derived from it. Pixels marked invalid (nodata) are left out.
/// </summary>
public sealed class PixelMetrics
{
    private readonly long[,] _counts;

    /// <summary>Most classes a matrix counts: class rasters hold one byte per pixel, ids 0..255.</summary>
    public const int MaxClasses = 256;

    /// <summary>A matrix for class ids 0 .. <paramref name="classes"/> - 1.</summary>
    /// <exception cref="InputException">More than <see cref="MaxClasses"/> classes.</exception>
    public PixelMetrics(int classes)
    {
        if (classes is < 2 or > MaxClasses)
            throw new InputException($"{classes} classes: give 2 (no change and one change class) to {MaxClasses} (class rasters hold byte ids 0..255).")
            {
                Setting = nameof(Classes),
            };
        Classes = classes;
        _counts = new long[classes, classes];
    }

    /// <summary>A matrix from its counts (rows true classes, columns predicted), e.g. read back from a report.</summary>
    public static PixelMetrics FromMatrix(IReadOnlyList<IReadOnlyList<long>> matrix)
    {
        var m = new PixelMetrics(matrix.Count);
        for (var t = 0; t < matrix.Count; t++)
            for (var p = 0; p < matrix.Count; p++)
            {
                m._counts[t, p] = matrix[t][p];
                m.Total += matrix[t][p];
            }
        return m;
    }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Pixels counted with true class <paramref name="truth"/> and predicted class <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth, predicted];

    /// <summary>All pixels counted.</summary>
    public long Total { get; private set; }

    /// <summary>Pixels left out as invalid (nodata in either raster, or the truth's ignore value).</summary>
    public long Skipped { get; private set; }

    /// <summary>Adds pixels; <paramref name="valid"/> (optional) leaves out those marked 0, counted in <see cref="Skipped"/>.</summary>
    /// <exception cref="InputException">A class id is outside 0 .. <see cref="Classes"/> - 1.</exception>
    public void Add(ReadOnlySpan<byte> truth, ReadOnlySpan<byte> predicted, ReadOnlySpan<byte> valid = default)
    {
        if (truth.Length != predicted.Length) throw new ArgumentException("Truth and prediction must have the same number of pixels.");
        long counted = 0, skipped = 0;
        for (var i = 0; i < truth.Length; i++)
        {
            if (!valid.IsEmpty && valid[i] == 0)
            {
                skipped++;
                continue;
            }
            int t = truth[i], p = predicted[i];
            if (t >= Classes || p >= Classes)
                throw new InputException($"Class id {Math.Max(t, p)} at pixel {i} is outside 0..{Classes - 1}.") { Setting = nameof(PixelMetrics.Classes) };
            _counts[t, p]++;
            counted++;
        }
        Total += counted;
        Skipped += skipped;
    }

    /// <summary>Per-class scores, class 0 (no change) included.</summary>
    public IReadOnlyList<ClassScore> Scores
    {
        get
        {
            var scores = new ClassScore[Classes];
            for (var k = 0; k < Classes; k++)
            {
                long t = 0, p = 0;
                for (var j = 0; j < Classes; j++) { t += _counts[k, j]; p += _counts[j, k]; }
                scores[k] = new ClassScore(k, t, p, _counts[k, k]);
            }
            return scores;
        }
    }

    /// <summary>Share of pixels whose class is right; 0 when no pixel was counted.</summary>
    public double OverallAccuracy
    {
        get
        {
            long right = 0;
            for (var k = 0; k < Classes; k++) right += _counts[k, k];
            return Total == 0 ? 0 : (double)right / Total;
        }
    }

    /// <summary>Cohen's kappa: agreement beyond chance; 0 when undefined (no pixel, or one class everywhere in both).</summary>
    public double Kappa
    {
        get
        {
            if (Total == 0) return 0;
            double expected = 0;
            foreach (var s in Scores) expected += (double)s.TruePixels * s.PredictedPixels;
            expected /= (double)Total * Total;
            return expected >= 1 ? 0 : (OverallAccuracy - expected) / (1 - expected);
        }
    }

    /// <summary>The matrix as rows of true classes, columns of predicted classes.</summary>
    public long[][] Matrix => Enumerable.Range(0, Classes).Select(t => Enumerable.Range(0, Classes).Select(p => _counts[t, p]).ToArray()).ToArray();
}
