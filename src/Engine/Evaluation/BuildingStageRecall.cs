using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Evaluation;

/// <summary>A true building change with its construction stage (truth.gpkg's STAGE: finished, cleared, foundation).</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Polygon">The true polygon and its class.</param>
public sealed record StagedBuilding(string Stage, ClassedPolygon Polygon);

/// <summary>
/// Building recall per construction stage. A building caught before its roof is on (ground cleared to bright soil, or a
/// grid of foundation beams) is still a violation to report, though it looks nothing like a roof; recall per stage says
/// whether a model finds it then or only once it is finished. A building is FOUND as <see cref="ObjectMetrics"/> finds
/// any true polygon: predicted change of any class covers at least half of it.
/// </summary>
public static class BuildingStageRecall
{
    /// <summary>The truth's class id of a building change (the synthesiser's 1).</summary>
    public const int BuildingClass = 1;

    /// <summary>The truth's stage field.</summary>
    public const string StageField = "STAGE";

    /// <summary>
    /// The building changes of a truth file with a stage: the first layer, class from <c>class_id</c>, stage from
    /// <c>STAGE</c>, optionally filtered by an OGR SQL <paramref name="where"/> (e.g. "on_farmland = 1"); null when the
    /// layer has no STAGE field (a scene synthesised without nuisances).
    /// </summary>
    public static IReadOnlyList<StagedBuilding>? Read(string truthPath, string? where = null)
    {
        using var ds = VectorDataset.Open(truthPath);
        var layer = ds.Layer(0);
        if (layer.FieldIndex(StageField) < 0 || layer.FieldIndex("class_id") < 0) return null;
        layer.SetAttributeFilter(where);
        var reader = new WKBReader();
        try
        {
            return layer.Features()
                .Where(f => f.Wkb is not null && f.GetInt64("class_id") == BuildingClass && f.GetString(StageField) is not null)
                .Select(f => new StagedBuilding(f.GetString(StageField)!, new ClassedPolygon(BuildingClass, reader.Read(f.Wkb))))
                .ToList();
        }
        finally
        {
            layer.SetAttributeFilter(null);
        }
    }

    /// <summary>Per stage (ordinal order), the buildings <paramref name="predicted"/> found and all of them.</summary>
    public static IReadOnlyDictionary<string, ObjectTally> Count(IReadOnlyList<StagedBuilding> buildings, IReadOnlyList<ClassedPolygon> predicted)
    {
        var index = ObjectMetrics.Index(predicted);
        return ObjectTally.Count(buildings, b => b.Stage, b => ObjectMetrics.IsFound(b.Polygon.Geometry, index));
    }
}
