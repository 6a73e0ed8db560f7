namespace WeiPian.Engine.Output;

/// <summary>
/// Where a detection's 图斑 are written: one file (<see cref="TubanWriter.Sink"/>) or one file per county
/// (<see cref="CountySplitSink"/>). Nothing appears under a final name before <see cref="Commit"/>; disposing without
/// committing leaves nothing behind.
/// </summary>
internal interface ITubanSink : IDisposable
{
    /// <summary>Writes one polygon.</summary>
    void Add(Tuban t);

    /// <summary>Completes the output and renames it into place.</summary>
    void Commit();

    /// <summary>The final paths written (or to be written on commit), in order.</summary>
    IReadOnlyList<string> Paths { get; }
}
