using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace WeiPian.Engine.Files;

/// <summary>
/// Writes an output under a temporary name beside its final path and renames it into place on <see cref="Commit"/>, so a
/// crash or an error never leaves a half-written output under the final name. Disposing without committing deletes
/// the temporary output.
/// </summary>
/// <remarks>
/// <para>A file is replaced by one rename. A folder (FileGDB) or a Shapefile's set of files cannot be, so the old one is
/// first moved to a backup name, then the new one is moved in, then the backup is deleted. A process killed in between
/// leaves the backup; the next <see cref="Begin(string, OutputLayout)"/> of the same output finishes or undoes the swap, so the final name
/// always ends with either the old or the new complete output.</para>
/// <para>Temporary and backup names carry the writing machine and process
/// (<c>.NAME.partial-HOST-PID-TOKEN.ext</c>): <see cref="Begin(string, OutputLayout)"/> removes those of the same output left by a process of
/// this machine that no longer runs, and says so to the logger it was given, else through <see cref="OutputNotices"/>. A live process's files, and
/// another machine's, are never touched.</para>
/// </remarks>
public sealed class AtomicOutput : IDisposable
{
    /// <summary>File name endings of a Shapefile's members (after the stem), lower case.</summary>
    internal static readonly string[] ShapefileMembers =
        [".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".fbn", ".fbx", ".ain", ".aih", ".atx", ".ixs", ".mxs", ".qpj", ".shp.xml"];

    // GDAL and SQLite leave these beside a file while it is open; none must survive under the temp name.
    private static readonly string[] SideFiles = [".aux.xml", "-wal", "-shm", "-journal", ".ovr"];

    // Marks a Shapefile backup folder once the whole old set is in it: from then on the swap goes forward.
    private const string SwapMarker = "old-set-moved";

    private readonly ILogger? _logger;
    private bool _done;

    private AtomicOutput(string finalPath, OutputLayout layout, int owner, ILogger? logger)
    {
        _logger = logger;
        FinalPath = finalPath;
        Layout = layout;
        var dir = Path.GetDirectoryName(finalPath)!;
        var token = OutputOwner.Token(owner);
        TempPath = Path.Combine(dir, LeftoverName(finalPath, "partial", token));
        BackupPath = Path.Combine(dir, LeftoverName(finalPath, "backup", token));
    }

    /// <summary>Where the output ends up.</summary>
    public string FinalPath { get; }

    /// <summary>How the output lies on disk.</summary>
    public OutputLayout Layout { get; }

    /// <summary>
    /// Where to write it meanwhile: same folder and extension, so drivers chosen by extension still work. For a
    /// Shapefile, a folder to write the set into (named after the final stem); for a folder layout, the folder itself.
    /// </summary>
    public string TempPath { get; }

    /// <summary>Where the replaced output waits while a folder or a Shapefile set is swapped.</summary>
    internal string BackupPath { get; }

    /// <summary>Called with a short description before every change <see cref="Commit"/> makes on disk: tests throw from
    /// it to stop a commit between any two steps, as a kill would.</summary>
    internal Action<string>? Step { get; set; }

    /// <summary>
    /// Prepares a temporary path for <paramref name="finalPath"/>, after checking that the output may be written there,
    /// and cleans up what killed runs of the same output left (see the remarks).
    /// </summary>
    /// <param name="finalPath">The output.</param>
    /// <param name="layout">How the output lies on disk.</param>
    /// <exception cref="InputException">The folder does not exist or cannot be written, or <paramref name="finalPath"/>
    /// names a folder that is not an output of this layout (a folder is never deleted to make room for a file).</exception>
    public static AtomicOutput Begin(string finalPath, OutputLayout layout = OutputLayout.File) =>
        Begin(finalPath, layout, Environment.ProcessId, removeLeftovers: true);

    /// <summary>As <see cref="Begin(string, OutputLayout)"/>, telling <paramref name="logger"/> (information) what it removed
    /// or restored of killed runs, instead of <see cref="OutputNotices"/>.</summary>
    public static AtomicOutput Begin(string finalPath, OutputLayout layout, ILogger logger) =>
        Begin(finalPath, layout, Environment.ProcessId, removeLeftovers: true, logger);

    /// <summary>As <see cref="Begin(string, OutputLayout)"/>, naming the temporary output after process <paramref name="owner"/>
    /// (tests pass a process that does not run, to leave what a killed run leaves). <paramref name="probeFolder"/> false
    /// skips the write probe, for one file of thousands in a folder its writer probed once (<see cref="ProbeWritable"/>).</summary>
    internal static AtomicOutput Begin(string finalPath, OutputLayout layout, int owner, bool removeLeftovers, ILogger? logger = null,
        bool probeFolder = true)
    {
        var full = Check(finalPath, layout);
        if (removeLeftovers) RemoveLeftovers(full, layout, logger);
        if (probeFolder) ProbeWritable(Path.GetDirectoryName(full)!, finalPath);
        return new AtomicOutput(full, layout, owner, logger);
    }

    /// <summary>
    /// Checks that <paramref name="finalPath"/> may be written as <paramref name="layout"/>, without writing anything,
    /// and returns its full path.
    /// </summary>
    /// <exception cref="InputException">As for <see cref="Begin(string, OutputLayout)"/>.</exception>
    public static string Check(string finalPath, OutputLayout layout = OutputLayout.File)
    {
        if (string.IsNullOrWhiteSpace(finalPath)) throw new InputException("An output path is empty.");
        var full = Path.GetFullPath(finalPath);
        if (Path.GetFileName(full).Length == 0 || Path.GetFileName(full) is "." or "..")
            throw new InputException($"Cannot write '{finalPath}': it names a folder, not an output file.");
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new InputException($"Cannot write '{finalPath}': the folder '{dir}' does not exist.");
        if (layout == OutputLayout.Shapefile && !full.EndsWith(".shp", StringComparison.OrdinalIgnoreCase))
            throw new InputException($"Cannot write '{finalPath}' as a Shapefile: its name must end in .shp.");
        EnsureReplaceable(finalPath, full, layout);
        return full;
    }

    /// <summary>
    /// Creates the folder of <paramref name="finalPath"/> when it is missing: a folder in the path the caller named is
    /// part of the output asked for, so writing <c>out/tuban.gpkg</c> in an empty folder works.
    /// </summary>
    /// <exception cref="InputException">The folder cannot be created there (e.g. under /proc).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder above it cannot be written.</exception>
    /// <exception cref="InputException">A file stands where a folder of the path should be.</exception>
    public static void CreateFolderOf(string finalPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalPath);
        var dir = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            throw new InputException($"Cannot write '{finalPath}': the folder '{dir}' cannot be created.", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UnauthorizedAccessException($"Cannot write '{finalPath}': the folder '{dir}' cannot be created (permission denied).", e);
        }
        catch (IOException e)
        {
            throw new InputException($"Cannot write '{finalPath}': the folder '{dir}' cannot be created: {e.Message}", e);
        }
    }

