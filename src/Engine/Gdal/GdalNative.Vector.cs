using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

internal static partial class GdalNative
{
    // int GDALDatasetGetLayerCount(GDALDatasetH);
    [LibraryImport(Library)]
    internal static partial int GDALDatasetGetLayerCount(nint ds);

    // OGRLayerH GDALDatasetGetLayer(GDALDatasetH, int);   (borrowed: owned by the dataset)
    [LibraryImport(Library)]
    internal static partial nint GDALDatasetGetLayer(nint ds, int index);

    // OGRLayerH GDALDatasetGetLayerByName(GDALDatasetH, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALDatasetGetLayerByName(nint ds, string name);

    // OGRLayerH GDALDatasetCreateLayer(GDALDatasetH, const char*, OGRSpatialReferenceH, OGRwkbGeometryType, CSLConstList);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALDatasetCreateLayer(nint ds, string name, nint srs, int geometryType, nint options);

    // OGRErr GDALDatasetStartTransaction(GDALDatasetH, int bForce);
    [LibraryImport(Library)]
    internal static partial int GDALDatasetStartTransaction(nint ds, int force);

    // OGRErr GDALDatasetCommitTransaction(GDALDatasetH);
    [LibraryImport(Library)]
    internal static partial int GDALDatasetCommitTransaction(nint ds);

    // OGRErr GDALDatasetRollbackTransaction(GDALDatasetH);
    [LibraryImport(Library)]
    internal static partial int GDALDatasetRollbackTransaction(nint ds);

    // OGRLayerH GDALDatasetExecuteSQL(GDALDatasetH, const char*, OGRGeometryH, const char* pszDialect);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint GDALDatasetExecuteSQL(nint ds, string sql, nint spatialFilter, string? dialect);

    // void GDALDatasetReleaseResultSet(GDALDatasetH, OGRLayerH);
    [LibraryImport(Library)]
    internal static partial void GDALDatasetReleaseResultSet(nint ds, nint layer);

    // ---------------------------------------------------------------- layers

    [LibraryImport(Library)] internal static partial nint OGR_L_GetName(nint layer);
    [LibraryImport(Library)] internal static partial nint OGR_L_GetLayerDefn(nint layer);
    // GIntBig OGR_L_GetFeatureCount(OGRLayerH, int bForce);
    [LibraryImport(Library)] internal static partial long OGR_L_GetFeatureCount(nint layer, int force);
    [LibraryImport(Library)] internal static partial void OGR_L_ResetReading(nint layer);
    // OGRFeatureH OGR_L_GetNextFeature(OGRLayerH);   (caller owns: OGR_F_Destroy)
    [LibraryImport(Library)] internal static partial nint OGR_L_GetNextFeature(nint layer);
    // OGRwkbGeometryType OGR_L_GetGeomType(OGRLayerH);
    [LibraryImport(Library)] internal static partial int OGR_L_GetGeomType(nint layer);
    // OGRSpatialReferenceH OGR_L_GetSpatialRef(OGRLayerH);   (borrowed)
    [LibraryImport(Library)] internal static partial nint OGR_L_GetSpatialRef(nint layer);
    // OGRErr OGR_L_CreateField(OGRLayerH, OGRFieldDefnH, int bApproxOK);
    [LibraryImport(Library)] internal static partial int OGR_L_CreateField(nint layer, nint fieldDefn, int approxOk);
    // OGRErr OGR_L_CreateFeature(OGRLayerH, OGRFeatureH);
    [LibraryImport(Library)] internal static partial int OGR_L_CreateFeature(nint layer, nint feature);
    // void OGR_L_SetSpatialFilterRect(OGRLayerH, double, double, double, double);
    [LibraryImport(Library)] internal static partial void OGR_L_SetSpatialFilterRect(nint layer, double minX, double minY, double maxX, double maxY);
    // void OGR_L_SetSpatialFilter(OGRLayerH, OGRGeometryH);
    [LibraryImport(Library)] internal static partial void OGR_L_SetSpatialFilter(nint layer, nint geometry);
    // OGRErr OGR_L_SetAttributeFilter(OGRLayerH, const char*);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OGR_L_SetAttributeFilter(nint layer, string? query);
    // OGRErr OGR_L_GetExtent(OGRLayerH, OGREnvelope*, int bForce);   OGREnvelope = {MinX, MaxX, MinY, MaxY}
    [LibraryImport(Library)] internal static unsafe partial int OGR_L_GetExtent(nint layer, double* envelope, int force);

    // ---------------------------------------------------------------- feature and field definitions

