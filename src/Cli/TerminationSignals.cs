using System.Runtime.InteropServices;

namespace WeiPian.Cli;

/// <summary>
/// Turns the first SIGINT or SIGTERM into a cancellation of the running command, so that it stops through its
/// <see cref="CancellationToken"/> and its outputs' temporary files are removed; a second signal ends the process at once.
/// </summary>
/// <remarks>
/// Replaces System.CommandLine's own handling (<c>ProcessTerminationTimeout</c>, turned off in <see cref="CliErrors"/>):
/// it lets <c>Main</c> return after a timeout (2 s by default) while the command may still be writing, and with it the
/// process was seen to die by the signal with its temporary files and SQLite journals left behind. Here there is no
/// timeout: the engine stops within a tile batch or a few thousand polygons, and a second signal is the way out.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _received;

    public TerminationSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Received => Volatile.Read(ref _received) is var s and not 0 ? (PosixSignal)s : null;

    /// <summary>The shell's exit code for death by the received signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).</summary>
    public int ExitCode => Received == PosixSignal.SIGTERM ? 143 : 130;

    private void OnSignal(PosixSignalContext context)
    {
        // A second signal keeps the default action (the runtime ends the process): the user insists.
        if (Interlocked.CompareExchange(ref _received, (int)context.Signal, 0) != 0) return;
        context.Cancel = true;
        _cancel.Cancel();
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }
}
