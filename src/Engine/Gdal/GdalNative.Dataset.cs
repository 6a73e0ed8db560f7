using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

internal static partial class GdalNative
{
    internal const uint OfReadOnly = 0x00, OfUpdate = 0x01, OfRaster = 0x02, OfVector = 0x04, OfVerboseError = 0x40;

    // GDALDatasetH GDALOpenEx(const char* pszFilename, unsigned int nOpenFlags,
    //     const char* const* papszAllowedDrivers, const char* const* papszOpenOptions,
    //     const char* const* papszSiblingFiles);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALOpenEx(string path, uint flags, nint allowedDrivers, nint openOptions, nint siblingFiles);

    // void GDALClose(GDALDatasetH);   (returns CPLErr from 3.7; the value is ignored here either way)
    [LibraryImport(Library)]
    internal static partial void GDALClose(nint ds);

    // void GDALFlushCache(GDALDatasetH);   (returns CPLErr from 3.7)
    [LibraryImport(Library)]
    internal static partial void GDALFlushCache(nint ds);

    // GDALDriverH GDALGetDriverByName(const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALGetDriverByName(string name);

    // GDALDriverH GDALGetDatasetDriver(GDALDatasetH);
    [LibraryImport(Library)]
    internal static partial nint GDALGetDatasetDriver(nint ds);

    // const char* GDALGetDriverShortName(GDALDriverH);
    [LibraryImport(Library)]
    internal static partial nint GDALGetDriverShortName(nint driver);

    // GDALDatasetH GDALCreate(GDALDriverH, const char*, int nXSize, int nYSize, int nBands,
    //     GDALDataType, CSLConstList papszOptions);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALCreate(nint driver, string path, int xSize, int ySize, int bands, int dataType, nint options);

    // GDALDatasetH GDALCreateCopy(GDALDriverH, const char*, GDALDatasetH hSrcDS, int bStrict,
    //     CSLConstList papszOptions, GDALProgressFunc, void*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALCreateCopy(nint driver, string path, nint source, int strict, nint options, nint progress, nint progressArg);

    // CPLErr GDALDeleteDataset(GDALDriverH, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALDeleteDataset(nint driver, string path);

    // const char* GDALGetDescription(GDALMajorObjectH);
    [LibraryImport(Library)]
    internal static partial nint GDALGetDescription(nint obj);

    // void GDALSetDescription(GDALMajorObjectH, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void GDALSetDescription(nint obj, string description);

    // const char* GDALGetMetadataItem(GDALMajorObjectH, const char* pszName, const char* pszDomain);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALGetMetadataItem(nint obj, string name, string? domain);

    // CPLErr GDALSetMetadataItem(GDALMajorObjectH, const char*, const char*, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALSetMetadataItem(nint obj, string name, string? value, string? domain);

    // char** GDALGetFileList(GDALDatasetH);   (caller frees with CSLDestroy)
    [LibraryImport(Library)]
    internal static partial nint GDALGetFileList(nint ds);

    // void CSLDestroy(char**);
    [LibraryImport(Library)]
    internal static partial void CSLDestroy(nint list);

    // ---------------------------------------------------------------- raster

    // int GDALGetRasterXSize(GDALDatasetH); int GDALGetRasterYSize(GDALDatasetH); int GDALGetRasterCount(GDALDatasetH);
    [LibraryImport(Library)] internal static partial int GDALGetRasterXSize(nint ds);
    [LibraryImport(Library)] internal static partial int GDALGetRasterYSize(nint ds);
    [LibraryImport(Library)] internal static partial int GDALGetRasterCount(nint ds);

    // GDALRasterBandH GDALGetRasterBand(GDALDatasetH, int);   (borrowed: owned by the dataset)
    [LibraryImport(Library)]
    internal static partial nint GDALGetRasterBand(nint ds, int band);

    // GDALDataType GDALGetRasterDataType(GDALRasterBandH);
    [LibraryImport(Library)]
    internal static partial int GDALGetRasterDataType(nint band);

    // void GDALGetBlockSize(GDALRasterBandH, int* pnXSize, int* pnYSize);
    [LibraryImport(Library)]
    internal static unsafe partial void GDALGetBlockSize(nint band, int* xSize, int* ySize);

    // CPLErr GDALGetGeoTransform(GDALDatasetH, double*);
    [LibraryImport(Library)]
    internal static unsafe partial int GDALGetGeoTransform(nint ds, double* transform);

    // CPLErr GDALSetGeoTransform(GDALDatasetH, double*);
    [LibraryImport(Library)]
    internal static unsafe partial int GDALSetGeoTransform(nint ds, double* transform);

