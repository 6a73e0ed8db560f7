using System.Globalization;

namespace WeiPian.Engine.Batch;

/// <summary>
/// The batch folder as a batch owns it: which folders may become one, the lock that keeps a second run out, and the
/// leftovers of a killed run that may be deleted.
/// </summary>
/// <remarks>
/// <para>A folder is a batch folder when it holds a journal (<c>journal.sqlite</c>) or the batch's own subfolder
/// <see cref="OwnName"/>. A batch starts only in a new or empty folder or in a batch folder; any other folder is refused
/// unless <see cref="BatchSettings.AllowNonEmptyFolder"/> says otherwise, because the batch writes its files
/// (<c>scenes/</c>, <c>tuban.gpkg</c>, the reports) into it.</para>
/// <para>Cleaning deletes only what the batch itself makes: everything under <c>.weipian-batch/tmp/</c> (detection work
/// files), and the partial files of its own outputs (<c>.tuban.partial-*</c>, <c>.regions.partial-*</c>,
/// <c>.ratio.partial-*</c>, <c>.report.partial-*</c> in the folder, <c>.&lt;key&gt;.partial-*</c> in <c>scenes/</c> for the
/// scene keys of the journal and the manifest). A user's <c>tmp/</c> or other hidden files are never touched.</para>
/// </remarks>
public sealed class BatchFolder : IDisposable
{
    /// <summary>The batch's own subfolder: the lock and the detection work files.</summary>
    public const string OwnName = ".weipian-batch";

    private static readonly string[] OutputStems = ["tuban", "regions", "ratio", "report"];

    private static readonly string[] WrittenNames =
        ["journal.sqlite", "scenes", "tuban.gpkg", "regions.csv", "ratio.csv", "report.md", "report.html", OwnName];

    private readonly FileStream _lock;

    private BatchFolder(string path, FileStream folderLock)
    {
        Path = path;
        _lock = folderLock;
    }

    /// <summary>The batch folder, a full path.</summary>
    public string Path { get; }

    /// <summary>
    /// The name of what the batch writes in <paramref name="folder"/> that <paramref name="input"/> is or lies inside
    /// (the journal, <c>scenes/</c>, the merged polygons, the reports, its own subfolder); null when the batch leaves it
    /// alone. An input there would be replaced by the batch: last year's <c>tuban.gpkg</c> named as the earlier polygons
    /// of a batch into the same folder.
    /// </summary>
    public static string? Writes(string folder, string input)
    {
        var real = Files.OutputPaths.RealPath(input);
        return WrittenNames.FirstOrDefault(name =>
        {
            var written = Files.OutputPaths.RealPath(System.IO.Path.Combine(folder, name));
            return Files.OutputPaths.Same(written, real) || Files.OutputPaths.Inside(written, real);
        });
    }

    /// <summary>The detection work folder of a batch folder: <c>.weipian-batch/tmp</c>.</summary>
    public static string WorkDirectory(string folder) => System.IO.Path.Combine(folder, OwnName, "tmp");

    /// <summary>True when <paramref name="folder"/> holds a batch (a journal, or the batch's own subfolder).</summary>
    public static bool IsBatchFolder(string folder) =>
        File.Exists(System.IO.Path.Combine(folder, "journal.sqlite")) || Directory.Exists(System.IO.Path.Combine(folder, OwnName));

    /// <summary>
    /// Checks that <paramref name="folder"/> may hold a batch: it does not exist yet, is empty, or is a batch folder
    /// (or <paramref name="allowNonEmpty"/>).
    /// </summary>
    /// <exception cref="InputException">It is a file, or a non-empty folder that holds no batch.</exception>
    public static void Check(string folder, bool allowNonEmpty)
    {
        if (File.Exists(folder)) throw new InputException($"Batch folder '{folder}' is a file; name a folder (new, empty, or an earlier batch's).");
        if (!Directory.Exists(folder) || allowNonEmpty || IsBatchFolder(folder)) return;
        if (Directory.EnumerateFileSystemEntries(folder).Any())
            throw new InputException(
                $"Batch folder '{folder}' is not empty and holds no batch (no journal.sqlite): name a new or empty folder, or allow writing among its files.")
            {
                Setting = nameof(BatchSettings.AllowNonEmptyFolder),
            };
    }

    /// <summary>
    /// Checks the folder and its journal, creates the folder and its own subfolder, and takes the lock (held until
    /// disposed).
    /// </summary>
    /// <remarks>
    /// Nothing in the folder is written before it is known to be usable: an earlier run's lock is taken as it is (a
    /// second run is kept out while the journal is read) and the journal is checked read-only (see
    /// <see cref="BatchJournal.CheckExisting"/>); only then are the subfolder made and the lock's process id written. A
    /// refused batch folder is left byte-identical.
    /// </remarks>
    /// <exception cref="InputException">See <see cref="Check"/>; another run holds the folder; or its journal is damaged
    /// or not a reprocess journal.</exception>
    public static BatchFolder Acquire(string folder, bool allowNonEmpty)
    {
        var full = System.IO.Path.GetFullPath(folder);
        Check(full, allowNonEmpty);
        var path = System.IO.Path.Combine(full, OwnName, "lock");
        var stream = File.Exists(path) ? OpenLock(path, FileMode.Open, full) : null;
        try
        {
            BatchJournal.CheckExisting(System.IO.Path.Combine(full, "journal.sqlite"));
            if (stream is null)
            {
                Directory.CreateDirectory(System.IO.Path.Combine(full, OwnName));
                stream = OpenLock(path, FileMode.OpenOrCreate, full);
            }
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture)));
            stream.Flush();
            return new BatchFolder(full, stream);
        }
        catch
        {
            stream?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Deletes what a killed run of this batch left: the detection work files and the partial files of the batch's own
    /// outputs and of the scenes <paramref name="sceneKeys"/>. Call it with the lock held.
    /// </summary>
    public void CleanUp(IEnumerable<string> sceneKeys)
    {
        var work = WorkDirectory(Path);
        if (Directory.Exists(work))
            foreach (var entry in Directory.EnumerateFileSystemEntries(work)) Delete(entry);
        foreach (var stem in OutputStems) DeletePartials(Path, stem);
        var scenes = System.IO.Path.Combine(Path, "scenes");
        if (Directory.Exists(scenes))
            foreach (var key in sceneKeys.Distinct(StringComparer.Ordinal).Where(SceneJob.IsValidKey)) DeletePartials(scenes, key);
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private static FileStream OpenLock(string path, FileMode mode, string folder)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InputException($"Another reprocess run is using '{folder}' (it holds {path}); wait for it to end or use another batch folder.", e)
            {
                Setting = nameof(BatchSettings.OutputDirectory),
            };
        }
    }

    private static void DeletePartials(string folder, string stem)
    {
        foreach (var partial in Directory.EnumerateFileSystemEntries(folder, $".{stem}.partial-*")) Delete(partial);
    }

    private static void Delete(string entry)
    {
        try
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
