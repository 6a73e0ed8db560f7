using System.Runtime.Intrinsics;
using WeiPian.Engine.Kernels;

namespace WeiPian.Engine.Tests.Kernels;

/// <summary>Lengths, paths and seeded data shared by the kernel tests.</summary>
internal static class KernelTestData
{
    /// <summary>Every length 0..(4 x 64 + 1), so each vector loop runs 0..4 times with every remainder, plus odd large sizes.</summary>
    public static IEnumerable<int> Lengths =>
        Enumerable.Range(0, 4 * Vector512<byte>.Count + 2).Concat([6 * 512 + 7, 65537]);

    /// <summary>The code paths, by name (xUnit needs public parameter types; <see cref="KernelIsa"/> is internal).</summary>
    public static TheoryData<string> Isas => new(Enum.GetNames<KernelIsa>());

    public static KernelIsa Isa(string name) => Enum.Parse<KernelIsa>(name);

    /// <summary>A fixed seed per (length, salt): same data on every run.</summary>
    public static Random Rng(int length, int salt = 0) => new(unchecked(length * 7919 + salt * 104729 + 12345) & 0x7fffffff);

    /// <summary>An alignment offset that varies with the length (0..3 elements into the backing array).</summary>
    public static int Offset(int length) => length % 4;

    /// <summary>UInt16 digital numbers: full range, 10-bit range, and the edge values given.</summary>
    public static ushort[] UInt16(Random rng, int length, params ushort[] edges)
    {
        var a = new ushort[length];
        for (int i = 0; i < length; i++)
            a[i] = rng.Next(8) switch
            {
                0 => edges.Length > 0 ? edges[rng.Next(edges.Length)] : (ushort)0,
                1 => (ushort)rng.Next(0, 65536),
                2 => rng.Next(2) == 0 ? (ushort)0 : ushort.MaxValue,
                _ => (ushort)rng.Next(0, 1024),
            };
        return a;
    }

    public static byte[] Bytes(Random rng, int length, params byte[] edges)
    {
        var a = new byte[length];
        for (int i = 0; i < length; i++)
            a[i] = rng.Next(6) switch
            {
                0 => edges.Length > 0 ? edges[rng.Next(edges.Length)] : (byte)0,
                1 => rng.Next(2) == 0 ? (byte)0 : byte.MaxValue,
                _ => (byte)rng.Next(0, 256),
            };
        return a;
    }

    /// <summary>Floats in [-scale, scale] with NaN, ±Inf, ±0, subnormals, float.Max/Min and the edge values given mixed in.</summary>
    public static float[] Floats(Random rng, int length, float scale, params float[] edges)
    {
        float[] specials = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, 1e-30f];
        var a = new float[length];
        for (int i = 0; i < length; i++)
            a[i] = rng.Next(10) switch
            {
                0 => specials[rng.Next(specials.Length)],
                1 => edges.Length > 0 ? edges[rng.Next(edges.Length)] : 0f,
                2 => rng.Next(-3, 4),                               // small integers: ties
                _ => (float)((rng.NextDouble() * 2 - 1) * scale),
            };
        return a;
    }

    /// <summary>A copy of <paramref name="data"/> inside a larger array, starting at <paramref name="offset"/>.</summary>
    public static T[] Padded<T>(T[] data, int offset, int tail, T fill)
    {
        var a = new T[offset + data.Length + tail];
        Array.Fill(a, fill);
        data.CopyTo(a, offset);
        return a;
    }

    public static T[] Filled<T>(int length, T value)
    {
        var a = new T[length];
        Array.Fill(a, value);
        return a;
    }

    /// <summary>Floats equal bit for bit, except that any NaN equals any NaN.</summary>
    public static void AssertBitEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            bool same = float.IsNaN(e) ? float.IsNaN(a) : BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a);
            if (!same) Assert.Fail($"{what}: element {i} of {expected.Length}: expected {e:R} (0x{BitConverter.SingleToInt32Bits(e):X8}), got {a:R} (0x{BitConverter.SingleToInt32Bits(a):X8})");
        }
    }

    public static void AssertEqual<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what) where T : IEquatable<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i])) Assert.Fail($"{what}: element {i} of {expected.Length}: expected {expected[i]}, got {actual[i]}");
    }
}
