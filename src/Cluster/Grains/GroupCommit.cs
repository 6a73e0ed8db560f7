namespace WeiPian.Cluster.Grains;

/// <summary>
/// Serialises and coalesces the writes of a reentrant grain's state (group commit): <see cref="StoreAsync"/> returns
/// only once a write that began after the caller's change is stored, one write runs at a time, and callers that
/// changed the state while a write was running share the next write.
/// </summary>
/// <remarks>
/// A caller never learns of a change (a lease, a recorded result) that a crash could forget, and a burst of changes
/// costs two writes, not one each. State changes happen between awaits (a grain runs one turn at a time), so the
/// write always stores every change counted so far.
/// </remarks>
internal sealed class GroupCommit(Func<Task> write)
{
    private long _changes, _stored;
    private Task? _writing;

    /// <summary>Counts one change and returns once a write that includes it is stored.</summary>
    /// <exception cref="Exception">Whatever the write throws, for the write this call started; a failed write that
    /// another call started is retried by this call.</exception>
    public async Task StoreAsync()
    {
        var mine = ++_changes;
        while (_stored < mine)
        {
            if (_writing is { IsCompleted: false } running)
            {
                try { await running; }
                catch (Exception) { /* that write's callers see its error; this call tries its own */ }
                continue;
            }
            var next = WriteAsync(_changes);
            _writing = next;
            await next;
        }
    }

    private async Task WriteAsync(long upTo)
    {
        await write();
        _stored = Math.Max(_stored, upTo);
    }
}
