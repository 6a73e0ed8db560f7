using System.Diagnostics;
using System.Globalization;

namespace WeiPian.Engine.Files;

/// <summary>
/// Who made a temporary output: the machine (a hash of its host name) and the process. Temporary and backup names
/// (of <see cref="AtomicOutput"/>, a training export, a detection's work folder) carry <see cref="Token"/>, and a
/// later run reads it back to judge whether the maker still runs, so only leftovers of this machine's dead processes
/// are removed; a live process's, and another machine's on a shared folder, are never touched.
/// </summary>
internal static class OutputOwner
{
    /// <summary>The tag of this machine in temporary names: a hash of its host name.</summary>
    public static readonly string HostTag = HostHash(Environment.MachineName);

    /// <summary>The part of a temporary name that says who made it, <c>HOST-PID-RANDOM</c>.</summary>
    public static string Token(int pid) =>
        string.Create(CultureInfo.InvariantCulture, $"{HostTag}-{pid}-{Guid.NewGuid().ToString("N")[..8]}");

    /// <summary>Whether process <paramref name="pid"/> of this machine runs; the current one always does (another of
    /// its outputs may be under way).</summary>
    public static bool Runs(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // A short stable tag of the machine name (FNV-1a), so partials on a shared folder are judged only by their own machine.
    private static string HostHash(string name)
    {
        var h = 2166136261u;
        foreach (var c in name)
        {
            h ^= c;
            h *= 16777619u;
        }
        return h.ToString("x8", CultureInfo.InvariantCulture);
    }
}
