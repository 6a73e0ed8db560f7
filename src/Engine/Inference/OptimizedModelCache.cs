using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace WeiPian.Engine.Inference;

/// <summary>
/// ONNX Runtime's optimised graph of a model kept in a file (<see cref="InferenceOptions.OptimizedModelCachePath"/>), so a
/// later load skips the optimisation. The file is only trusted with a key beside it (<c>.key</c>) naming everything that
/// shaped it: the graph's bytes (after the float16 rewrite, when asked), the optimisation level, the device, ONNX
/// Runtime's version and the CPU's vector width (the NCHWc layouts of level All are specific to it). Any other key,
/// or a file ONNX Runtime cannot load, means the graph is optimised again and the file replaced.
/// </summary>
/// <remarks>The file and its key are each written under a temporary name and renamed into place, the key last, so
/// processes sharing the cache never read a half-written graph and a crash leaves at worst a graph without its key.</remarks>
internal sealed class OptimizedModelCache
{
    private readonly string _path;
    private readonly string _key;
    private readonly string _temp;

    private OptimizedModelCache(string path, string key)
    {
        _path = path;
        _key = key;
        _temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
    }

    /// <summary>The cache for <paramref name="graph"/> loaded with <paramref name="options"/>; makes the cache's folder.</summary>
    public static OptimizedModelCache For(string cachePath, ReadOnlySpan<byte> graph, InferenceOptions options)
    {
        var isa = Avx512F.IsSupported ? "avx512" : Avx2.IsSupported ? "avx2" : "base";
        var key = string.Join("\n",
            "weipian optimized-model cache 1",
            "graph sha256 " + Convert.ToHexString(SHA256.HashData(graph)),
            "optimization " + options.Optimization,
            "device " + options.Device,
            "onnxruntime " + OrtEnv.Instance().GetVersionString(),
            "cpu " + RuntimeInformation.ProcessArchitecture + " " + isa);
        var path = Path.GetFullPath(cachePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // ONNX Runtime writes the graph but makes no folder
        return new OptimizedModelCache(path, key);
    }

    /// <summary>Where the optimised graph lives.</summary>
    public string FilePath => _path;

    private string KeyPath => _path + ".key";

    /// <summary>True when the file holds the optimised graph of this model and these options.</summary>
    public bool IsCurrent
    {
        get
        {
            try
            {
                return File.Exists(_path) && File.Exists(KeyPath) && File.ReadAllText(KeyPath) == _key;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>Where ONNX Runtime writes the graph it optimises this time (<see cref="Commit"/> moves it into place).</summary>
    public string WritePath => _temp;

    /// <summary>Moves the graph written to <see cref="WritePath"/> into place, then its key.</summary>
    public void Commit()
    {
        if (!File.Exists(_temp)) return;
        File.Move(_temp, _path, overwrite: true);
        var keyTemp = _temp + ".key";
        File.WriteAllText(keyTemp, _key);
        File.Move(keyTemp, KeyPath, overwrite: true);
    }

    /// <summary>Forgets a graph ONNX Runtime could not load, and any temporary file of this load.</summary>
    public void Discard(bool current)
    {
        TryDelete(_temp);
        if (current)
        {
            TryDelete(KeyPath);
            TryDelete(_path);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