    [LibraryImport(Library)] internal static partial int OGR_FD_GetFieldCount(nint defn);
    [LibraryImport(Library)] internal static partial nint OGR_FD_GetFieldDefn(nint defn, int index);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OGR_FD_GetFieldIndex(nint defn, string name);

    // OGRFieldDefnH OGR_Fld_Create(const char*, OGRFieldType);   (caller owns: OGR_Fld_Destroy)
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint OGR_Fld_Create(string name, int type);
    [LibraryImport(Library)] internal static partial void OGR_Fld_Destroy(nint field);
    [LibraryImport(Library)] internal static partial void OGR_Fld_SetWidth(nint field, int width);
    [LibraryImport(Library)] internal static partial void OGR_Fld_SetPrecision(nint field, int precision);
    [LibraryImport(Library)] internal static partial nint OGR_Fld_GetNameRef(nint field);
    [LibraryImport(Library)] internal static partial int OGR_Fld_GetType(nint field);
    [LibraryImport(Library)] internal static partial int OGR_Fld_GetWidth(nint field);
    [LibraryImport(Library)] internal static partial int OGR_Fld_GetPrecision(nint field);

    // ---------------------------------------------------------------- features

    // OGRFeatureH OGR_F_Create(OGRFeatureDefnH);   (caller owns)
    [LibraryImport(Library)] internal static partial nint OGR_F_Create(nint defn);
    [LibraryImport(Library)] internal static partial void OGR_F_Destroy(nint feature);
    [LibraryImport(Library)] internal static partial long OGR_F_GetFID(nint feature);
    [LibraryImport(Library)] internal static partial int OGR_F_IsFieldSetAndNotNull(nint feature, int index);
    [LibraryImport(Library)] internal static partial nint OGR_F_GetFieldAsString(nint feature, int index);
    [LibraryImport(Library)] internal static partial long OGR_F_GetFieldAsInteger64(nint feature, int index);
    [LibraryImport(Library)] internal static partial double OGR_F_GetFieldAsDouble(nint feature, int index);
    // int OGR_F_GetFieldAsDateTimeEx(OGRFeatureH, int, int* y, int* m, int* d, int* h, int* min, float* sec, int* tz);
    [LibraryImport(Library)]
    internal static unsafe partial int OGR_F_GetFieldAsDateTimeEx(nint feature, int index, int* year, int* month, int* day,
        int* hour, int* minute, float* second, int* tzFlag);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void OGR_F_SetFieldString(nint feature, int index, string value);
    [LibraryImport(Library)] internal static partial void OGR_F_SetFieldInteger64(nint feature, int index, long value);
    [LibraryImport(Library)] internal static partial void OGR_F_SetFieldDouble(nint feature, int index, double value);
    // void OGR_F_SetFieldDateTimeEx(OGRFeatureH, int, int y, int m, int d, int h, int min, float sec, int tz);
    [LibraryImport(Library)]
    internal static partial void OGR_F_SetFieldDateTimeEx(nint feature, int index, int year, int month, int day,
        int hour, int minute, float second, int tzFlag);
    [LibraryImport(Library)] internal static partial void OGR_F_SetFieldNull(nint feature, int index);
    // OGRGeometryH OGR_F_GetGeometryRef(OGRFeatureH);   (borrowed: owned by the feature)
    [LibraryImport(Library)] internal static partial nint OGR_F_GetGeometryRef(nint feature);
    // OGRErr OGR_F_SetGeometryDirectly(OGRFeatureH, OGRGeometryH);   (takes ownership of the geometry)
    [LibraryImport(Library)] internal static partial int OGR_F_SetGeometryDirectly(nint feature, nint geometry);

    // ---------------------------------------------------------------- geometries

    // OGRErr OGR_G_CreateFromWkb(const void*, OGRSpatialReferenceH, OGRGeometryH*, int nBytes);
    [LibraryImport(Library)]
    internal static unsafe partial int OGR_G_CreateFromWkb(byte* wkb, nint srs, nint* geometry, int bytes);
    // int OGR_G_WkbSize(OGRGeometryH);
    [LibraryImport(Library)] internal static partial int OGR_G_WkbSize(nint geometry);
    // OGRErr OGR_G_ExportToIsoWkb(OGRGeometryH, OGRwkbByteOrder, unsigned char*);
    [LibraryImport(Library)] internal static unsafe partial int OGR_G_ExportToIsoWkb(nint geometry, int byteOrder, byte* buffer);
    [LibraryImport(Library)] internal static partial void OGR_G_DestroyGeometry(nint geometry);
}
