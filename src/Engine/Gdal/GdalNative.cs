using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

/// <summary>
/// The one door to GDAL's C API (Debian's libgdal.so.32, GDAL 3.6). Every native call of the
/// engine is declared in a partial of this class; nothing outside <c>Gdal/</c> sees a handle.
/// Returned <c>const char*</c> are GDAL-owned and declared as <see cref="nint"/> so that no
/// marshaller frees them; strings passed in are UTF-8, which is what GDAL expects for file names.
/// </summary>
internal static partial class GdalNative
{
    internal const string Library = "gdal";

    static GdalNative()
    {
        NativeLibrary.SetDllImportResolver(typeof(GdalNative).Assembly, Resolve);
    }

    /// <summary>Touching this runs the static constructor, so the resolver is in place first.</summary>
    internal static void EnsureResolver() { }

    private static nint Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library) return 0;
        foreach (var candidate in new[] { "libgdal.so.32", "libgdal.so", "libgdal.so.33", "libgdal.so.34" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle)) return handle;
        throw new DllNotFoundException(
            "GDAL 3.6 (libgdal.so.32) was not found. Install it with: sudo apt-get install -y libgdal32 gdal-bin");
    }

    internal static string? Utf8(nint p) => p == 0 ? null : Marshal.PtrToStringUTF8(p);

    // ---------------------------------------------------------------- CPL: errors, config

    // typedef void (*CPLErrorHandler)(CPLErr, CPLErrorNum, const char*);
    // CPLErrorHandler CPLSetErrorHandler(CPLErrorHandler);
    [LibraryImport(Library)]
    internal static unsafe partial nint CPLSetErrorHandler(delegate* unmanaged[Cdecl]<int, int, byte*, void> handler);

    // void CPLErrorReset(void);
    [LibraryImport(Library)]
    internal static partial void CPLErrorReset();

    // CPLErr CPLGetLastErrorType(void);
    [LibraryImport(Library)]
    internal static partial int CPLGetLastErrorType();

    // const char* CPLGetLastErrorMsg(void);
    [LibraryImport(Library)]
    internal static partial nint CPLGetLastErrorMsg();

    // void CPLSetConfigOption(const char*, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void CPLSetConfigOption(string key, string? value);

    // void CPLSetThreadLocalConfigOption(const char*, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void CPLSetThreadLocalConfigOption(string key, string? value);

    // const char* CPLGetConfigOption(const char*, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint CPLGetConfigOption(string key, string? defaultValue);

    // void VSIFree(void*);
    [LibraryImport(Library)]
    internal static partial void VSIFree(nint p);

    // const char* GDALVersionInfo(const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALVersionInfo(string request);

    // void GDALAllRegister(void);
    [LibraryImport(Library)]
    internal static partial void GDALAllRegister();

    // void GDALSetCacheMax64(GIntBig);
    [LibraryImport(Library)]
    internal static partial void GDALSetCacheMax64(long bytes);

    // GIntBig GDALGetCacheMax64(void);
    [LibraryImport(Library)]
    internal static partial long GDALGetCacheMax64();

    // typedef int (*GDALProgressFunc)(double dfComplete, const char* pszMessage, void* pProgressArg);
    // (progress callbacks are passed as function pointers; null means none)
}
