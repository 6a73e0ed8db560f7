namespace WeiPian.Engine.Evaluation;

/// <summary>
/// A count of objects and how many of them something happened to: nuisance objects a model flagged
/// (<see cref="NuisanceAlarms"/>), or true buildings at one construction stage it found (<see cref="BuildingStageRecall"/>).
/// </summary>
/// <param name="Hit">Objects hit (flagged, or found).</param>
/// <param name="Objects">All the objects counted.</param>
public readonly record struct ObjectTally(int Hit, int Objects)
{
    /// <summary><see cref="Hit"/> / <see cref="Objects"/>; 0 when there is none (as <see cref="ObjectMetrics"/> reads undefined ratios).</summary>
    public double Share => Objects == 0 ? 0 : (double)Hit / Objects;

    /// <summary>Pools the counts of two evaluations.</summary>
    public static ObjectTally operator +(ObjectTally a, ObjectTally b) => new(a.Hit + b.Hit, a.Objects + b.Objects);

    /// <summary>Tallies <paramref name="objects"/> by <paramref name="key"/> (ordinal order), counting those <paramref name="isHit"/> holds for.</summary>
    public static IReadOnlyDictionary<string, ObjectTally> Count<T>(IEnumerable<T> objects, Func<T, string> key, Func<T, bool> isHit)
    {
        var tally = new SortedDictionary<string, ObjectTally>(StringComparer.Ordinal);
        foreach (var o in objects)
        {
            var k = key(o);
            tally[k] = tally.GetValueOrDefault(k) + new ObjectTally(isHit(o) ? 1 : 0, 1);
        }
        return tally;
    }

    /// <summary>Pools tallies by key (a nuisance kind, a stage) over several cases, keys in ordinal order.</summary>
    public static IReadOnlyDictionary<string, ObjectTally> Sum(IEnumerable<IReadOnlyDictionary<string, ObjectTally>> parts)
    {
        var total = new SortedDictionary<string, ObjectTally>(StringComparer.Ordinal);
        foreach (var part in parts)
            foreach (var (key, tally) in part)
                total[key] = total.GetValueOrDefault(key) + tally;
        return total;
    }
}
