using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace WeiPian.Bench.Pipeline;

/// <summary>The ground sample distance (metres) of the scene a benchmark class runs on, for <see cref="SceneSquareKilometresPerMinute"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SceneGsdAttribute(double metres) : Attribute
{
    public double Metres { get; } = metres;
}

/// <summary>A throughput column over the scene of a benchmark with an int parameter <c>Size</c> (a Size x Size scene).</summary>
public abstract class SceneThroughputColumn : BenchColumn
{
    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0 || benchmarkCase.Parameters["Size"] is not int size) return null;
        var gsd = benchmarkCase.Descriptor.Type.GetCustomAttributes(typeof(SceneGsdAttribute), true).OfType<SceneGsdAttribute>().FirstOrDefault();
        return Value((double)size * size, gsd?.Metres, mean.Value / 1e9)?.ToString("F1", CultureInfo.InvariantCulture);
    }

    /// <summary>The column's value for a scene of <paramref name="pixels"/> pixels done in <paramref name="seconds"/>.</summary>
    protected abstract double? Value(double pixels, double? gsd, double seconds);
}

/// <summary>Scene megapixels per second of the mean time.</summary>
public sealed class SceneMegapixelsPerSecond : SceneThroughputColumn
{
    public override string Id => "SceneMpx/s";
    public override string ColumnName => "Mpx/s";
    public override string Legend => "Scene megapixels per second (mean)";
    protected override double? Value(double pixels, double? gsd, double seconds) => pixels / 1e6 / seconds;
}

/// <summary>Scene area per minute of the mean time, at the class's <see cref="SceneGsdAttribute"/>.</summary>
public sealed class SceneSquareKilometresPerMinute : SceneThroughputColumn
{
    public override string Id => "SceneKm2/min";
    public override string ColumnName => "km²/min";
    public override string Legend => "Scene area per minute (mean) at the scene's ground sample distance";
    protected override double? Value(double pixels, double? gsd, double seconds) => gsd is { } g ? pixels * g * g / 1e6 / (seconds / 60) : null;
}
