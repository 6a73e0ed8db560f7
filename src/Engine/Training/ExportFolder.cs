using System.Text.RegularExpressions;
using WeiPian.Engine.Files;

namespace WeiPian.Engine.Training;

/// <summary>
/// The export folder written as a whole: into a temporary folder beside it (<c>.NAME.partial-HOST-PID-TOKEN</c>), renamed
/// into place when complete, so a crash or a cancel never leaves half an export under the name; a run of the same
/// output later removes what a killed run of this machine left.
/// </summary>
/// <remarks>
/// Only a new folder, an empty one or an earlier export (one holding <see cref="Marker"/>) is replaced; an earlier export is
/// first moved to a backup name, then the new one moved in, then the backup deleted. Any other folder is refused, so
/// nothing the user did not name as the output is ever deleted.
/// </remarks>
internal sealed class ExportFolder : IDisposable
{
    /// <summary>The file that marks a folder as a training export (its summary).</summary>
    public const string Marker = "export.json";

    private bool _done;

    private ExportFolder(string finalPath, string tempPath)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
    }

    /// <summary>The export folder, a full path.</summary>
    public string FinalPath { get; }

    /// <summary>Where the export is written meanwhile.</summary>
    public string TempPath { get; }

    /// <summary>Checks that <paramref name="folder"/> may become the export, writing nothing; returns its full path.</summary>
    /// <exception cref="InputException">It is a file, or a non-empty folder that holds no training export.</exception>
    public static string Check(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) throw new InputException("The export folder is empty.") { Setting = "OutputDirectory" };
        var full = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        if (File.Exists(full))
            throw new InputException($"Export folder '{folder}' is a file; name a folder (new, empty, or an earlier export).") { Setting = "OutputDirectory" };
        if (Directory.Exists(full) && !File.Exists(Path.Combine(full, Marker)) && Directory.EnumerateFileSystemEntries(full).Any())
            throw new InputException($"Export folder '{folder}' is not empty and holds no training export (no {Marker}); name a new or empty folder.")
            {
                Setting = "OutputDirectory",
            };
        return full;
    }

    /// <summary>Checks the folder, removes killed runs' leftovers, and creates the temporary folder.</summary>
    public static ExportFolder Begin(string folder)
    {
        var full = Check(folder);
        AtomicOutput.CreateFolderOf(full);
        RemoveLeftovers(full);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.partial-{OutputOwner.Token(Environment.ProcessId)}");
        Directory.CreateDirectory(temp);
        return new ExportFolder(full, temp);
    }

    /// <summary>Moves the finished export into place, replacing an empty folder or an earlier export.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        Check(FinalPath);
        if (Directory.Exists(FinalPath))
        {
            var backup = TempPath.Replace(".partial-", ".backup-", StringComparison.Ordinal);
            Directory.Move(FinalPath, backup);
            Directory.Move(TempPath, FinalPath);
            Directory.Delete(backup, recursive: true);
        }
        else Directory.Move(TempPath, FinalPath);
        _done = true;
    }

    /// <summary>Deletes the temporary folder unless the export was committed.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try
        {
            if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // Partial folders of processes of this machine that no longer run; a backup whose export is missing is put back.
    private static void RemoveLeftovers(string full)
    {
        var dir = Path.GetDirectoryName(full)!;
        var name = Path.GetFileName(full);
        var pattern = new Regex($@"^\.{Regex.Escape(name)}\.(partial|backup)-{OutputOwner.HostTag}-(\d+)-[0-9a-f]+$", RegexOptions.CultureInvariant);
        foreach (var path in Directory.EnumerateDirectories(dir, $".{name}.*").ToList())
        {
            var m = pattern.Match(Path.GetFileName(path));
            if (!m.Success || OutputOwner.Runs(int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))) continue;
            if (m.Groups[1].Value == "backup" && !Directory.Exists(full))
            {
                Directory.Move(path, full);
                OutputNotices.Raise(null, $"'{full}': a run interrupted while replacing it had moved it aside; put it back");
            }
            else
            {
                Directory.Delete(path, recursive: true);
                OutputNotices.Raise(null, $"removed '{Path.GetFileName(path)}', which a killed run of '{full}' left");
            }
        }
    }
}
