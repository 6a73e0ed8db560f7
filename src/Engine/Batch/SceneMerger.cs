using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Batch;

/// <summary>What merging the scenes' polygons gave.</summary>
/// <param name="Crs">The CRS of the merged polygons: the first scene's projected CRS, in which areas, X and Y were computed.</param>
/// <param name="Polygons">The merged polygons, in a canonical order (not yet numbered).</param>
/// <param name="ScenePolygons">Polygons read from the scene files.</param>
/// <param name="MergedGroups">Polygons made by dissolving parts from two or more scenes.</param>
/// <param name="MergedParts">Scene polygons that went into those.</param>
public sealed record MergeResult(SpatialReference Crs, IReadOnlyList<BatchTuban> Polygons, int ScenePolygons, int MergedGroups, int MergedParts);

/// <summary>
/// Merges the polygons of overlapping scenes so that a change seen by two scenes is held once.
/// </summary>
/// <remarks>
/// <para>The rule: two polygons from different scenes with the same TBLX belong to one change when their intersection
/// covers at least <see cref="OverlapFraction"/> (default 30 %) of the smaller one. Groups are closed transitively
/// (A with B and B with C make A, B, C one change). Same-scene polygons never merge with each other directly: the
/// detector has already separated them.</para>
/// <para>30 % of the smaller polygon: the same change seen in the overlap of two scenes overlaps itself almost wholly
/// (a part cut by one scene's edge lies wholly inside the other scene's polygon: 100 %; a pixel or two of
/// misregistration still leaves well over half), while two different changes side by side that touch through a
/// misregistered strip one pixel wide share only a few per cent.</para>
/// <para>A group's geometry is the union of its parts (a change cut by one scene's edge becomes whole). Its areas
/// (JCMJ, JCGDMJ, YJJBNTMJ), SFYN, county, inner point and survey marks are computed again on the union: summing or
/// picking a part would count the overlap twice or miss the part the other scene saw. The descriptive attributes
/// (dates, scene ids, model, class) come from the largest part (by JCMJ; on a tie the first in manifest order): the
/// record stays traceable to one image pair, the one that saw most of the change. Confidence is the area-weighted mean
/// of the parts. SCENES lists the keys of all scenes that saw it, in manifest order.</para>
/// <para>The merge works in the first scene's CRS, the projected Gauss-Kruger zone areas are measured in: scenes in
/// another CRS are reprojected to it first (X, Y follow; areas keep the values computed in the scene's own projection
/// unless the polygon is merged). The output CRS of a batch is applied after the merge and changes only the
/// geometries (see <see cref="ReprocessBatch"/>), so a geographic output CRS never turns areas into square degrees.</para>
/// </remarks>
internal sealed class SceneMerger
{
    /// <summary>Share of the smaller polygon that the intersection must cover for two polygons to be one change.</summary>
    public double OverlapFraction { get; init; } = 0.3;

