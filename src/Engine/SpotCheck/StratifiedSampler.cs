using System.Globalization;
using System.Text;

namespace WeiPian.Engine.SpotCheck;

/// <summary>How many polygons to sample: a share of each stratum, or a total allocated to strata in proportion to their size.</summary>
public sealed record SampleSize
{
    /// <summary>A share of each stratum, 0 (exclusive) to 1; null when <see cref="Total"/> is set.</summary>
    public double? Share { get; init; }

    /// <summary>A total number of polygons, allocated in proportion to stratum size; null when <see cref="Share"/> is set.</summary>
    public int? Total { get; init; }

    /// <summary>Parses "10%" (a share) or "120" (a total).</summary>
    /// <exception cref="InputException">Neither a percentage above 0 and at most 100 nor a positive whole number.</exception>
    public static SampleSize Parse(string text)
    {
        var t = text.Trim();
        var inv = CultureInfo.InvariantCulture;
        if (t.EndsWith('%') && double.TryParse(t[..^1], NumberStyles.Float, inv, out var p) && p > 0 && p <= 100) return new SampleSize { Share = p / 100 };
        if (int.TryParse(t, NumberStyles.None, inv, out var n) && n > 0) return new SampleSize { Total = n };
        throw new InputException($"The sample size '{text}' is neither a percentage above 0 and at most 100 (10%) nor a positive number of polygons (120).")
        {
            Setting = nameof(SpotCheckOptions.Sample),
        };
    }

    /// <inheritdoc />
    public override string ToString() =>
        Share is { } s ? (s * 100).ToString("0.###", CultureInfo.InvariantCulture) + "%" : Total!.Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One stratum of a drawn sample.</summary>
/// <param name="Key">The stratum's values, joined with '|' in the order of the stratifying fields.</param>
/// <param name="Population">Polygons in the stratum (N_h).</param>
/// <param name="Sampled">Polygons drawn from it (n_h).</param>
public sealed record Stratum(string Key, int Population, int Sampled)
{
    /// <summary>The sampling weight of each polygon drawn from it: N_h / n_h (polygons each one stands for).</summary>
    public double Weight => Sampled == 0 ? 0 : (double)Population / Sampled;
}

/// <summary>
/// Stratified simple random sampling without replacement, reproducible from a seed. Each polygon gets a key from a
/// 64-bit hash of the seed and its id (SplitMix64 over FNV-1a), and a stratum's sample is its n_h polygons with the
/// smallest keys: the same seed gives the same sample whatever the order of the input, and the sample of one stratum
/// does not depend on the others.
/// </summary>
public static class StratifiedSampler
{
    /// <summary>Polygons to draw from a stratum of <paramref name="population"/>: the share (rounded up) or the proportional part of the total (rounded), at least <paramref name="minimum"/>, at most the stratum.</summary>
    public static int Allocate(int population, int allPopulation, SampleSize size, int minimum)
    {
        var n = size.Share is { } share
            ? (int)Math.Ceiling(share * population - 1e-9)
            : (int)Math.Round((double)size.Total!.Value * population / Math.Max(1, allPopulation), MidpointRounding.AwayFromZero);
        return Math.Min(population, Math.Max(minimum, n));
    }

    /// <summary>Draws the sample.</summary>
    /// <typeparam name="T">The unit (a polygon's verdict).</typeparam>
    /// <param name="units">The population; ids must be unique.</param>
    /// <param name="id">A unit's id (JCBH).</param>
    /// <param name="stratum">A unit's stratum key.</param>
    /// <param name="size">How many to draw.</param>
    /// <param name="minimum">The fewest drawn from a stratum (all of it when smaller).</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The strata, by key (ordinal), and the drawn units with their stratum, by stratum then key.</returns>
    public static (IReadOnlyList<Stratum> Strata, IReadOnlyList<(T Unit, Stratum Stratum)> Drawn) Draw<T>(IReadOnlyList<T> units, Func<T, string> id,
        Func<T, string> stratum, SampleSize size, int minimum, long seed)
    {
        var groups = units.GroupBy(stratum, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        var strata = new List<Stratum>();
        var drawn = new List<(T, Stratum)>();
        foreach (var g in groups)
        {
            var members = g.ToList();
            var s = new Stratum(g.Key, members.Count, Allocate(members.Count, units.Count, size, minimum));
            strata.Add(s);
            foreach (var u in members.OrderBy(u => Key(seed, id(u))).ThenBy(id, StringComparer.Ordinal).Take(s.Sampled)) drawn.Add((u, s));
        }
        return (strata, drawn);
    }

    /// <summary>The random key of a unit: SplitMix64's finaliser over the seed and the FNV-1a hash of the id's UTF-8 bytes.</summary>
    public static ulong Key(long seed, string id)
    {
        var h = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        var z = h ^ ((ulong)seed * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
