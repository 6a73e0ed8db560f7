using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Orleans.Serialization;
using Orleans.Storage;

namespace WeiPian.Cluster.Storage;

/// <summary>
/// Grain storage in a folder: one file per grain state (<c>&lt;grain&gt;.&lt;state&gt;.state</c>: an 8-byte version, then
/// the state in Orleans' binary format), replaced atomically (temporary file + rename), the version checked as the
/// ETag under a lock file so that a stale activation cannot overwrite a newer state.
/// </summary>
/// <remarks>
/// For silos on one machine, or on machines sharing a POSIX file system with working <c>flock</c>: state survives
/// any silo dying, which the in-memory storage does not. Across machines PostgreSQL or Redis is the production
/// choice (docs/CLUSTER.md).
/// </remarks>
public sealed class FolderGrainStorage : IGrainStorage
{
    private readonly string _root;
    private readonly Serializer _serializer;

    /// <summary>Keeps states in <paramref name="root"/> (created when missing).</summary>
    public FolderGrainStorage(string root, Serializer serializer)
    {
        _root = Path.GetFullPath(root);
        _serializer = serializer;
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        using var _ = await LockAsync(path);
        if (!File.Exists(path))
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }
        var bytes = await File.ReadAllBytesAsync(path);
        grainState.State = _serializer.Deserialize<T>(bytes.AsMemory(8).ToArray());
        grainState.ETag = BinaryPrimitives.ReadInt64LittleEndian(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        using var _ = await LockAsync(path);
        var current = CurrentVersion(path);
        var expected = current?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (grainState.ETag != expected)
            throw new InconsistentStateException($"State {stateName} of {grainId} changed since it was read (version {expected ?? "none"}, read {grainState.ETag ?? "none"}).",
                expected ?? "", grainState.ETag ?? "");
        var version = (current ?? 0) + 1;
        var payload = _serializer.SerializeToArray(grainState.State);
        var bytes = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version);
        payload.CopyTo(bytes, 8);
        var temp = path + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
            await stream.WriteAsync(bytes);
        File.Move(temp, path, overwrite: true);
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        using var _ = await LockAsync(path);
        File.Delete(path);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static long? CurrentVersion(string path)
    {
        if (!File.Exists(path)) return null;
        Span<byte> head = stackalloc byte[8];
        using var stream = File.OpenRead(path);
        stream.ReadExactly(head);
        return BinaryPrimitives.ReadInt64LittleEndian(head);
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        var id = grainId.ToString();
        var safe = new string([.. id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
        if (safe.Length > 100) safe = safe[..100];
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id + "\n" + stateName)))[..12];
        return Path.Combine(_root, $"{safe}.{stateName}.{hash}.state");
    }

    // An exclusive lock file beside the state (flock through FileShare.None), waited for.
    private static async Task<FileStream> LockAsync(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 2000)
            {
                await Task.Delay(5);
            }
        }
    }
}
