namespace WeiPian.Engine.Gdal;

/// <summary>
/// Transforms coordinates between two CRSs with PROJ (through OSR), in GIS axis order:
/// x = easting or longitude, y = northing or latitude. Not thread-safe: one per thread.
/// </summary>
public sealed class CoordinateTransform : IDisposable
{
    private readonly CoordinateTransformationHandle _handle;

    /// <summary>Creates the transform from <paramref name="source"/> to <paramref name="target"/>.</summary>
    public CoordinateTransform(SpatialReference source, SpatialReference target)
    {
        Source = source;
        Target = target;
        using var s = source.CreateHandle();
        using var t = target.CreateHandle();
        GdalLibrary.ResetError();
        _handle = new CoordinateTransformationHandle(GdalLibrary.CheckHandle(
            GdalNative.OCTNewCoordinateTransformation(s.DangerousGetHandle(), t.DangerousGetHandle()),
            "create coordinate transformation", $"{source} -> {target}"));
    }

    /// <summary>The CRS coordinates come from.</summary>
    public SpatialReference Source { get; }

    /// <summary>The CRS coordinates go to.</summary>
    public SpatialReference Target { get; }

    /// <summary>Transforms points in place.</summary>
    public unsafe void Transform(Span<double> x, Span<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y must have the same length.");
        if (x.Length == 0) return;
        fixed (double* px = x, py = y)
        {
            GdalLibrary.ResetError();
            if (GdalNative.OCTTransform(_handle.DangerousGetHandle(), x.Length, px, py, null) == 0)
                throw GdalLibrary.Failure("transform coordinates", $"{Source} -> {Target}");
        }
    }

    /// <summary>Transforms one point.</summary>
    public (double X, double Y) Transform(double x, double y)
    {
        Span<double> xs = [x], ys = [y];
        Transform(xs, ys);
        return (xs[0], ys[0]);
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();
}
