using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace WeiPian.Engine.Raster;

/// <summary>
/// Raw digital numbers read as floats: Byte and UInt16 scenes hold whole numbers from 0 to 65535, so a counting
/// histogram of <see cref="Count"/> bins orders them in one pass where a comparison sort would not. Values that are not
/// (Float32 reflectances, negatives, fractions) are for the caller's sort. NaN (nodata) is skipped by both steps.
/// </summary>
internal static class DigitalNumbers
{
    /// <summary>Bins of a histogram of digital numbers: 0 to 65535.</summary>
    public const int Count = 65536;

    /// <summary>
    /// True when every value but NaN is a whole number from 0 to 65535; raises <paramref name="max"/> to the largest.
    /// Eight at a time where the CPU has 256-bit vectors.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AreWhole(ReadOnlySpan<float> values, ref float max)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            var bins = Vector256.Create((float)Count);
            var largest = Vector256<float>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                var number = Vector256.Equals(v, v);
                var whole = Vector256.GreaterThanOrEqual(v, Vector256<float>.Zero) & Vector256.LessThan(v, bins) & Vector256.Equals(Vector256.Floor(v), v);
                if (!Vector256.EqualsAll(Vector256.AndNot(number, whole).AsUInt32(), Vector256<uint>.Zero)) return false;
                largest = Vector256.Max(largest, v & number);
            }
            for (var k = 0; k < Vector256<float>.Count; k++) max = MathF.Max(max, largest[k]);
        }
        for (; i < values.Length; i++)
        {
            var v = values[i];
            if (float.IsNaN(v)) continue;
            if (!(v >= 0 && v < Count) || v != MathF.Floor(v)) return false;
            max = MathF.Max(max, v);
        }
        return true;
    }

    /// <summary>
    /// Sets every value equal to <paramref name="nodata"/> to NaN, the steps' nodata: eight at a time where the CPU has
    /// 256-bit vectors (the runtime's <c>Span.Replace</c> compares floats one at a time).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NoDataToNaN(Span<float> values, float nodata)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var missing = Vector256.Create(nodata);
            var nan = Vector256.Create(float.NaN);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(values.Slice(i, Vector256<float>.Count));
                Vector256.ConditionalSelect(Vector256.Equals(v, missing), nan, v).CopyTo(values.Slice(i, Vector256<float>.Count));
            }
        }
        NoDataToNaNScalar(values[i..], nodata);
    }

    /// <summary>The scalar twin of <see cref="NoDataToNaN"/>, which defines it.</summary>
    internal static void NoDataToNaNScalar(Span<float> values, float nodata)
    {
        foreach (ref var v in values)
            if (v == nodata) v = float.NaN;
    }

    /// <summary>Adds every value but NaN to its bin of <paramref name="counts"/>; the number added. The values must be <see cref="AreWhole"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long Add(ReadOnlySpan<float> values, int[] counts)
    {
        long n = 0;
        foreach (var v in values)
        {
            if (float.IsNaN(v)) continue;
            counts[(int)v]++;
            n++;
        }
        return n;
    }
}
