using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Raster;

/// <summary>
/// Where a raster's pixels lie on the ground: size in pixels, north-up geotransform and CRS.
/// Two scenes share a grid when their CRS and pixel size are the same and their origins differ
/// by whole pixels; their overlap is then a pair of pixel windows.
/// </summary>
public sealed record PixelGrid
{
    /// <summary>Relative tolerance on pixel size, and tolerance in pixels on origin alignment.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>Creates a grid; the geotransform must be north-up.</summary>
    /// <exception cref="PixelGridException">The geotransform is rotated or sheared.</exception>
    public PixelGrid(int width, int height, GeoTransform transform, SpatialReference? crs, string? source = null)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Grid size {width}x{height} must be positive.");
        if (!transform.IsNorthUp)
            throw new PixelGridException(
                $"{Name(source)} has a rotated geotransform {transform}; the engine works on north-up grids. " +
                "Warp it to a north-up grid first, e.g.: gdalwarp -r bilinear in.tif north-up.tif");
        if (transform.PixelWidth <= 0 || transform.PixelHeight == 0)
            throw new PixelGridException($"{Name(source)} has an invalid pixel size in geotransform {transform}.");
        Width = width;
        Height = height;
        Transform = transform;
        Crs = crs;
    }

    /// <summary>Columns.</summary>
    public int Width { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>The north-up geotransform.</summary>
    public GeoTransform Transform { get; }

    /// <summary>The CRS, or null when the raster has none.</summary>
    public SpatialReference? Crs { get; }

    /// <summary>Ground sample distance along x, in CRS units.</summary>
    public double PixelSizeX => Transform.PixelWidth;

    /// <summary>Ground sample distance along y (positive), in CRS units.</summary>
    public double PixelSizeY => Math.Abs(Transform.PixelHeight);

    /// <summary>Area of one pixel in CRS units squared.</summary>
    public double PixelArea => Transform.PixelArea;

    /// <summary>The whole grid as a window.</summary>
    public PixelWindow Extent => PixelWindow.Full(Width, Height);

    /// <summary>The ground rectangle covered.</summary>
    public BoundingBox Bounds
    {
        get
        {
            var (x0, y0) = Transform.PixelToWorld(0, 0);
            var (x1, y1) = Transform.PixelToWorld(Width, Height);
            return new BoundingBox(Math.Min(x0, x1), Math.Min(y0, y1), Math.Max(x0, x1), Math.Max(y0, y1));
        }
    }

    /// <summary>The grid of a sub-window (same CRS and pixel size, shifted origin).</summary>
    public PixelGrid Subgrid(PixelWindow window) => new(window.Width, window.Height, Transform.Offset(window.X, window.Y), Crs);

    /// <summary>Compares two grids: what differs, and where they overlap when they are compatible.</summary>
    public GridComparison Compare(PixelGrid other)
    {
        var differences = new List<string>();
        if (Crs is null != other.Crs is null)
            differences.Add($"CRS {Describe(Crs)} vs {Describe(other.Crs)}");
        else if (Crs is not null && other.Crs is not null && !Crs.IsSame(other.Crs))
            differences.Add($"CRS {Describe(Crs)} vs {Describe(other.Crs)}");

        if (!Close(PixelSizeX, other.PixelSizeX) || !Close(Transform.PixelHeight, other.Transform.PixelHeight))
            differences.Add(Inv($"pixel size {PixelSizeX} x {Transform.PixelHeight} vs {other.PixelSizeX} x {other.Transform.PixelHeight}"));

        double dx = (other.Transform.OriginX - Transform.OriginX) / PixelSizeX;
        double dy = (other.Transform.OriginY - Transform.OriginY) / Transform.PixelHeight;
        bool aligned = Math.Abs(dx - Math.Round(dx)) <= 1e-3 && Math.Abs(dy - Math.Round(dy)) <= 1e-3;
        if (differences.Count == 0 && !aligned)
        {
            var east = other.Transform.OriginX - Transform.OriginX;
            var north = other.Transform.OriginY - Transform.OriginY;
            differences.Add(Inv($"origins not aligned: the second grid starts {east:0.###} m east and {north:0.###} m north of the first, {dx:0.###} columns and {dy:0.###} rows, not whole pixels"));
        }

        if (differences.Count > 0) return new GridComparison(differences, null, null);

        int ox = (int)Math.Round(dx), oy = (int)Math.Round(dy);
        var inThis = Extent.Intersect(new PixelWindow(ox, oy, other.Width, other.Height));
        var inOther = inThis.Translate(-ox, -oy);
        if (inThis.IsEmpty)
            return new GridComparison([Inv($"no overlap: the second grid is offset by ({ox}, {oy}) pixels")], null, null);
        return new GridComparison(differences, inThis, inOther);
    }

    /// <summary>
    /// Throws unless both grids are compatible; when <paramref name="requireSameExtent"/> also unless
    /// they cover the same pixels. The message names both rasters and lists every difference.
    /// </summary>
    public GridComparison EnsureCompatible(PixelGrid other, string nameThis, string nameOther, bool requireSameExtent = false)
    {
        var c = Compare(other);
        var differences = c.Differences.ToList();
        if (c.IsCompatible && requireSameExtent && (c.OverlapInFirst != Extent || c.OverlapInSecond != other.Extent))
            differences.Add(Inv($"extent {Width}x{Height} vs {other.Width}x{other.Height} pixels, overlapping in {c.OverlapInFirst} of the first"));
        else if (!c.IsCompatible && requireSameExtent && (Width != other.Width || Height != other.Height))
            differences.Add(Inv($"size {Width}x{Height} vs {other.Width}x{other.Height} pixels"));
        if (differences.Count > 0)
            throw new PixelGridException($"'{nameThis}' and '{nameOther}' do not share one pixel grid: {string.Join("; ", differences)}. " +
                "Have the engine warp the second onto the first's grid, or resample it first (gdalwarp -tr/-te/-t_srs).")
            {
                Setting = nameof(Pipeline.ScenePair.Align),
            };
        return c;
    }

    private static bool Close(double a, double b) => Math.Abs(a - b) <= Tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static string Describe(SpatialReference? crs) => crs?.ToString() ?? "(none)";

    private static string Name(string? source) => source is null ? "The raster" : $"'{source}'";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override string ToString() => Inv($"{Width}x{Height} px at {PixelSizeX} m, origin ({Transform.OriginX}, {Transform.OriginY}), {Describe(Crs)}");
}

/// <summary>The result of comparing two grids.</summary>
/// <param name="Differences">Human-readable differences; empty when compatible.</param>
/// <param name="OverlapInFirst">The shared pixels in the first grid's coordinates.</param>
/// <param name="OverlapInSecond">The same pixels in the second grid's coordinates.</param>
public sealed record GridComparison(IReadOnlyList<string> Differences, PixelWindow? OverlapInFirst, PixelWindow? OverlapInSecond)
{
    /// <summary>True when both grids share CRS, pixel size and pixel alignment, and overlap.</summary>
    public bool IsCompatible => Differences.Count == 0 && OverlapInFirst is not null;
}
