using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Survey;

/// <summary>A county polygon of the survey: its code (XZQDM), outline and name (XZQMC, empty when the layer has none).</summary>
public sealed record County(string Code, Geometry Geometry, string Name = "");

/// <summary>
/// The land-change survey (国土变更调查) as the engine uses it, in the scene's CRS and limited to the scene:
/// farmland parcels (DLTB with a farmland DLBM), permanent basic farmland (YJJBNTTB) and counties (XZQ),
/// each with a spatial index. Areas are exact vector overlays (NetTopologySuite's OverlayNG).
/// </summary>
/// <remarks>Read-only once loaded: safe to query from several threads.</remarks>
public sealed partial class LandSurvey
{
    private readonly STRtree<Geometry> _farmland;
    private readonly STRtree<Geometry> _basic;
    private readonly STRtree<County> _counties;
    private readonly Dictionary<County, IPreparedGeometry> _preparedCounties;

    private LandSurvey(string path, List<Geometry> farmland, List<Geometry> basic, List<County> counties, bool hasBasic, bool hasCounties)
    {
        Path = path;
        Farmland = farmland;
        BasicFarmland = basic;
        Counties = counties;
        HasBasicFarmlandLayer = hasBasic;
        HasCountyLayer = hasCounties;
        _farmland = Index(farmland, g => g);
        _basic = Index(basic, g => g);
        _counties = Index(counties, c => c.Geometry);
        _preparedCounties = new Dictionary<County, IPreparedGeometry>(ReferenceEqualityComparer.Instance);
        foreach (var c in counties) _preparedCounties[c] = PreparedGeometryFactory.Prepare(c.Geometry);
    }

    /// <summary>The survey source.</summary>
    public string Path { get; }

    /// <summary>Farmland parcels overlapping the area, in the scene's CRS.</summary>
    public IReadOnlyList<Geometry> Farmland { get; }

    /// <summary>Permanent basic farmland polygons overlapping the area (empty when the source has no such layer).</summary>
    public IReadOnlyList<Geometry> BasicFarmland { get; }

    /// <summary>Counties overlapping the area (empty when the source has no county layer).</summary>
    public IReadOnlyList<County> Counties { get; }

    /// <summary>True when the source has the permanent basic farmland layer.</summary>
    public bool HasBasicFarmlandLayer { get; }

    /// <summary>True when the source has the county layer.</summary>
    public bool HasCountyLayer { get; }

    /// <summary>
    /// Checks a survey source before any work: it opens, it has the parcel layer and its land-class field.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>.</exception>
    /// <exception cref="GdalException">OGR cannot read it.</exception>
    /// <exception cref="SurveyException">A layer or field the engine needs is missing; the message lists what is there.</exception>
    public static void Validate(string path, SurveyOptions? options = null)
    {
        options ??= new SurveyOptions();
        CheckShapefileMembers(path, options);
        using var ds = VectorDataset.Open(path, encoding: options.Encoding);
        ParcelLayer(ds, path, options);
    }

    /// <summary>
    /// Loads the survey polygons that overlap <paramref name="area"/> (in <paramref name="crs"/>), reprojected to
    /// <paramref name="crs"/> when the survey uses another CRS.
    /// </summary>
    /// <param name="path">A GeoPackage or FileGDB with the layers, or a folder of Shapefiles named after them.</param>
    /// <param name="crs">The scene's CRS.</param>
    /// <param name="area">The scene's extent in <paramref name="crs"/>.</param>
    /// <param name="options">Layer and field names, farmland codes, encoding.</param>
    public static LandSurvey Load(string path, SpatialReference crs, BoundingBox area, SurveyOptions? options = null)
    {
        options ??= new SurveyOptions();
        CheckShapefileMembers(path, options);
        using var ds = VectorDataset.Open(path, encoding: options.Encoding);
        var parcels = ParcelLayer(ds, path, options);
        var codes = string.Join(",", options.FarmlandCodes.Select(c => "'" + c.Replace("'", "''", StringComparison.Ordinal) + "'"));
        var farmland = ReadPolygons(parcels, crs, area, $"{options.LandClassField} IN ({codes})", path).Select(p => p.Geometry).ToList();

        var hasBasic = ds.HasLayer(options.BasicFarmlandLayer);
        var basic = hasBasic
            ? ReadPolygons(ds.Layer(options.BasicFarmlandLayer), crs, area, null, path).Select(p => p.Geometry).ToList()
            : [];

        var hasCounties = ds.HasLayer(options.CountyLayer);
        var counties = new List<County>();
        if (hasCounties)
        {
            var layer = ds.Layer(options.CountyLayer);
            if (layer.FieldIndex(options.CountyCodeField) < 0)
                throw new SurveyException(
                    $"Survey '{path}': county layer '{layer.Name}' has no field {options.CountyCodeField}; its fields are {FieldList(layer)}.");
            var named = layer.FieldIndex(options.CountyNameField) >= 0;
            counties = ReadPolygons(layer, crs, area, null, path)
                .Select(p => new County(ReadCountyCode(p.Feature.GetString(options.CountyCodeField), path, layer.Name, options.CountyCodeField), p.Geometry,
                    named ? p.Feature.GetString(options.CountyNameField) ?? "" : "")).ToList();
        }
        return new LandSurvey(path, farmland, basic, counties, hasBasic, hasCounties);
    }

