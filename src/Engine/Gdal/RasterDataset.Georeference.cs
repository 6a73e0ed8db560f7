using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Gdal;

/// <summary>GDAL's colour interpretation codes that matter for multispectral scenes.</summary>
public enum ColorInterpretation
{
    /// <summary>GCI_Undefined.</summary>
    Undefined = 0,
    /// <summary>GCI_GrayIndex.</summary>
    Gray = 1,
    /// <summary>GCI_PaletteIndex.</summary>
    Palette = 2,
    /// <summary>GCI_RedBand.</summary>
    Red = 3,
    /// <summary>GCI_GreenBand.</summary>
    Green = 4,
    /// <summary>GCI_BlueBand.</summary>
    Blue = 5,
    /// <summary>GCI_AlphaBand.</summary>
    Alpha = 6,
}

public sealed partial class RasterDataset
{
    /// <summary>True when the file carries a geotransform (GDAL otherwise reports the identity).</summary>
    public unsafe bool HasGeoTransform
    {
        get
        {
            var c = stackalloc double[6];
            GdalLibrary.ResetError();
            var ok = GdalNative.GDALGetGeoTransform(Handle, c) == 0;
            GdalLibrary.ResetError();
            return ok;
        }
    }

    /// <summary>The affine geotransform (identity when the file has none).</summary>
    public unsafe GeoTransform GeoTransform
    {
        get
        {
            var c = stackalloc double[6];
            GdalLibrary.ResetError();
            GdalNative.GDALGetGeoTransform(Handle, c);
            GdalLibrary.ResetError();
            return GeoTransform.FromArray(new ReadOnlySpan<double>(c, 6));
        }
        set
        {
            var c = stackalloc double[6];
            value.ToArray().CopyTo(new Span<double>(c, 6));
            GdalLibrary.ResetError();
            GdalLibrary.Check(GdalNative.GDALSetGeoTransform(Handle, c), "set geotransform", Path);
        }
    }

    /// <summary>The CRS as WKT, empty when the file has none.</summary>
    public string ProjectionWkt
    {
        get => GdalNative.Utf8(GdalNative.GDALGetProjectionRef(Handle)) ?? "";
        set
        {
            GdalLibrary.ResetError();
            GdalLibrary.Check(GdalNative.GDALSetProjection(Handle, value), "set projection", Path);
        }
    }

    /// <summary>The CRS, or null when the file has none.</summary>
    public SpatialReference? SpatialReference
    {
        get => SpatialReference.FromWkt(ProjectionWkt);
        set => ProjectionWkt = value?.Wkt ?? "";
    }

    /// <summary>The pixel type of a band.</summary>
    public RasterDataType DataType(int band)
    {
        var t = GdalNative.GDALGetRasterDataType(Band(band));
        return t is >= 1 and <= 7 ? (RasterDataType)t : RasterDataType.Unknown;
    }

    /// <summary>The nodata value of a band, or null when it has none.</summary>
    public unsafe double? NoData(int band)
    {
        int ok;
        var v = GdalNative.GDALGetRasterNoDataValue(Band(band), &ok);
        return ok != 0 ? v : null;
    }

    /// <summary>Sets a band's nodata value.</summary>
    public void SetNoData(int band, double value)
    {
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALSetRasterNoDataValue(Band(band), value), $"set nodata of band {band}", Path);
    }

    /// <summary>A band's description (GDAL's band "name"), where scenes record band roles such as "NIR".</summary>
    public string BandDescription(int band) => GdalNative.Utf8(GdalNative.GDALGetDescription(Band(band))) ?? "";

    /// <summary>Sets a band's description.</summary>
    public void SetBandDescription(int band, string description) => GdalNative.GDALSetDescription(Band(band), description);

    /// <summary>A band's colour interpretation.</summary>
    public ColorInterpretation ColorInterpretation(int band)
    {
        var c = GdalNative.GDALGetRasterColorInterpretation(Band(band));
        return c is >= 0 and <= 6 ? (ColorInterpretation)c : Gdal.ColorInterpretation.Undefined;
    }

    /// <summary>Sets a band's colour interpretation.</summary>
    public void SetColorInterpretation(int band, ColorInterpretation value)
    {
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALSetRasterColorInterpretation(Band(band), (int)value), $"set colour of band {band}", Path);
    }

    /// <summary>The natural block (tile or strip) size of a band: the cheapest unit to read.</summary>
    public unsafe (int Width, int Height) BlockSize(int band)
    {
        int x, y;
        GdalNative.GDALGetBlockSize(Band(band), &x, &y);
        return (x, y);
    }

    /// <summary>Number of overview levels of a band.</summary>
    public int OverviewCount(int band) => GdalNative.GDALGetOverviewCount(Band(band));

    /// <summary>A dataset metadata item (null domain = default), or null.</summary>
    public string? MetadataItem(string name, string? domain = null) =>
        GdalNative.Utf8(GdalNative.GDALGetMetadataItem(Handle, name, domain));

    /// <summary>Sets a dataset metadata item.</summary>
    public void SetMetadataItem(string name, string? value, string? domain = null)
    {
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALSetMetadataItem(Handle, name, value, domain), $"set metadata {name}", Path);
    }
}
