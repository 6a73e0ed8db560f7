using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Batch;

/// <summary>
/// Links each new polygon to an earlier month's polygon at the same place (TYWZJCTBWQBH = the earlier JCBH), so that
/// one change reported twice is known as one.
/// </summary>
/// <remarks>
/// The rule: an earlier polygon is at the same place when its intersection with the new one covers at least
/// <see cref="OverlapFraction"/> (default 50 %) of the smaller of the two, whatever their types (a pond dug in March
/// may be a building site by December). With several, the one sharing the largest area wins (ties: the smaller JCBH).
/// Half of the smaller polygon: a change that grew between months (a building site that spread) still covers its
/// earlier self, while a new change that only touches an earlier one's edge does not.
/// </remarks>
internal sealed class PreviousLinker
{
    /// <summary>Share of the smaller polygon the intersection must cover.</summary>
    public double OverlapFraction { get; init; } = 0.5;

    /// <summary>Reads earlier polygons: layer <c>tuban</c> (else the first layer) with a JCBH field, reprojected to <paramref name="crs"/>.</summary>
    /// <param name="path">The earlier polygons.</param>
    /// <param name="crs">The CRS to return them in; null for the layer's own.</param>
    /// <exception cref="InputException">Nothing at <paramref name="path"/>, not a vector source OGR reads, no JCBH field, or an unreadable geometry.</exception>
    public static IReadOnlyList<(string Jcbh, Geometry Geometry)> ReadPrevious(string path, SpatialReference? crs)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InputException($"Earlier polygons '{path}' do not exist.");
        using var ds = VectorDataset.Open(path);
        if (ds.LayerCount == 0) throw new InputException($"Earlier polygons '{path}' hold no layer.");
        var layer = ds.HasLayer("tuban") ? ds.Layer("tuban") : ds.Layer(0);
        if (layer.FieldIndex("JCBH") < 0)
            throw new InputException($"Earlier polygons '{path}': layer '{layer.Name}' has no JCBH field; its fields are {string.Join(", ", layer.Fields.Select(f => f.Name))}.");
        var layerCrs = layer.SpatialReference;
        using var t = crs is null || layerCrs is null || layerCrs.IsSame(crs) ? null : new CoordinateTransform(layerCrs, crs);
        var reader = new WKBReader();
        var list = new List<(string, Geometry)>();
        foreach (var f in layer.Features())
        {
            if (f.Wkb is null || f.GetString("JCBH") is not { Length: > 0 } jcbh) continue;
            Geometry g;
            try { g = reader.Read(f.Wkb); }
            catch (ParseException e) { throw new InputException($"Earlier polygons '{path}', layer '{layer.Name}': feature {f.Fid} has an unreadable geometry ({e.Message})."); }
            if (t is not null) g = Reprojection.Apply(g, t);
            if (!g.IsValid) g = g.Buffer(0);
            if (g.IsEmpty || g.Dimension != Dimension.Surface) continue;
            list.Add((jcbh, g));
        }
        return list;
    }

    /// <summary>The polygons with TYWZJCTBWQBH set where an earlier polygon is at the same place.</summary>
    public IReadOnlyList<BatchTuban> Link(IReadOnlyList<BatchTuban> polygons, IReadOnlyList<(string Jcbh, Geometry Geometry)> previous)
    {
        var index = new STRtree<(string Jcbh, Geometry Geometry)>();
        foreach (var p in previous) index.Insert(p.Geometry.EnvelopeInternal, p);
        if (previous.Count > 0) index.Build();
        var result = new List<BatchTuban>(polygons.Count);
        foreach (var p in polygons)
        {
            var g = p.Tuban.Geometry;
            string? best = null;
            var bestArea = 0.0;
            foreach (var (jcbh, earlier) in previous.Count == 0 ? [] : index.Query(g.EnvelopeInternal))
            {
                if (!earlier.Intersects(g)) continue;
                var shared = OverlayNGRobust.Overlay(g, earlier, SpatialFunction.Intersection).Area;
                if (shared <= 0 || shared < OverlapFraction * Math.Min(g.Area, earlier.Area)) continue;
                if (shared > bestArea || shared == bestArea && string.CompareOrdinal(jcbh, best) < 0) { best = jcbh; bestArea = shared; }
            }
            result.Add(p with { Tywzjctbwqbh = best ?? "" });
        }
        return result;
    }
}
