using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace WeiPian.Bench;

/// <summary>
/// A numeric custom column: the <see cref="IColumn"/> boilerplate once; a column says its name, legend and how it
/// reads its value from the summary (or "-" when it has none for a case).
/// </summary>
public abstract class BenchColumn : IColumn
{
    public abstract string Id { get; }
    public abstract string ColumnName { get; }
    public abstract string Legend { get; }
    public virtual int PriorityInCategory => 0;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => Value(summary, benchmarkCase) ?? "-";

    /// <summary>The formatted value for a case, or null when there is none.</summary>
    protected abstract string? Value(Summary summary, BenchmarkCase benchmarkCase);
}
