using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

/// <summary>
/// Process-wide GDAL set-up: driver registration, the error handler and the block cache size.
/// Every entry point of the binding calls <see cref="EnsureInitialized"/>, so callers never need to.
/// </summary>
/// <remarks>
/// Thread-safety: GDAL's global state (drivers, config options, the error handler) is shared by
/// the whole process; dataset handles are not. Use one <see cref="RasterDataset"/> or
/// <see cref="VectorDataset"/> per thread: open the same file again on another thread to read in parallel.
/// </remarks>
public static class GdalLibrary
{
    private const int CeFailure = 3;
    private static readonly object Gate = new();
    private static volatile bool _initialized;

    /// <summary>Default GDAL block cache when the user did not set GDAL_CACHEMAX: bounded so memory stays flat.</summary>
    public const long DefaultCacheBytes = 256L << 20;

    /// <summary>Registers GDAL's drivers and installs the error handler; safe to call many times, from any thread.</summary>
    public static void EnsureInitialized()
    {
        if (_initialized) return;
        lock (Gate)
        {
            if (_initialized) return;
            GdalNative.EnsureResolver();
            unsafe { GdalNative.CPLSetErrorHandler(&OnGdalError); }
            GdalNative.GDALAllRegister();
            if (Environment.GetEnvironmentVariable("GDAL_CACHEMAX") is null)
                GdalNative.GDALSetCacheMax64(DefaultCacheBytes);
            _initialized = true;
        }
    }

    /// <summary>GDAL's release name, e.g. "3.6.2".</summary>
    public static string Version
    {
        get
        {
            EnsureInitialized();
            return GdalNative.Utf8(GdalNative.GDALVersionInfo("RELEASE_NAME")) ?? "unknown";
        }
    }

    /// <summary>Sets a GDAL configuration option for the whole process (null clears it).</summary>
    public static void SetConfigOption(string key, string? value)
    {
        EnsureInitialized();
        GdalNative.CPLSetConfigOption(key, value);
    }

    /// <summary>
    /// Sets a GDAL configuration option for the calling thread only (null clears it): for settings that
    /// must not leak into other threads' work, such as a fixed GeoPackage timestamp for reproducible files.
    /// </summary>
    public static void SetThreadLocalConfigOption(string key, string? value)
    {
        EnsureInitialized();
        GdalNative.CPLSetThreadLocalConfigOption(key, value);
    }

    /// <summary>Reads a GDAL configuration option, or null.</summary>
    public static string? GetConfigOption(string key)
    {
        EnsureInitialized();
        return GdalNative.Utf8(GdalNative.CPLGetConfigOption(key, null));
    }

    /// <summary>The size of GDAL's raster block cache in bytes.</summary>
    public static long CacheBytes
    {
        get { EnsureInitialized(); return GdalNative.GDALGetCacheMax64(); }
        set { EnsureInitialized(); GdalNative.GDALSetCacheMax64(value); }
    }

    /// <summary>
    /// The last warnings GDAL raised on this thread since <see cref="TakeWarnings"/> was last called.
    /// Warnings do not throw; they are kept so a caller can show them.
    /// </summary>
    public static IReadOnlyList<string> TakeWarnings()
    {
        var list = t_warnings;
        if (list is null || list.Count == 0) return Array.Empty<string>();
        t_warnings = null;
        return list;
    }

    [ThreadStatic] private static List<string>? t_warnings;

    // GDAL keeps the message in its per-thread error context before calling us, so the handler only
    // needs to stay quiet (no stderr noise) and remember warnings; failures are read back in Check*.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnGdalError(int errorClass, int errorNumber, byte* message)
    {
        if (errorClass != 2) return;
        var list = t_warnings ??= new List<string>();
        if (list.Count < 100) list.Add(Marshal.PtrToStringUTF8((nint)message) ?? "");
    }

    internal static void ResetError() => GdalNative.CPLErrorReset();

    internal static string? LastErrorMessage() => GdalNative.Utf8(GdalNative.CPLGetLastErrorMsg());

    internal static bool LastCallFailed() => GdalNative.CPLGetLastErrorType() >= CeFailure;

    /// <summary>Throws when a CPLErr/OGRErr return code says the call failed.</summary>
    internal static void Check(int code, string operation, string? path)
    {
        if (code != 0) throw Failure(operation, path);
    }

    /// <summary>Throws when a handle-returning call gave null.</summary>
    internal static nint CheckHandle(nint handle, string operation, string? path)
    {
        if (handle == 0) throw Failure(operation, path);
        return handle;
    }

    /// <summary>Throws when a void call left a failure in GDAL's error state.</summary>
    internal static void CheckLastError(string operation, string? path)
    {
        if (LastCallFailed()) throw Failure(operation, path);
    }

    internal static GdalException Failure(string operation, string? path)
    {
        var message = LastErrorMessage();
        GdalNative.CPLErrorReset();
        return new GdalException(operation, path, message);
    }
}
