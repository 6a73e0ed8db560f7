namespace WeiPian.Engine.Raster.Primitives;

/// <summary>
/// GDAL's affine geotransform: world = origin + column * (PixelWidth, ColumnRotation... ) in GDAL's
/// six-coefficient order. <c>X = OriginX + col * PixelWidth + row * RowRotation</c>,
/// <c>Y = OriginY + col * ColumnRotation + row * PixelHeight</c>. PixelHeight is negative for
/// north-up images. Units are those of the CRS (metres for Gauss-Kruger zones).
/// </summary>
public readonly record struct GeoTransform(
    double OriginX, double PixelWidth, double RowRotation,
    double OriginY, double ColumnRotation, double PixelHeight)
{
    /// <summary>GDAL's default when a file has no georeferencing: unit pixels, origin (0, 0), y down.</summary>
    public static GeoTransform Identity => new(0, 1, 0, 0, 0, 1);

    /// <summary>A north-up transform from the top-left corner and a square ground sample distance.</summary>
    public static GeoTransform NorthUp(double left, double top, double gsd) => new(left, gsd, 0, top, 0, -gsd);

    /// <summary>True when the image axes follow the map axes (no rotation or shear terms).</summary>
    public bool IsNorthUp => RowRotation == 0 && ColumnRotation == 0;

    /// <summary>Map coordinates of a pixel-space point (column, row); (0.5, 0.5) is the first pixel's centre.</summary>
    public (double X, double Y) PixelToWorld(double column, double row) =>
        (OriginX + column * PixelWidth + row * RowRotation, OriginY + column * ColumnRotation + row * PixelHeight);

    /// <summary>Pixel-space coordinates (fractional column, row) of a map point; requires a north-up transform.</summary>
    public (double Column, double Row) WorldToPixel(double x, double y)
    {
        if (!IsNorthUp) throw new InvalidOperationException("WorldToPixel needs a north-up geotransform.");
        return ((x - OriginX) / PixelWidth, (y - OriginY) / PixelHeight);
    }

    /// <summary>Area of one pixel in CRS units squared (m² for projected metre CRSs).</summary>
    public double PixelArea => Math.Abs(PixelWidth * PixelHeight - RowRotation * ColumnRotation);

    /// <summary>GDAL's array order.</summary>
    public double[] ToArray() => [OriginX, PixelWidth, RowRotation, OriginY, ColumnRotation, PixelHeight];

    /// <summary>From GDAL's array order.</summary>
    public static GeoTransform FromArray(ReadOnlySpan<double> c) => new(c[0], c[1], c[2], c[3], c[4], c[5]);

    /// <summary>The transform of a sub-window starting at (column, row) of this one.</summary>
    public GeoTransform Offset(int column, int row)
    {
        var (x, y) = PixelToWorld(column, row);
        return this with { OriginX = x, OriginY = y };
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"[{OriginX}, {PixelWidth}, {RowRotation}, {OriginY}, {ColumnRotation}, {PixelHeight}]");
}