    /// <summary>Renames the finished output into place, replacing what was there.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (!Directory.Exists(TempPath) && !File.Exists(TempPath))
            throw new IOException($"Nothing was written for '{FinalPath}' (expected the temporary output '{TempPath}').");
        EnsureReplaceable(FinalPath, FinalPath, Layout);
        switch (Layout)
        {
            case OutputLayout.Shapefile:
                SwapShapefile();
                break;
            case OutputLayout.FileGdb or OutputLayout.ShapefileFolder:
                SwapFolder();
                break;
            default:
                Do("rename the new file into place", () => File.Move(TempPath, FinalPath, overwrite: true));
                break;
        }
        DeleteSideFiles(TempPath);
        _done = true;
    }

    /// <summary>Deletes the temporary output unless it was committed; a swap that failed half-way is finished or undone first.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try
        {
            if (Directory.Exists(BackupPath))
                OutputNotices.Raise(_logger, Layout == OutputLayout.Shapefile
                    ? FinishShapefileSwap(FinalPath, BackupPath, TempPath)
                    : FinishFolderSwap(FinalPath, BackupPath));
            if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true);
            if (File.Exists(TempPath)) File.Delete(TempPath);
            DeleteSideFiles(TempPath);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void Do(string step, Action action)
    {
        Step?.Invoke(step);
        action();
    }

    // The old folder goes to the backup name, the new one takes the final name, then the backup goes.
    private void SwapFolder()
    {
        if (Directory.Exists(FinalPath) || File.Exists(FinalPath))
        {
            Do("move the old output to the backup name", () => Directory.Move(FinalPath, BackupPath));
            Do("rename the new output into place", () => Directory.Move(TempPath, FinalPath));
            Do("delete the backup", () => Directory.Delete(BackupPath, recursive: true));
        }
        else
        {
            Do("rename the new output into place", () => Directory.Move(TempPath, FinalPath));
        }
    }

    // Old members into the backup folder, the marker, new members into place, then the backup and the empty temp folder go.
    private void SwapShapefile()
    {
        var dir = Path.GetDirectoryName(FinalPath)!;
        Do("create the backup folder", () => Directory.CreateDirectory(BackupPath));
        foreach (var old in Members(FinalPath))
            Do($"move the old {Path.GetFileName(old)} aside", () => File.Move(old, Path.Combine(BackupPath, Path.GetFileName(old))));
        Do("mark the old set as moved", () => File.Create(Path.Combine(BackupPath, SwapMarker)).Dispose());
        foreach (var file in Directory.GetFiles(TempPath).Order(StringComparer.Ordinal))
            Do($"move the new {Path.GetFileName(file)} into place", () => File.Move(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true));
        Do("delete the empty temporary folder", () => Directory.Delete(TempPath, recursive: true));
        Do("delete the backup", () => DeleteShapefileBackup(BackupPath));
    }

    // The marker goes last, so a backup without it never holds a half-deleted old set.
    private static void DeleteShapefileBackup(string backup)
    {
        foreach (var f in Directory.GetFiles(backup).Where(f => Path.GetFileName(f) != SwapMarker)) File.Delete(f);
        Directory.Delete(backup, recursive: true);
    }

    /// <summary>The files of a Shapefile set that exist: <paramref name="shp"/>'s stem with each member ending, any case.</summary>
    internal static IEnumerable<string> Members(string shp)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(shp))!;
        var stem = Path.GetFileNameWithoutExtension(shp);
        return Directory.EnumerateFiles(dir, stem + ".*")
            .Where(f => Path.GetFileName(f).Length > stem.Length && Path.GetFileName(f).StartsWith(stem, StringComparison.Ordinal)
                        && ShapefileMembers.Contains(Path.GetFileName(f)[stem.Length..].ToLowerInvariant()))
            .ToList();
    }

    private static void EnsureReplaceable(string shown, string full, OutputLayout layout)
    {
        switch (layout)
        {
            case OutputLayout.File or OutputLayout.Shapefile when Directory.Exists(full):
                throw new InputException($"Cannot write '{shown}': a folder has that name, and a folder is never replaced by an output file.");
            case OutputLayout.FileGdb or OutputLayout.ShapefileFolder when File.Exists(full):
                throw new InputException($"Cannot write '{shown}': a file has that name, not a {FormatName(layout)} folder.");
            case OutputLayout.FileGdb or OutputLayout.ShapefileFolder when Directory.Exists(full) && !Holds(full, layout):
                throw new InputException(
                    $"Cannot write '{shown}': the folder there is not a {FormatName(layout)}, and only a folder of the output's own format is replaced.");
        }
    }

    private static string FormatName(OutputLayout layout) => layout == OutputLayout.FileGdb ? "FileGDB" : "folder of Shapefiles";

    // What makes a folder replaceable: empty, or of the format and nothing else. A FileGDB holds its system catalogue
    // (a00000001.gdbtable) and only files of its own: 'gdb', 'timestamps', and tables and indexes named a + 8 hex
    // digits; a user's notes.txt beside them means the folder is not only a FileGDB, and it is kept.
    private static bool Holds(string dir, OutputLayout layout)
    {
        var entries = Directory.EnumerateFileSystemEntries(dir).ToList();
        if (entries.Count == 0) return true;
        return layout == OutputLayout.FileGdb
            ? File.Exists(Path.Combine(dir, "a00000001.gdbtable")) && entries.All(e => File.Exists(e) && IsFileGdbMember(Path.GetFileName(e)))
            : entries.All(e => File.Exists(e) && ShapefileMembers.Any(m => e.EndsWith(m, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool IsFileGdbMember(string name) =>
        name is "gdb" or "timestamps"
        || (name.Length > 10 && name[0] == 'a' && name[9] == '.' && !name.AsSpan(1, 8).ContainsAnyExcept("0123456789abcdef"));

    private static string LeftoverName(string finalPath, string kind, string token) =>
        $".{Path.GetFileNameWithoutExtension(finalPath)}.{kind}-{token}{Path.GetExtension(finalPath)}";

    /// <summary>
    /// Removes what killed runs of <paramref name="full"/> left beside it: a swap interrupted half-way is finished or undone
    /// first, then temporary outputs and backups of processes of this machine that no longer run are deleted.
    /// </summary>
    private static void RemoveLeftovers(string full, OutputLayout layout, ILogger? logger)
    {
        var dir = Path.GetDirectoryName(full)!;
        var stem = Path.GetFileNameWithoutExtension(full);
        var ext = Path.GetExtension(full);
        var pattern = new Regex(
            $@"^\.{Regex.Escape(stem)}\.(partial|backup)-({OutputOwner.HostTag})-(\d+)-([0-9a-f]+){Regex.Escape(ext)}(.*)$", RegexOptions.CultureInvariant);
        var found = Directory.EnumerateFileSystemEntries(dir, $".{stem}.*")
            .Select(p => (Path: p, Match: pattern.Match(Path.GetFileName(p))))
            .Where(x => x.Match.Success && (x.Match.Groups[5].Value.Length == 0 || SideFiles.Contains(x.Match.Groups[5].Value)))
            .Where(x => !OutputOwner.Runs(int.Parse(x.Match.Groups[3].Value, CultureInfo.InvariantCulture)))
            .ToList();
        if (found.Count == 0) return;
        var notes = new List<string>();
        foreach (var (backup, m) in found.Where(x => x.Match.Groups[1].Value == "backup"))
        {
            var temp = Path.Combine(dir, LeftoverName(full, "partial", $"{m.Groups[2].Value}-{m.Groups[3].Value}-{m.Groups[4].Value}"));
            notes.Add(layout == OutputLayout.Shapefile ? FinishShapefileSwap(full, backup, temp) : FinishFolderSwap(full, backup));
        }
        var removed = new List<string>();
        foreach (var (path, _) in found.Where(x => x.Match.Groups[1].Value == "partial"))
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
            else continue;
            removed.Add(Path.GetFileName(path));
        }
        if (removed.Count > 0)
            notes.Add($"removed {removed.Count} temporary file(s) that killed runs of '{full}' left: {string.Join(", ", removed)}");
        foreach (var note in notes) OutputNotices.Raise(logger, note);
    }

    private static string FinishFolderSwap(string full, string backup)
    {
        if (Directory.Exists(full) || File.Exists(full))
        {
            Directory.Delete(backup, recursive: true);
            return $"'{full}': a run interrupted while replacing it left the old one at '{Path.GetFileName(backup)}'; removed that";
        }
        Directory.Move(backup, full);
        return $"'{full}': a run interrupted while replacing it had moved it aside; put it back";
    }

    private static string FinishShapefileSwap(string full, string backup, string temp)
    {
        var dir = Path.GetDirectoryName(full)!;
        string note;
        if (File.Exists(Path.Combine(backup, SwapMarker)))
        {
            // The old set was all aside and the new one complete: finish moving the new one in.
            if (Directory.Exists(temp))
                foreach (var file in Directory.GetFiles(temp))
                    File.Move(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);
            note = $"'{full}': finished the replacement an interrupted run had begun";
        }
        else
        {
            foreach (var file in Directory.GetFiles(backup))
                File.Move(file, Path.Combine(dir, Path.GetFileName(file)), overwrite: true);
            note = $"'{full}': an interrupted run had begun to replace it; put the old files back";
        }
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        DeleteShapefileBackup(backup);
        return note;
    }

    private static void DeleteSideFiles(string path)
    {
        foreach (var suffix in SideFiles)
            if (File.Exists(path + suffix)) File.Delete(path + suffix);
    }

    /// <summary>Creates and deletes a file in <paramref name="dir"/>, so an output there fails before any work.</summary>
    /// <exception cref="InputException">The folder cannot be written; the message names <paramref name="finalPath"/>.</exception>
    internal static void ProbeWritable(string dir, string finalPath)
    {
        var probe = Path.Combine(dir, $".weipian-probe-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe)) { }
            File.Delete(probe);
        }
        catch (UnauthorizedAccessException)
        {
            throw new InputException($"Cannot write '{finalPath}': the folder '{dir}' is not writable.");
        }
        catch (IOException e)
        {
            throw new InputException($"Cannot write '{finalPath}' in '{dir}': {e.Message}", e);
        }
    }
}
