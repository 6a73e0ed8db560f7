using System.Threading.Tasks.Sources;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// Reads a chunk of both dates at once: the after date on a pool thread while the caller reads the before date, each
/// timed as <see cref="StageTimes.Stage.Read"/>. One per reading loop, which reads one chunk at a time, reused for every
/// chunk: a Task and a closure per chunk were most of what a run allocated per tile.
/// </summary>
internal sealed class PairRead(IStripReader before, IStripReader after, StageTimes times) : IThreadPoolWorkItem, IValueTaskSource
{
    // Completed by the pool thread; the awaiting loop goes on there.
    private ManualResetValueTaskSourceCore<bool> _afterRead;
    private int _row, _chunk, _slot;

    /// <summary>
    /// Reads chunk <paramref name="chunk"/> of tile row <paramref name="row"/> of both dates into <paramref name="slot"/>;
    /// completes when both are read. Await it before the next call.
    /// </summary>
    public ValueTask ReadAsync(int row, int chunk, int slot)
    {
        (_row, _chunk, _slot) = (row, chunk, slot);
        _afterRead.Reset();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        Read(before);
        return new ValueTask(this, _afterRead.Version);
    }

    void IThreadPoolWorkItem.Execute()
    {
        Exception? failure = null;
        try
        {
            Read(after);
        }
        catch (Exception e)
        {
            failure = e;
        }
        // Outside the try: completing runs the awaiting loop on this thread, and none of its failures are the read's.
        if (failure is null) _afterRead.SetResult(true);
        else _afterRead.SetException(failure);
    }

    private void Read(IStripReader date)
    {
        var t = StageTimes.Start();
        date.Read(_row, _chunk, _slot);
        times.Add(StageTimes.Stage.Read, t);
    }

    void IValueTaskSource.GetResult(short token) => _afterRead.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _afterRead.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _afterRead.OnCompleted(continuation, state, token, flags);
}
