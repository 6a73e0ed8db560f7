using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

internal static partial class GdalNative
{
    // GDALWarpAppOptions* GDALWarpAppOptionsNew(char** papszArgv, GDALWarpAppOptionsForBinary*);
    [LibraryImport(Library)]
    internal static partial nint GDALWarpAppOptionsNew(nint argv, nint forBinary);

    // void GDALWarpAppOptionsFree(GDALWarpAppOptions*);
    [LibraryImport(Library)]
    internal static partial void GDALWarpAppOptionsFree(nint options);

    // GDALDatasetH GDALWarp(const char* pszDest, GDALDatasetH hDstDS, int nSrcCount, GDALDatasetH* pahSrcDS,
    //     const GDALWarpAppOptions*, int* pbUsageError);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nint GDALWarp(string dest, nint destination, int sourceCount, nint* sources,
        nint options, int* usageError);
}
