using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using WeiPian.Engine.Files;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// A detection's work folder in the temporary folder, <c>weipian-HOST-PID-TOKEN</c>. A run removes its own when it
/// ends; one killed (SIGKILL, power loss) cannot, so the next run removes the work folders that processes of this
/// machine that no longer run left, and says so to the run's logger, else through <see cref="OutputNotices"/>: the same rule as
/// <see cref="AtomicOutput"/>'s temporary outputs. A live process's folders, another machine's (on a shared temporary
/// folder) and folders named in the old way (<c>weipian-</c> and 12 hex digits, no owner) are never touched.
/// </summary>
internal static partial class WorkFolder
{
    /// <summary>Removes work folders of dead processes of this machine in <paramref name="parent"/>, then creates this run's.</summary>
    /// <param name="parent">The temporary folder (<see cref="DetectionOptions.TempDirectory"/> or the system's).</param>
    /// <param name="logger">Told of the folders removed (<see cref="DetectionOptions.Logger"/>); null to raise <see cref="OutputNotices"/>.</param>
    /// <returns>The new, empty work folder.</returns>
    public static string Create(string parent, ILogger? logger)
    {
        RemoveLeftovers(parent, logger);
        var path = Path.Combine(parent, "weipian-" + OutputOwner.Token(Environment.ProcessId));
        Directory.CreateDirectory(path);
        return path;
    }

    private static void RemoveLeftovers(string parent, ILogger? logger)
    {
        if (!Directory.Exists(parent)) return;
        var removed = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(parent, $"weipian-{OutputOwner.HostTag}-*"))
        {
            var m = Owned().Match(Path.GetFileName(dir));
            if (!m.Success) continue;
            if (!int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || OutputOwner.Runs(pid)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed.Add(Path.GetFileName(dir));
            }
            // Another run may be removing the same folder at the same moment; what it leaves, the next run retries.
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        if (removed.Count > 0)
            OutputNotices.Raise(logger, $"removed {removed.Count} work folder(s) that killed runs left in '{parent}': {string.Join(", ", removed)}");
    }

    [GeneratedRegex("^weipian-[0-9a-f]{8}-([0-9]+)-[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex Owned();
}