    /// <summary>Farmland parcels whose bounding boxes meet <paramref name="area"/> (for rasterising a strip).</summary>
    public IList<Geometry> FarmlandNear(Envelope area) => _farmland.Query(area);

    /// <summary>Area (CRS units², m² for metre CRSs) of <paramref name="polygon"/> that lies on farmland.</summary>
    public double FarmlandArea(Geometry polygon) => OverlapArea(_farmland, polygon);

    /// <summary>Area of <paramref name="polygon"/> that lies on permanent basic farmland.</summary>
    public double BasicFarmlandArea(Geometry polygon) => OverlapArea(_basic, polygon);

    /// <summary>True when <paramref name="polygon"/> meets permanent basic farmland in more than a point or line.</summary>
    public bool TouchesBasicFarmland(Geometry polygon) => BasicFarmlandArea(polygon) > 0;

    /// <summary>The county holding the largest part of <paramref name="polygon"/>, or null when none does.</summary>
    public County? CountyOf(Geometry polygon)
    {
        County? best = null;
        var bestArea = 0.0;
        foreach (var c in _counties.Query(polygon.EnvelopeInternal))
        {
            var a = Intersection(c.Geometry, polygon).Area;
            if (a > bestArea) { best = c; bestArea = a; }
        }
        return best;
    }

    private static double OverlapArea(STRtree<Geometry> index, Geometry polygon) => UnionArea(index.Query(polygon.EnvelopeInternal), polygon);

    /// <summary>
    /// Area of <paramref name="polygon"/> covered by the union of <paramref name="parcels"/>: parcels of a real survey
    /// do overlap (a parcel digitised twice, slivers between sheets), and summing their pieces would count the shared
    /// part twice, giving more farmland than polygon.
    /// </summary>
    internal static double UnionArea(IEnumerable<Geometry> parcels, Geometry polygon)
    {
        var pieces = new List<Geometry>();
        foreach (var g in parcels)
            if (g.Intersects(polygon) && Intersection(g, polygon) is { IsEmpty: false, Dimension: Dimension.Surface } piece) pieces.Add(piece);
        return pieces.Count switch
        {
            0 => 0,
            1 => pieces[0].Area,
            _ => OverlayNGRobust.Union(pieces).Area,
        };
    }

    private static Geometry Intersection(Geometry a, Geometry b) => OverlayNGRobust.Overlay(a, b, SpatialFunction.Intersection);

    /// <summary>The parcel layer (DLTB) with its land-class field, or a <see cref="SurveyException"/> that lists what is there.</summary>
    internal static VectorLayer ParcelLayer(VectorDataset ds, string path, SurveyOptions options)
    {
        if (!ds.HasLayer(options.ParcelLayer))
            throw new SurveyException(
                $"Survey '{path}' has no layer '{options.ParcelLayer}' (land parcels, 地类图斑); its layers are {string.Join(", ", ds.Layers.Select(l => l.Name))}.");
        var layer = ds.Layer(options.ParcelLayer);
        if (layer.FieldIndex(options.LandClassField) < 0)
            throw new SurveyException(
                $"Survey '{path}': layer '{layer.Name}' has no field {options.LandClassField} (land-class code), so farmland cannot be found; its fields are {FieldList(layer)}.");
        if (layer.GeometryType is not (GeometryKind.Polygon or GeometryKind.MultiPolygon or GeometryKind.Unknown))
            throw new SurveyException($"Survey '{path}': layer '{layer.Name}' holds {layer.GeometryType} geometries, not polygons.");
        LayerCrs(layer, path);
        return layer;
    }

    /// <summary>
    /// A county code as the survey holds it, refused unless it is 6 ASCII digits: the code starts every JCBH and names
    /// the county's file in a split by county, where two codes such as 'a/b' and 'a_b' shared a file and a long one
    /// failed as "unable to open database file". A missing code stays empty (no county).
    /// </summary>
    private static string ReadCountyCode(string? code, string path, string layer, string field)
    {
        if (string.IsNullOrEmpty(code) || CountyCode.IsValid(code)) return code ?? "";
        var shown = code.Length > 40 ? code[..40] + $"... ({code.Length} characters)" : code;
        throw new SurveyException($"Survey '{path}', layer '{layer}': {field} '{shown}' is not an administrative division code (a county's 6 digits, e.g. 420506).");
    }

