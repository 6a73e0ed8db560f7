namespace WeiPian.Engine.Output;

/// <summary>
/// Writes an output under a temporary name beside its final path and renames it into place on
/// <see cref="Commit"/>, so a crash or an error never leaves a half-written file under the final name.
/// Works for single files (GeoTIFF, GeoPackage) and for folders (a Shapefile set, a FileGDB).
/// Disposing without committing deletes the temporary output.
/// </summary>
public sealed class AtomicOutput : IDisposable
{
    private bool _done;

    private AtomicOutput(string finalPath, string tempPath)
    {
        FinalPath = finalPath;
        TempPath = tempPath;
    }

    /// <summary>Where the output ends up.</summary>
    public string FinalPath { get; }

    /// <summary>Where to write it meanwhile: same folder and extension, so drivers chosen by extension still work.</summary>
    public string TempPath { get; }

    /// <summary>Prepares a temporary path for <paramref name="finalPath"/>; its folder must exist and be writable.</summary>
    /// <exception cref="DirectoryNotFoundException">The output folder does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The output folder cannot be written.</exception>
    public static AtomicOutput Begin(string finalPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(finalPath);
        var full = Path.GetFullPath(finalPath);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException($"Cannot write '{finalPath}': the folder '{dir}' does not exist.");
        if (Directory.Exists(full) && File.Exists(full))
            throw new InputException($"Cannot write '{finalPath}': it is both a file and a folder.");
        var name = Path.GetFileNameWithoutExtension(full);
        var ext = Path.GetExtension(full);
        var temp = Path.Combine(dir, $".{name}.partial-{Guid.NewGuid():N}"[..(name.Length + 18)] + ext);
        ProbeWritable(dir, finalPath);
        return new AtomicOutput(full, temp);
    }

    /// <summary>Renames the finished output into place, replacing what was there.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        if (Directory.Exists(TempPath))
        {
            if (Directory.Exists(FinalPath)) Directory.Delete(FinalPath, recursive: true);
            else if (File.Exists(FinalPath)) File.Delete(FinalPath);
            Directory.Move(TempPath, FinalPath);
        }
        else if (File.Exists(TempPath))
        {
            if (Directory.Exists(FinalPath)) Directory.Delete(FinalPath, recursive: true);
            File.Move(TempPath, FinalPath, overwrite: true);
        }
        else
        {
            throw new IOException($"Nothing was written for '{FinalPath}' (expected the temporary output '{TempPath}').");
        }
        DeleteSideFiles();
        _done = true;
    }

    /// <summary>Deletes the temporary output unless it was committed.</summary>
    public void Dispose()
    {
        if (_done) return;
        _done = true;
        try
        {
            if (Directory.Exists(TempPath)) Directory.Delete(TempPath, recursive: true);
            if (File.Exists(TempPath)) File.Delete(TempPath);
            DeleteSideFiles();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    // GDAL and SQLite leave these beside a file while it is open; none must survive under the temp name.
    private void DeleteSideFiles()
    {
        foreach (var suffix in new[] { ".aux.xml", "-wal", "-shm", "-journal", ".ovr" })
            if (File.Exists(TempPath + suffix)) File.Delete(TempPath + suffix);
    }

    private static void ProbeWritable(string dir, string finalPath)
    {
        var probe = Path.Combine(dir, $".weipian-probe-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe)) { }
            File.Delete(probe);
        }
        catch (UnauthorizedAccessException)
        {
            throw new UnauthorizedAccessException($"Cannot write '{finalPath}': the folder '{dir}' is not writable.");
        }
        catch (IOException e)
        {
            throw new InputException($"Cannot write '{finalPath}' in '{dir}': {e.Message}", e);
        }
    }
}
