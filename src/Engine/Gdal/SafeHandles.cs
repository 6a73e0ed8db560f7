using Microsoft.Win32.SafeHandles;

namespace WeiPian.Engine.Gdal;

/// <summary>An owned GDALDatasetH (raster or vector); GDALClose on release flushes and frees it.</summary>
internal sealed class DatasetHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DatasetHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        GdalNative.GDALClose(handle);
        return true;
    }
}

/// <summary>An owned OGRSpatialReferenceH, released with OSRRelease (reference counted in GDAL).</summary>
internal sealed class SpatialReferenceHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SpatialReferenceHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        GdalNative.OSRRelease(handle);
        return true;
    }
}

/// <summary>An owned OGRFeatureH, destroyed with OGR_F_Destroy.</summary>
internal sealed class FeatureHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public FeatureHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        GdalNative.OGR_F_Destroy(handle);
        return true;
    }
}

/// <summary>An owned OGRCoordinateTransformationH.</summary>
internal sealed class CoordinateTransformationHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public CoordinateTransformationHandle(nint handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        GdalNative.OCTDestroyCoordinateTransformation(handle);
        return true;
    }
}
