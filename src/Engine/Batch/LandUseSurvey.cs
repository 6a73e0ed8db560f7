using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Survey;

namespace WeiPian.Engine.Batch;

/// <summary>
/// Every land parcel (DLTB) of a survey with its land-class code (DLBM), in a scene's CRS and limited to an area:
/// what the current survey says the land under a change polygon is now. <see cref="LandSurvey"/> keeps only farmland;
/// this keeps all classes.
/// </summary>
/// <remarks>Read-only once loaded: safe to query from several threads.</remarks>
public sealed class LandUseSurvey
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
        if (!ds.HasLayer(options.ParcelLayer))
            throw new SurveyException(
                $"Survey '{path}' has no layer '{options.ParcelLayer}' (land parcels, 地类图斑); its layers are {string.Join(", ", ds.Layers.Select(l => l.Name))}.");
        var layer = ds.Layer(options.ParcelLayer);
        if (layer.FieldIndex(options.LandClassField) < 0)
            throw new SurveyException(
                $"Survey '{path}': layer '{layer.Name}' has no field {options.LandClassField} (land-class code); its fields are {string.Join(", ", layer.Fields.Select(f => f.Name))}.");
        var layerCrs = layer.SpatialReference;
        using var toScene = layerCrs is null || layerCrs.IsSame(crs) ? null : new CoordinateTransform(layerCrs, crs);
        using var toLayer = toScene is null ? null : new CoordinateTransform(crs, layerCrs!);
        layer.SetSpatialFilter(toLayer is null ? area : Reproject(area, toLayer));
        var reader = new WKBReader();
        var parcels = new List<(string, Geometry)>();
        try
        {
            foreach (var f in layer.Features())
            {
                if (f.Wkb is null) continue;
                Geometry g;
                try { g = reader.Read(f.Wkb); }
                catch (ParseException e) { throw new SurveyException($"Survey '{path}', layer '{layer.Name}': unreadable geometry ({e.Message})."); }
                if (toScene is not null) g = Reproject(g, toScene);
                if (!g.IsValid) g = g.Buffer(0);
                if (g.IsEmpty || g.Dimension != Dimension.Surface) continue;
                parcels.Add(((f.GetString(options.LandClassField) ?? "").Trim(), g));
            }
        }
        finally
        {
            layer.SetSpatialFilter(null);
        }
        var survey = new LandUseSurvey(path, parcels.Count);
        foreach (var p in parcels) survey._parcels.Insert(p.Item2.EnvelopeInternal, p);
        survey._parcels.Build();
        return survey;
    }

    /// <summary>Area (CRS units²) of <paramref name="polygon"/> on each land class, largest first (ties by code).</summary>
    public IReadOnlyList<(string Dlbm, double Area)> AreaByClass(Geometry polygon)
    {
        var areas = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (dlbm, g) in _parcels.Query(polygon.EnvelopeInternal))
        {
            if (!g.Intersects(polygon)) continue;
            var a = OverlayNGRobust.Overlay(g, polygon, SpatialFunction.Intersection).Area;
            if (a > 0) areas[dlbm] = areas.GetValueOrDefault(dlbm) + a;
        }
        return areas.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    private static BoundingBox Reproject(BoundingBox e, CoordinateTransform t)
    {
        const int steps = 8;
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i <= steps; i++)
            for (var j = 0; j <= steps; j++)
            {
                if (i != 0 && i != steps && j != 0 && j != steps) continue;
                var (x, y) = t.Transform(e.MinX + e.Width * i / steps, e.MinY + e.Height * j / steps);
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }
        return new BoundingBox(minX, minY, maxX, maxY);
    }

    internal static Geometry Reproject(Geometry g, CoordinateTransform t)
    {
        var copy = g.Copy();
        copy.Apply(new ReprojectFilter(t));
        copy.GeometryChanged();
        return copy;
    }

    private sealed class ReprojectFilter(CoordinateTransform t) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = t.Transform(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