    // const char* GDALGetProjectionRef(GDALDatasetH);
    [LibraryImport(Library)]
    internal static partial nint GDALGetProjectionRef(nint ds);

    // CPLErr GDALSetProjection(GDALDatasetH, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int GDALSetProjection(nint ds, string wkt);

    // double GDALGetRasterNoDataValue(GDALRasterBandH, int* pbSuccess);
    [LibraryImport(Library)]
    internal static unsafe partial double GDALGetRasterNoDataValue(nint band, int* success);

    // CPLErr GDALSetRasterNoDataValue(GDALRasterBandH, double);
    [LibraryImport(Library)]
    internal static partial int GDALSetRasterNoDataValue(nint band, double value);

    // GDALColorInterp GDALGetRasterColorInterpretation(GDALRasterBandH);
    [LibraryImport(Library)]
    internal static partial int GDALGetRasterColorInterpretation(nint band);

    // CPLErr GDALSetRasterColorInterpretation(GDALRasterBandH, GDALColorInterp);
    [LibraryImport(Library)]
    internal static partial int GDALSetRasterColorInterpretation(nint band, int interp);

    // GDALRasterBandH GDALGetMaskBand(GDALRasterBandH);   (borrowed)
    [LibraryImport(Library)]
    internal static partial nint GDALGetMaskBand(nint band);

    // int GDALGetMaskFlags(GDALRasterBandH);
    [LibraryImport(Library)]
    internal static partial int GDALGetMaskFlags(nint band);

    // int GDALGetOverviewCount(GDALRasterBandH);
    [LibraryImport(Library)]
    internal static partial int GDALGetOverviewCount(nint band);

    // GDALRasterBandH GDALGetOverview(GDALRasterBandH, int);   (borrowed: owned by the band)
    [LibraryImport(Library)]
    internal static partial nint GDALGetOverview(nint band, int index);

    // int GDALGetRasterBandXSize(GDALRasterBandH);
    [LibraryImport(Library)]
    internal static partial int GDALGetRasterBandXSize(nint band);

    // int GDALGetRasterBandYSize(GDALRasterBandH);
    [LibraryImport(Library)]
    internal static partial int GDALGetRasterBandYSize(nint band);

    // CPLErr GDALRasterIO(GDALRasterBandH, GDALRWFlag, int nDSXOff, int nDSYOff, int nDSXSize, int nDSYSize,
    //     void* pBuffer, int nBXSize, int nBYSize, GDALDataType eBDataType, int nPixelSpace, int nLineSpace);
    [LibraryImport(Library)]
    internal static unsafe partial int GDALRasterIO(nint band, int rwFlag, int xOff, int yOff, int xSize, int ySize,
        void* buffer, int bufXSize, int bufYSize, int bufType, int pixelSpace, int lineSpace);

    // CPLErr GDALDatasetRasterIO(GDALDatasetH, GDALRWFlag, int nDSXOff, int nDSYOff, int nDSXSize, int nDSYSize,
    //     void* pBuffer, int nBXSize, int nBYSize, GDALDataType eBDataType, int nBandCount, const int* panBandMap,
    //     int nPixelSpace, int nLineSpace, int nBandSpace);
    [LibraryImport(Library)]
    internal static unsafe partial int GDALDatasetRasterIO(nint ds, int rwFlag, int xOff, int yOff, int xSize, int ySize,
        void* buffer, int bufXSize, int bufYSize, int bufType, int bandCount, int* bandMap,
        int pixelSpace, int lineSpace, int bandSpace);

    // CPLErr GDALBuildOverviews(GDALDatasetH, const char* pszResampling, int nOverviews, const int* panOverviewList,
    //     int nListBands, const int* panBandList, GDALProgressFunc, void*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int GDALBuildOverviews(nint ds, string resampling, int overviewCount, int* overviews,
        int bandCount, int* bands, nint progress, nint progressArg);

    // GDALBuildVRTOptions* GDALBuildVRTOptionsNew(char** papszArgv, GDALBuildVRTOptionsForBinary*);
    [LibraryImport(Library)]
    internal static partial nint GDALBuildVRTOptionsNew(nint argv, nint forBinary);

    // void GDALBuildVRTOptionsFree(GDALBuildVRTOptions*);
    [LibraryImport(Library)]
    internal static partial void GDALBuildVRTOptionsFree(nint options);

    // GDALDatasetH GDALBuildVRT(const char* pszDest, int nSrcCount, GDALDatasetH* pahSrcDS,
    //     const char* const* papszSrcDSNames, const GDALBuildVRTOptions*, int* pbUsageError);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial nint GDALBuildVRT(string dest, int sourceCount, nint sourceDatasets, nint sourceNames,
        nint options, int* usageError);
}
