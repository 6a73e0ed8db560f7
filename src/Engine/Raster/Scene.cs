using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Raster;

/// <summary>
/// One date of imagery: a georeferenced multiband raster with its band roles (B, G, R, NIR, ...)
/// and per-band nodata, on a north-up <see cref="PixelGrid"/>.
/// </summary>
/// <remarks>
/// Band roles come, in order of preference, from the caller, from the bands' descriptions
/// ("B", "Blue", "NIR", ...), or from GDAL's colour interpretation; bands with none stay
/// <see cref="BandRole.Unknown"/>. Not thread-safe: open the scene once per reading thread.
/// </remarks>
public sealed partial class Scene : IDisposable
{
    private readonly RasterDataset _raster;

    // A GDAL dataset is not safe from several threads at once; the screening cascade's two passes read one scene through
    // one dataset at once, so that the detection finds the blocks the screen decoded in the dataset's block cache.
    private readonly Lock _reading = new();

    private Scene(RasterDataset raster, IReadOnlyList<BandRole>? roles, PixelGrid? grid = null)
    {
        _raster = raster;
        Path = raster.Path;
        RasterLimits.EnsureWithin(raster, "a scene");
        if (!raster.HasGeoTransform)
            throw new PixelGridException($"'{Path}' has no georeferencing (no geotransform); a scene must be georeferenced.");
        Grid = grid ?? new PixelGrid(raster.Width, raster.Height, raster.GeoTransform, raster.SpatialReference, Path);
        DataType = raster.DataType(1);
        for (var b = 2; b <= raster.BandCount; b++)
            if (raster.DataType(b) != DataType)
                throw new InputException($"'{Path}': band {b} is {raster.DataType(b)} but band 1 is {DataType}; a scene needs one pixel type.");
        if (DataType == RasterDataType.Unknown)
            throw new InputException($"'{Path}' has a pixel type the engine does not read (complex or unknown).");
        NoData = Enumerable.Range(1, raster.BandCount).Select(raster.NoData).ToArray();
        BandRoles = roles is null ? ReadRoles(raster) : CheckRoles(roles, raster);
    }

    /// <summary>Opens a scene file (GeoTIFF, COG, VRT, anything GDAL reads).</summary>
    /// <param name="path">The raster file.</param>
    /// <param name="roles">Band roles in band order, overriding what the file says; null to read them from the file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="GdalException">GDAL cannot read it.</exception>
    /// <exception cref="PixelGridException">It is not georeferenced, its geotransform is rotated, a VRT that is its own source, or it is larger than <see cref="RasterLimits.MaxSide"/> or <see cref="RasterLimits.MaxPixels"/>.</exception>
    public static Scene Open(string path, IReadOnlyList<BandRole>? roles = null)
    {
        VrtSources.CheckNoCycle(path);
        var raster = RasterDataset.Open(path);
        try { return new Scene(raster, roles); }
        catch { raster.Dispose(); throw; }
    }

    /// <summary>
    /// Opens single-band files (one per band, same grid, e.g. Landsat's B2..B5) as one scene through a
    /// VRT written at <paramref name="vrtPath"/>.
    /// </summary>
    public static Scene OpenStack(IReadOnlyList<string> bandFiles, string vrtPath, IReadOnlyList<BandRole>? roles = null)
    {
        var raster = RasterDataset.BuildStackedVrt(vrtPath, bandFiles);
        try { return new Scene(raster, roles); }
        catch { raster.Dispose(); throw; }
    }

    /// <summary>The scene's file.</summary>
    public string Path { get; }

    /// <summary>Where the pixels lie.</summary>
    public PixelGrid Grid { get; }

    /// <summary>Columns.</summary>
    public int Width => Grid.Width;

    /// <summary>Rows.</summary>
    public int Height => Grid.Height;

    /// <summary>Number of bands.</summary>
    public int BandCount => _raster.BandCount;

    /// <summary>The pixel type shared by all bands.</summary>
    public RasterDataType DataType { get; }

    /// <summary>Nodata value per band (index 0 = band 1), null where a band has none.</summary>
    public IReadOnlyList<double?> NoData { get; }

    /// <summary>What each band measures (index 0 = band 1).</summary>
    public IReadOnlyList<BandRole> BandRoles { get; }

