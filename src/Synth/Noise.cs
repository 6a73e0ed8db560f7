using System.Runtime.CompilerServices;

namespace WeiPian.Synth;

/// <summary>
/// A seeded SplitMix64 generator: fixed algorithm, so a seed gives the same scene on every .NET
/// version and machine (System.Random makes no such promise).
/// </summary>
internal sealed class Rng(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [lo, hi).</summary>
    public int Next(int lo, int hi) => lo + (int)(NextDouble() * (hi - lo));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A child generator for an independent stream (e.g. per block).</summary>
    public Rng Fork() => new(NextUInt64());
}

/// <summary>Stateless integer hashing and value noise: every pixel's texture is a pure function of its position.</summary>
internal static class Hash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint a, uint b, uint c)
    {
        var h = a * 0x9E3779B1u ^ b * 0x85EBCA77u ^ c * 0xC2B2AE3Du;
        h ^= h >> 15;
        h *= 0x2C1B3C6Du;
        h ^= h >> 12;
        h *= 0x297A2D39u;
        h ^= h >> 15;
        return h;
    }

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Unit(uint a, uint b, uint c) => (Mix(a, b, c) >> 8) * (1f / (1 << 24));

    /// <summary>Roughly normal, mean 0, standard deviation 1 (sum of three uniforms, rescaled).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Gauss(uint a, uint b, uint c)
    {
        var h = Mix(a, b, c);
        var s = (h & 0x3FF) + ((h >> 10) & 0x3FF) + ((h >> 20) & 0x3FF);
        return (s - 1534.5f) * (1f / 512f);
    }

    /// <summary>Smooth value noise in [0, 1) with features of about one unit of (x, y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Value(double x, double y, uint seed)
    {
        var fx = Math.Floor(x);
        var fy = Math.Floor(y);
        var ix = (uint)(int)fx;
        var iy = (uint)(int)fy;
        var tx = (float)(x - fx);
        var ty = (float)(y - fy);
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        var a = Unit(ix, iy, seed);
        var b = Unit(ix + 1, iy, seed);
        var c = Unit(ix, iy + 1, seed);
        var d = Unit(ix + 1, iy + 1, seed);
        var top = a + (b - a) * tx;
        var bottom = c + (d - c) * tx;
        return top + (bottom - top) * ty;
    }

    /// <summary>Two octaves of value noise, in [0, 1).</summary>
    public static float Fractal(double x, double y, uint seed) =>
        0.65f * Value(x, y, seed) + 0.35f * Value(x * 2.03 + 17.1, y * 2.03 - 5.3, seed ^ 0x5bd1e995u);
}
