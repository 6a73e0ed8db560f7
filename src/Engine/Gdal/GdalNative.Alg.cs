using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

internal static partial class GdalNative
{
    // CPLErr GDALPolygonize(GDALRasterBandH hSrcBand, GDALRasterBandH hMaskBand, OGRLayerH hOutLayer,
    //     int iPixValField, char** papszOptions, GDALProgressFunc, void*);
    [LibraryImport(Library)]
    internal static partial int GDALPolygonize(nint sourceBand, nint maskBand, nint layer, int valueField, nint options,
        nint progress, nint progressArg);

    // CPLErr GDALRasterizeLayers(GDALDatasetH hDS, int nBandCount, int* panBandList, int nLayerCount,
    //     OGRLayerH* pahLayers, GDALTransformerFunc, void* pTransformArg, double* padfLayerBurnValues,
    //     char** papszOptions, GDALProgressFunc, void*);
    [LibraryImport(Library)]
    internal static unsafe partial int GDALRasterizeLayers(nint ds, int bandCount, int* bands, int layerCount, nint* layers,
        nint transformer, nint transformArg, double* burnValues, nint options, nint progress, nint progressArg);
}
