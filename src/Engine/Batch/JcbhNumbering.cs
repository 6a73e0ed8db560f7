using System.Globalization;
using NetTopologySuite.IO;

namespace WeiPian.Engine.Batch;

/// <summary>
/// Numbers a batch's polygons (JCBH) so that the numbers depend only on the polygons, never on the order in which
/// scenes ran or finished.
/// </summary>
/// <remarks>
/// JCBH = XZQDM (6 digits) + source tag + 2-digit year of HSX + 5-digit serial. Serials count from 00001 per county
/// and year, in map reading order of the polygon's inner point (X, Y): bands of <see cref="BandHeight"/> metres from
/// north to south, west to east within a band; ties (same point) by TBLX, then larger JCMJ first, then the geometry's
/// WKT. The output is written in JCBH order.
/// </remarks>
internal sealed class JcbhNumbering
{
    /// <summary>The JCBH source tag (e.g. WP).</summary>
    public string SourceTag { get; init; } = "WP";

    /// <summary>Height of a reading band, in CRS units (metres).</summary>
    public double BandHeight { get; init; } = 1000;

    /// <summary>The polygons with their JCBH, sorted by it.</summary>
    public IReadOnlyList<BatchTuban> Renumber(IEnumerable<BatchTuban> polygons)
    {
        var wkt = new WKTWriter();
        var keyed = polygons.Select(p => (Polygon: p, Year: Year(p), Band: Math.Floor(p.Tuban.Y / BandHeight), Wkt: wkt.Write(p.Tuban.Geometry)));
        var sorted = keyed
            .OrderBy(k => k.Polygon.Tuban.Xzqdm, StringComparer.Ordinal)
            .ThenBy(k => k.Year, StringComparer.Ordinal)
            .ThenByDescending(k => k.Band)
            .ThenBy(k => k.Polygon.Tuban.X)
            .ThenByDescending(k => k.Polygon.Tuban.Y)
            .ThenBy(k => k.Polygon.Tuban.Tblx, StringComparer.Ordinal)
            .ThenByDescending(k => k.Polygon.Tuban.Jcmj)
            .ThenBy(k => k.Wkt, StringComparer.Ordinal)
            .ToList();
        var result = new List<BatchTuban>(sorted.Count);
        var serials = new Dictionary<(string, string), int>();
        foreach (var k in sorted)
        {
            var id = (k.Polygon.Tuban.Xzqdm, k.Year);
            var serial = serials[id] = serials.GetValueOrDefault(id) + 1;
            var jcbh = string.Create(CultureInfo.InvariantCulture, $"{k.Polygon.Tuban.Xzqdm}{SourceTag}{k.Year}{serial:00000}");
            result.Add(k.Polygon with { Tuban = k.Polygon.Tuban with { Jcbh = jcbh } });
        }
        return result;
    }

    // The 2-digit year of HSX; when the after date is unknown, the year the detector put in the provisional JCBH.
    private string Year(BatchTuban p)
    {
        var t = p.Tuban;
        if (t.Hsx.Length == 8 && t.Hsx.All(char.IsAsciiDigit)) return t.Hsx[2..4];
        var prefix = t.Xzqdm + SourceTag;
        return t.Jcbh.StartsWith(prefix, StringComparison.Ordinal) && t.Jcbh.Length >= prefix.Length + 2 ? t.Jcbh.Substring(prefix.Length, 2) : "00";
    }
}
