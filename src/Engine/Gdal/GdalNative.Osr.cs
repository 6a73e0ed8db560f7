using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

internal static partial class GdalNative
{
    // OGRSpatialReferenceH OSRNewSpatialReference(const char* pszWKT);   (caller owns: OSRRelease)
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint OSRNewSpatialReference(string? wkt);
    [LibraryImport(Library)] internal static partial void OSRRelease(nint srs);
    // OGRErr OSRImportFromEPSG(OGRSpatialReferenceH, int);
    [LibraryImport(Library)] internal static partial int OSRImportFromEPSG(nint srs, int epsg);
    // OGRErr OSRSetFromUserInput(OGRSpatialReferenceH, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OSRSetFromUserInput(nint srs, string definition);
    // OGRErr OSRExportToWkt(OGRSpatialReferenceH, char**);   (caller frees with VSIFree)
    [LibraryImport(Library)] internal static unsafe partial int OSRExportToWkt(nint srs, nint* wkt);
    // OGRErr OSRAutoIdentifyEPSG(OGRSpatialReferenceH);
    [LibraryImport(Library)] internal static partial int OSRAutoIdentifyEPSG(nint srs);
    // const char* OSRGetAuthorityName(OGRSpatialReferenceH, const char* pszTargetKey);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint OSRGetAuthorityName(nint srs, string? targetKey);
    // const char* OSRGetAuthorityCode(OGRSpatialReferenceH, const char* pszTargetKey);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint OSRGetAuthorityCode(nint srs, string? targetKey);
    // OGRSpatialReferenceH* OSRFindMatches(OGRSpatialReferenceH, char** papszOptions, int* pnEntries, int** ppanMatchConfidence);
    [LibraryImport(Library)]
    internal static unsafe partial nint* OSRFindMatches(nint srs, nint options, int* entries, int** confidence);
    // void OSRFreeSRSArray(OGRSpatialReferenceH*);
    [LibraryImport(Library)] internal static unsafe partial void OSRFreeSRSArray(nint* array);
    // int OSRIsSameEx(OGRSpatialReferenceH, OGRSpatialReferenceH, const char* const* papszOptions);
    [LibraryImport(Library)] internal static partial int OSRIsSameEx(nint a, nint b, nint options);
    [LibraryImport(Library)] internal static partial int OSRIsGeographic(nint srs);
    [LibraryImport(Library)] internal static partial int OSRIsProjected(nint srs);
    // const char* OSRGetName(OGRSpatialReferenceH);
    [LibraryImport(Library)] internal static partial nint OSRGetName(nint srs);
    // double OSRGetLinearUnits(OGRSpatialReferenceH, char**);
    [LibraryImport(Library)] internal static unsafe partial double OSRGetLinearUnits(nint srs, nint* name);
    // double OSRGetProjParm(OGRSpatialReferenceH, const char*, double dfDefault, OGRErr*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial double OSRGetProjParm(nint srs, string name, double defaultValue, int* error);
    // void OSRSetAxisMappingStrategy(OGRSpatialReferenceH, OSRAxisMappingStrategy);   0 = traditional GIS order (x=lon/easting)
    [LibraryImport(Library)] internal static partial void OSRSetAxisMappingStrategy(nint srs, int strategy);

    // OGRCoordinateTransformationH OCTNewCoordinateTransformation(OGRSpatialReferenceH, OGRSpatialReferenceH);
    [LibraryImport(Library)] internal static partial nint OCTNewCoordinateTransformation(nint source, nint target);
    [LibraryImport(Library)] internal static partial void OCTDestroyCoordinateTransformation(nint transform);
    // int OCTTransform(OGRCoordinateTransformationH, int nCount, double* x, double* y, double* z);
    [LibraryImport(Library)]
    internal static unsafe partial int OCTTransform(nint transform, int count, double* x, double* y, double* z);
}
