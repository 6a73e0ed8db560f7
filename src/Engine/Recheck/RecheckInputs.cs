using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Recheck;

/// <summary>An earlier change polygon (图斑) to re-check, in the images' CRS.</summary>
/// <param name="Jcbh">Its monitoring number (or another id).</param>
/// <param name="Geometry">The polygon (Polygon or MultiPolygon) in the CRS of the images.</param>
public sealed record EarlierPolygon(string Jcbh, Geometry Geometry)
{
    /// <summary>The earlier change type (TBLX), when known.</summary>
    public string? Tblx { get; init; }

    /// <summary>The earlier class name (ZDLX or class_name), when known.</summary>
    public string? ClassName { get; init; }

    /// <summary>County code (XZQDM), when known.</summary>
    public string? Xzqdm { get; init; }

    /// <summary>The earlier before/after dates (QSX, HSX) as YYYYMMDD, when known.</summary>
    public string? Qsx { get; init; }

    /// <summary>The earlier after date (HSX).</summary>
    public string? Hsx { get; init; }

    /// <summary>
    /// Reads earlier polygons from any vector source GDAL opens (a detection's GeoPackage, a Shapefile, a FileGDB):
    /// layer <see cref="RecheckOptions.Layer"/>, else <c>tuban</c>, else the first; id from <see cref="RecheckOptions.IdField"/>,
    /// else JCBH when present (feature id when a polygon has none); TBLX, ZDLX/class_name, XZQDM, QSX, HSX when present; reprojected to <paramref name="crs"/>.
    /// Invalid rings are repaired (buffer 0); features with no area are skipped.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>.</exception>
    /// <exception cref="InputException">The named layer or id field is missing, or the layer has no polygons.</exception>
    public static IReadOnlyList<EarlierPolygon> Read(string path, SpatialReference? crs, RecheckOptions? options = null)
    {
        options ??= new RecheckOptions();
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"Earlier polygons '{path}' do not exist.", path);
        using var ds = VectorDataset.Open(path);
        if (ds.LayerCount == 0) throw new InputException($"Earlier polygons '{path}' hold no layer.");
        VectorLayer layer;
        if (options.Layer is { } name)
            layer = ds.HasLayer(name) ? ds.Layer(name)
                : throw new InputException($"Earlier polygons '{path}' have no layer '{name}'; its layers are {string.Join(", ", ds.Layers.Select(l => l.Name))}.");
        else layer = ds.HasLayer("tuban") ? ds.Layer("tuban") : ds.Layer(0);
        if (layer.GeometryType is not (GeometryKind.Polygon or GeometryKind.MultiPolygon or GeometryKind.Unknown))
            throw new InputException($"Earlier polygons '{path}': layer '{layer.Name}' holds {layer.GeometryType}, not polygons.");
        var layerCrs = layer.SpatialReference;
        using var toScene = crs is null || layerCrs is null || layerCrs.IsSame(crs) ? null : new CoordinateTransform(layerCrs, crs);
        bool Has(string field) => layer.FieldIndex(field) >= 0;
        if (options.IdField is { } named && !Has(named))
            throw new InputException($"Earlier polygons '{path}': layer '{layer.Name}' has no id field '{named}'; {(layer.Fields.Count == 0 ? "it has no attribute fields" : "its fields are " + string.Join(", ", layer.Fields.Select(d => d.Name)))}.")
            {
                Setting = nameof(RecheckOptions.IdField),
            };
        var idField = options.IdField ?? "JCBH";
        var hasId = Has(idField);
        var nameField = Has("ZDLX") ? "ZDLX" : Has("class_name") ? "class_name" : null;
        var reader = new WKBReader();
        var list = new List<EarlierPolygon>();
        foreach (var f in layer.Features())
        {
            if (f.Wkb is null) continue;
            if (Reprojection.ReadSurface(reader, f.Wkb, toScene) is not { } g) continue;
            var id = hasId ? Text(f, idField) : null;
            list.Add(new EarlierPolygon(id is { Length: > 0 } ? id : f.Fid.ToString(CultureInfo.InvariantCulture), g)
            {
                Tblx = Has("TBLX") ? Text(f, "TBLX") : null,
                ClassName = nameField is null ? null : Text(f, nameField),
                Xzqdm = Has("XZQDM") ? Text(f, "XZQDM") : null,
                Qsx = Has("QSX") ? Text(f, "QSX") : null,
                Hsx = Has("HSX") ? Text(f, "HSX") : null,
            });
        }
        return list;
    }

    private static string? Text(VectorFeature f, string field) => f[field] switch
    {
        null => null,
        string s => s,
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        var o => o.ToString(),
    };
}

/// <summary>
/// The images of a recheck. The newest is required; the reference (the before date of the earlier detection) lets the
/// change model compare; the earlier after image only adds a chip. All must share one pixel grid.
/// </summary>
/// <param name="Newest">The newest image (GeoTIFF, COG, VRT...).</param>
public sealed record RecheckImages(string Newest)
{
    /// <summary>The reference: the before date of the earlier detection (the ground before the change). Null: indices only.</summary>
    public string? Reference { get; init; }

    /// <summary>The earlier after date (the change as first detected), for chips only.</summary>
    public string? After { get; init; }

    /// <summary>Acquisition date of the newest image; null to read it from the file (ACQUISITION_DATE, TIFFTAG_DATETIME).</summary>
    public DateOnly? NewestDate { get; init; }

    /// <summary>Acquisition date of the reference image; null to read it from the file.</summary>
    public DateOnly? ReferenceDate { get; init; }

    /// <summary>Scene id of the newest image; null for its SCENE_ID metadata, else its file name.</summary>
    public string? NewestId { get; init; }

    /// <summary>Band roles of the images in band order (e.g. B,G,R,NIR), overriding what the files say.</summary>
    public IReadOnlyList<BandRole>? Bands { get; init; }

    /// <summary>Warp the reference and earlier after image onto the newest image's grid when they differ (as
    /// <see cref="Pipeline.ScenePair.Align"/>); false refuses images on different grids.</summary>
    public bool Align { get; init; }
}