    /// <summary>
    /// A Shapefile survey whose layer has its .shp but lacks the .shx or .dbf: OGR skips the layer (no .shx) or reads
    /// it without fields (no .dbf), which would be reported as a missing layer or field; name the missing member.
    /// </summary>
    private static void CheckShapefileMembers(string path, SurveyOptions options)
    {
        var folder = Directory.Exists(path) ? path
            : path.EndsWith(".shp", StringComparison.OrdinalIgnoreCase) ? System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!
            : null;
        if (folder is null) return;
        var files = Directory.EnumerateFiles(folder).Select(System.IO.Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var layers = Directory.Exists(path)
            ? new[] { options.ParcelLayer, options.BasicFarmlandLayer, options.CountyLayer }
            : [System.IO.Path.GetFileNameWithoutExtension(path)];
        foreach (var layer in layers)
        {
            if (!files.Contains(layer + ".shp")) continue;
            var missing = new[] { ".shx", ".dbf" }.Where(ext => !files.Contains(layer + ext)).Select(ext => layer + ext).ToList();
            if (missing.Count > 0)
                throw new SurveyException(
                    $"Survey '{path}': '{System.IO.Path.Combine(folder, layer + ".shp")}' has no {string.Join(" or ", missing)} beside it; a Shapefile layer needs its .shp, .shx and .dbf.");
        }
    }

    /// <summary>
    /// The layer's CRS. A layer without one is refused rather than taken to be in the scene's CRS: a Shapefile
    /// without its .prj, or a GeoPackage layer of the "Undefined" SRS (srs_id 0 or -1) that GDAL reads as a made-up
    /// geographic CRS, would otherwise put the parcels wherever their numbers fall.
    /// </summary>
    private static SpatialReference LayerCrs(VectorLayer layer, string path)
    {
        var crs = layer.SpatialReference;
        if (crs is not null && !crs.Name.StartsWith("Undefined ", StringComparison.Ordinal)) return crs;
        var shapefile = Directory.Exists(path) || path.EndsWith(".shp", StringComparison.OrdinalIgnoreCase);
        var prj = System.IO.Path.Combine(Directory.Exists(path) ? path : System.IO.Path.GetDirectoryName(path) ?? "", layer.Name + ".prj");
        throw new SurveyException(shapefile
            ? $"Survey '{path}', layer '{layer.Name}' has no CRS: '{prj}' is missing. Add it (ogr2ogr -a_srs EPSG:NNNN) with the survey's CRS."
            : $"Survey '{path}', layer '{layer.Name}' has no CRS{(crs is null ? "" : $" ('{crs.Name}')")}. Assign the survey's CRS (ogr2ogr -a_srs EPSG:NNNN).");
    }

    private static string FieldList(VectorLayer layer) => string.Join(", ", layer.Fields.Select(f => f.Name));

    /// <summary>The polygons of <paramref name="layer"/> meeting <paramref name="area"/> (and <paramref name="where"/>), in <paramref name="crs"/>.</summary>
    internal static List<(VectorFeature Feature, Geometry Geometry)> ReadPolygons(VectorLayer layer, SpatialReference crs, BoundingBox area,
        string? where, string path)
    {
        var layerCrs = LayerCrs(layer, path);
        CoordinateTransform? toScene = null, toLayer = null;
        var result = new List<(VectorFeature, Geometry)>();
        try
        {
            if (!layerCrs.IsSame(crs))
            {
                toScene = new CoordinateTransform(layerCrs, crs);
                toLayer = new CoordinateTransform(crs, layerCrs);
            }
            layer.SetSpatialFilter(toLayer is null ? area : Reprojection.Apply(area, toLayer));
            layer.SetAttributeFilter(where);
            var reader = new WKBReader();
            foreach (var f in layer.Features())
                if (f.Wkb is not null && Reprojection.ReadSurface(reader, f.Wkb, toScene) is { } g)
                    result.Add((f, g));
        }
        catch (ParseException e)
        {
            throw new SurveyException($"Survey '{path}', layer '{layer.Name}': unreadable geometry ({e.Message}).");
        }
        catch (GdalException e) when (e.Operation.Contains("coordinate", StringComparison.Ordinal))
        {
            // Without the survey's name a PROJ message reads as if the scene were at fault.
            throw new SurveyException($"Survey '{path}', layer '{layer.Name}' in {layerCrs} cannot be reprojected to the scene's {crs}: {e.Message}");
        }
        finally
        {
            toScene?.Dispose();
            toLayer?.Dispose();
            layer.SetSpatialFilter(null);
            layer.SetAttributeFilter(null);
        }
        return result;
    }

    private static STRtree<T> Index<T>(IEnumerable<T> items, Func<T, Geometry> geometry)
    {
        var tree = new STRtree<T>();
        foreach (var item in items) tree.Insert(geometry(item).EnvelopeInternal, item);
        tree.Build();
        return tree;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Path}: {Farmland.Count} farmland parcels, {BasicFarmland.Count} basic farmland polygons, {Counties.Count} counties");
}

/// <summary>The survey lacks a layer or field the engine needs, or holds unusable geometry.</summary>
public sealed class SurveyException(string message) : InputException(message);
