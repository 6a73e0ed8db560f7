namespace WeiPian.Engine.Gdal;

/// <summary>
/// GDAL's own raster algorithms, exposed as references for tests and benchmarks: the engine's
/// polygoniser and rasteriser are checked against these and measured against them. The pipeline
/// does not call them.
/// </summary>
public static class GdalReference
{
    /// <summary>
    /// GDALPolygonize: one polygon per connected region of equal value in <paramref name="band"/>,
    /// written to <paramref name="layer"/> with the value in field <paramref name="valueField"/>.
    /// When <paramref name="skipNoData"/>, the band's mask (its nodata) excludes pixels, as gdal_polygonize does.
    /// </summary>
    public static void Polygonize(RasterDataset raster, int band, VectorLayer layer, int valueField,
        bool eightConnected = false, bool skipNoData = true)
    {
        var h = raster.Band(band);
        var mask = skipNoData ? GdalNative.GDALGetMaskBand(h) : 0;
        using var options = new NativeStringList(eightConnected ? ["8CONNECTED=8"] : []);
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALPolygonize(h, mask, layer.Handle, valueField, options.Pointer, 0, 0),
            "polygonize", raster.Path);
    }

    /// <summary>
    /// GDALRasterizeLayers: burns the layers' geometries into a band of <paramref name="target"/>
    /// using its geotransform; with <paramref name="attribute"/> the value comes from that field,
    /// otherwise from <paramref name="burnValues"/> (one per layer). Pixel-centre rule unless
    /// <paramref name="allTouched"/>.
    /// </summary>
    public static unsafe void RasterizeLayers(RasterDataset target, int band, IReadOnlyList<VectorLayer> layers,
        ReadOnlySpan<double> burnValues, string? attribute = null, bool allTouched = false)
    {
        if (attribute is null && burnValues.Length != layers.Count)
            throw new ArgumentException("One burn value per layer is needed when no attribute is given.");
        target.Band(band);
        var options = new List<string>();
        if (attribute is not null) options.Add("ATTRIBUTE=" + attribute);
        if (allTouched) options.Add("ALL_TOUCHED=TRUE");
        using var list = new NativeStringList(options);
        var handles = stackalloc nint[layers.Count];
        for (var i = 0; i < layers.Count; i++) handles[i] = layers[i].Handle;
        var bands = stackalloc int[1];
        bands[0] = band;
        var burns = stackalloc double[layers.Count];
        for (var i = 0; i < layers.Count; i++) burns[i] = attribute is null ? burnValues[i] : 0;
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALRasterizeLayers(target.Handle, 1, bands, layers.Count, handles, 0, 0, burns,
            list.Pointer, 0, 0), "rasterize into", target.Path);
    }
}
