using System.Globalization;
using WeiPian.Engine.Batch;

namespace WeiPian.Cluster;

/// <summary>The lines <c>weipian reprocess</c> prints about a finished batch, made where the merge ran.</summary>
public static class BatchSummary
{
    /// <summary>Polygons, BCTB/YBG/linked counts, flagged regions and judgement notes.</summary>
    public static List<string> Lines(BatchReport r, BatchSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        var polygons = string.Create(inv,
            $"polygons: {r.Polygons.Count} after merging {r.Merge.ScenePolygons} from the scenes ({r.Merge.MergedGroups} seen by more than one scene); BCTB {r.Polygons.Count(p => p.Bctb)}, YBG {r.Polygons.Count(p => p.Ybg)}");
        if (settings.PreviousPath is not null) polygons += string.Create(inv, $", linked to earlier {r.Linked}");
        lines.Add(polygons);
        foreach (var region in r.Regions.Where(x => x.Ratio is { Flagged: true }))
            lines.Add(string.Create(inv, $"FLAG {region.Level.ToString().ToLowerInvariant()} {region.Code}: R = {region.Ratio!.R * 100:0.00} % (≥ {region.Ratio.Threshold * 100:0} %)"));
        lines.AddRange(r.JudgementNotes.Select(n => "note: " + n));
        return lines;
    }
}