    /// <summary>
    /// The acquisition date the file records: metadata ACQUISITION_DATE (YYYY-MM-DD), else the date of
    /// TIFFTAG_DATETIME, else the date in its name when that is a satellite product's (<see cref="ProductName"/>);
    /// null when none of them is there.
    /// </summary>
    public DateOnly? AcquisitionDate
    {
        get
        {
            if (DateOnly.TryParseExact(_raster.MetadataItem("ACQUISITION_DATE") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                return d;
            var stamp = _raster.MetadataItem("TIFFTAG_DATETIME");
            return stamp is { Length: >= 10 } && DateOnly.TryParseExact(stamp[..10].Replace(':', '-'), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d)
                ? d
                : ProductName.AcquisitionDate(Path);
        }
    }

    /// <summary>
    /// <paramref name="given"/>, else <see cref="AcquisitionDate"/>; a scene whose date cannot be found is refused, since
    /// QSX, HSX and the year in JCBH come from it and a guess (today) would be wrong without a word.
    /// </summary>
    /// <param name="given">The date the caller gave, if any.</param>
    /// <param name="setting">The options property that gives it (e.g. <c>BeforeDate</c>), named by the exception.</param>
    /// <param name="which">Which date this is, for the message ("before", "after", "newest").</param>
    /// <exception cref="InputException">No date given and none found.</exception>
    public DateOnly DateOrRefuse(DateOnly? given, string setting, string which) =>
        given ?? AcquisitionDate ?? throw new InputException(
            $"'{Path}' has no acquisition date: no ACQUISITION_DATE or TIFFTAG_DATETIME in it, and its name is no product name with a date (such as {ProductName.Example}); give the {which} date.")
        {
            Setting = setting,
        };

    /// <summary>The scene's id: metadata SCENE_ID, else the file name without extension.</summary>
    public string SceneId => _raster.MetadataItem("SCENE_ID") is { Length: > 0 } id ? id : System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The 1-based band number holding <paramref name="role"/>.</summary>
    /// <exception cref="InputException">No band has that role; the message lists the scene's roles.</exception>
    public int BandOf(BandRole role)
    {
        for (var i = 0; i < BandRoles.Count; i++) if (BandRoles[i] == role) return i + 1;
        throw new InputException($"'{Path}' has no {role} band; its bands are {BandOrder.Format(BandRoles)}. Give the band order explicitly.")
        {
            Setting = nameof(Pipeline.ScenePair.Bands),
        };
    }

    /// <summary>Reads a window of one band (1-based) into a row-major buffer. Safe from several threads.</summary>
    public void Read<T>(int band, PixelWindow window, Span<T> buffer) where T : unmanaged
    {
        lock (_reading) _raster.Read(band, window, buffer);
    }

    /// <summary>Reads a window of several bands band-sequentially (see <see cref="RasterDataset.ReadBands{T}"/>). Safe from several threads.</summary>
    public void ReadBands<T>(PixelWindow window, Span<T> buffer, ReadOnlySpan<int> bands = default) where T : unmanaged
    {
        lock (_reading) _raster.ReadBands(window, buffer, bands);
    }

    /// <summary>The underlying raster, for the engine's own readers.</summary>
    internal RasterDataset Dataset => _raster;

    /// <inheritdoc />
    public void Dispose() => _raster.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Grid}, {BandCount} x {DataType} [{BandOrder.Format(BandRoles)}]";

    private static IReadOnlyList<BandRole> CheckRoles(IReadOnlyList<BandRole> roles, RasterDataset raster)
    {
        if (roles.Count != raster.BandCount)
            throw new InputException($"'{raster.Path}' has {raster.BandCount} band(s) but {roles.Count} band role(s) were given ({BandOrder.Format(roles)}).")
            {
                Setting = nameof(Pipeline.ScenePair.Bands),
            };
        return roles.ToArray();
    }

    private static BandRole[] ReadRoles(RasterDataset raster)
    {
        var roles = new BandRole[raster.BandCount];
        for (var b = 1; b <= raster.BandCount; b++)
        {
            if (BandOrder.TryParse(raster.BandDescription(b), out var role)) { roles[b - 1] = role; continue; }
            roles[b - 1] = BandOrder.FromColor(raster.ColorInterpretation(b));
        }
        return roles;
    }
}