    /// <summary>Merges the scene files of done scenes, given in manifest order.</summary>
    /// <param name="scenes">Each done scene's key and polygon file, in manifest order.</param>
    /// <param name="settings">The surveys and options (for areas and marks of merged polygons).</param>
    public MergeResult Merge(IReadOnlyList<(string Key, string Path)> scenes, SceneWorkSettings settings)
    {
        SpatialReference? crs = null;
        var parts = new List<Part>();
        for (var s = 0; s < scenes.Count; s++)
        {
            var (sceneCrs, polygons) = BatchTubanFile.Read(scenes[s].Path);
            crs ??= sceneCrs;
            if (sceneCrs is not null && crs is not null && !sceneCrs.IsSame(crs))
            {
                using var t = new CoordinateTransform(sceneCrs, crs);
                polygons = polygons.Select(p => Reproject(p, t)).ToList();
            }
            foreach (var p in polygons) parts.Add(new Part(parts.Count, s, p));
        }
        crs ??= SpatialReference.FromEpsg(4546);

        // Union-find over the overlap graph; parts are numbered in manifest order, then file order.
        var parent = Enumerable.Range(0, parts.Count).ToArray();
        int Find(int i) { while (parent[i] != i) i = parent[i] = parent[parent[i]]; return i; }
        var index = new STRtree<Part>();
        foreach (var p in parts) index.Insert(p.Geometry.EnvelopeInternal, p);
        if (parts.Count > 0) index.Build();
        foreach (var a in parts)
            foreach (var b in index.Query(a.Geometry.EnvelopeInternal))
            {
                if (b.Index <= a.Index || b.Scene == a.Scene || b.Polygon.Tuban.Tblx != a.Polygon.Tuban.Tblx) continue;
                if (!a.Geometry.Intersects(b.Geometry)) continue;
                var shared = OverlayNGRobust.Overlay(a.Geometry, b.Geometry, SpatialFunction.Intersection).Area;
                if (shared <= 0 || shared < OverlapFraction * Math.Min(a.Geometry.Area, b.Geometry.Area)) continue;
                int ra = Find(a.Index), rb = Find(b.Index);
                if (ra != rb) parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
            }

        var groups = parts.GroupBy(p => Find(p.Index)).OrderBy(g => g.Key).Select(g => g.OrderBy(p => p.Index).ToList()).ToList();
        var result = new List<BatchTuban>(groups.Count);
        int merged = 0, mergedParts = 0;
        foreach (var g in groups)
        {
            if (g.Count == 1) { result.Add(g[0].Polygon); continue; }
            merged++;
            mergedParts += g.Count;
            result.Add(Dissolve(g, scenes, settings, crs));
        }
        return new MergeResult(crs, result, parts.Count, merged, mergedParts);
    }

    private static BatchTuban Dissolve(List<Part> group, IReadOnlyList<(string Key, string Path)> scenes, SceneWorkSettings settings, SpatialReference crs)
    {
        var geometry = OverlayNGRobust.Union(group.Select(p => p.Geometry).ToList());
        geometry.Normalize();
        var largest = group.OrderByDescending(p => p.Polygon.Tuban.Jcmj).ThenBy(p => p.Index).First().Polygon;
        var e = geometry.EnvelopeInternal;
        var box = new BoundingBox(e.MinX, e.MinY, e.MaxX, e.MaxY);
        var options = settings.Detection;
        var survey = LandSurvey.Load(settings.SurveyPath, crs, box, options.Survey);
        using var site = new TubanSite(crs, survey);
        var weight = group.Sum(p => p.Polygon.Tuban.Jcmj);
        var merged = largest.Tuban with
        {
            Confidence = weight > 0 ? group.Sum(p => p.Polygon.Tuban.Confidence * p.Polygon.Tuban.Jcmj) / weight : largest.Tuban.Confidence,
            Geometry = geometry,
        };
        var tuban = site.Place(merged, geometry.Area * site.SquareMetresPerUnit, survey.CountyOf(geometry));
        var marking = LandUseSurvey.Load(settings.MarkingSurveyPath, crs, box, options.Survey);
        var (now, bctb, ybg) = SurveyMarking.Mark(tuban, marking, options, options.Survey.FarmlandCodes, site.SquareMetresPerUnit);
        var keys = group.Select(p => p.Scene).Distinct().Order().Select(s => scenes[s].Key);
        return new BatchTuban(tuban) { Scenes = string.Join(";", keys), DlbmNow = now, Bctb = bctb, Ybg = ybg };
    }

    private static BatchTuban Reproject(BatchTuban p, CoordinateTransform t)
    {
        var (x, y) = t.Transform(p.Tuban.X, p.Tuban.Y);
        return p with { Tuban = p.Tuban with { Geometry = Reprojection.Apply(p.Tuban.Geometry, t), X = x, Y = y } };
    }

    private sealed record Part(int Index, int Scene, BatchTuban Polygon)
    {
        public Geometry Geometry => Polygon.Tuban.Geometry;
    }
}
