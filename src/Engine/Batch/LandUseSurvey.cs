using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Survey;

namespace WeiPian.Engine.Batch;

/// <summary>
/// Every land parcel (DLTB) of a survey with its land-class code (DLBM), in a scene's CRS and limited to an area:
/// what the current survey says the land under a change polygon is now. <see cref="LandSurvey"/> keeps only farmland;
/// this keeps all classes.
/// </summary>
/// <remarks>Read-only once loaded: safe to query from several threads.</remarks>
internal sealed class LandUseSurvey
{
    private readonly STRtree<(string Dlbm, Geometry Geometry)> _parcels = new();

    private LandUseSurvey(string path, int count)
    {
        Path = path;
        Count = count;
    }

    /// <summary>The survey source.</summary>
    public string Path { get; }

    /// <summary>Parcels loaded.</summary>
    public int Count { get; }

    /// <summary>
    /// Loads the parcels of <paramref name="path"/> that meet <paramref name="area"/> (in <paramref name="crs"/>), reprojected to
    /// <paramref name="crs"/> when the survey uses another.
    /// </summary>
    /// <exception cref="SurveyException">No parcel layer or no land-class field; the message lists what is there.</exception>
    public static LandUseSurvey Load(string path, SpatialReference crs, BoundingBox area, SurveyOptions? options = null)
    {
        options ??= new SurveyOptions();
        using var ds = VectorDataset.Open(path, encoding: options.Encoding);
        var layer = LandSurvey.ParcelLayer(ds, path, options);
        var parcels = LandSurvey.ReadPolygons(layer, crs, area, null, path);
        var survey = new LandUseSurvey(path, parcels.Count);
        foreach (var (f, g) in parcels) survey._parcels.Insert(g.EnvelopeInternal, ((f.GetString(options.LandClassField) ?? "").Trim(), g));
        survey._parcels.Build();
        return survey;
    }

    /// <summary>
    /// Area (CRS units²) of <paramref name="polygon"/> on each land class, largest first (ties by code); parcels of a class
    /// that overlap count once (the union of the class's parcels).
    /// </summary>
    public IReadOnlyList<(string Dlbm, double Area)> AreaByClass(Geometry polygon)
    {
        var byClass = _parcels.Query(polygon.EnvelopeInternal).GroupBy(p => p.Dlbm, StringComparer.Ordinal);
        return byClass.Select(g => (Dlbm: g.Key, Area: LandSurvey.UnionArea(g.Select(p => p.Geometry), polygon))).Where(c => c.Area > 0)
            .OrderByDescending(c => c.Area).ThenBy(c => c.Dlbm, StringComparer.Ordinal).ToList();
    }

    /// <summary>Area (CRS units²) of <paramref name="polygon"/> on any of the land classes <paramref name="codes"/>, overlapping parcels counted once.</summary>
    public double AreaOn(Geometry polygon, IReadOnlyCollection<string> codes) =>
        LandSurvey.UnionArea(_parcels.Query(polygon.EnvelopeInternal).Where(p => codes.Contains(p.Dlbm)).Select(p => p.Geometry), polygon);
}
