using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace WeiPian.Bench.Kernels;

/// <summary>How many bytes a kernel reads per pixel (every input span, in/out spans included): the bytes the Memcpy baseline copies.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class InputBytesPerPixelAttribute(int bytes) : Attribute
{
    public int Bytes { get; } = bytes;
}

/// <summary>MB/s of input: Pixels x InputBytesPerPixel / mean time (10^6 bytes per second).</summary>
public sealed class ThroughputColumn : BenchColumn
{
    public override string Id => nameof(ThroughputColumn);
    public override string ColumnName => "MB/s in";
    public override string Legend => "Input bytes (Pixels x bytes read per pixel) per second, in 10^6 bytes/s";

    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        var perPixel = benchmarkCase.Descriptor.Type.GetCustomAttributes(typeof(InputBytesPerPixelAttribute), true).OfType<InputBytesPerPixelAttribute>().FirstOrDefault();
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (perPixel is null || mean is not > 0 || benchmarkCase.Parameters["Pixels"] is not int pixels) return null;
        return ((double)pixels * perPixel.Bytes / mean.Value * 1e3).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Mean time of the "Reference" benchmark with the same parameters / this benchmark's mean time.</summary>
public sealed class SpeedupOverReferenceColumn : BenchColumn
{
    public override string Id => nameof(SpeedupOverReferenceColumn);
    public override string ColumnName => "x Reference";
    public override int PriorityInCategory => 1;
    public override string Legend => "Speed-up over the scalar ReferenceKernels twin (Reference mean / this mean)";

    protected override string? Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        var reference = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.Type == benchmarkCase.Descriptor.Type &&
            c.Descriptor.WorkloadMethod.Name == "Reference" &&
            c.Job == benchmarkCase.Job &&
            c.Parameters.FolderInfo == benchmarkCase.Parameters.FolderInfo);
        double? refMean = reference is null ? null : summary[reference]?.ResultStatistics?.Mean;
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return refMean is > 0 && mean is > 0 ? (refMean.Value / mean.Value).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
