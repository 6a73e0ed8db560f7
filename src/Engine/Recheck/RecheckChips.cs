using System.Globalization;
using System.Net;
using System.Text;
using NetTopologySuite.Geometries;
using SkiaSharp;
using WeiPian.Engine.Files;
using WeiPian.Engine.Output;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// Chips for a recheck ("表格+影像"): per polygon a true-colour chip of each date given (reference, after, newest) and a
/// NIR false-colour chip of the newest (vegetation shows red), one stretch for the channels shown and all dates, the polygon outlined,
/// its JCBH, date and verdict written; and an <c>index.html</c> with each polygon's verdict and shares beside them.
/// </summary>
/// <remarks>Opens its own handles on the images; one thread at a time. Dates not covering a chip's window show black there.</remarks>
internal sealed class RecheckChips : IDisposable
{
    private readonly string _directory;
    private readonly ChipOptions _options;
    private readonly PixelGrid _grid;   // the newest image's grid: windows are in its pixels
    private readonly List<Date> _dates = [];
    private readonly List<(RecheckResult Result, string[] Files)> _rows = [];
    private readonly SKTypeface _typeface;

    private sealed record Date(string Label, string Suffix, Scene Scene, int[] Bands, int OffsetX, int OffsetY, string Day);

    /// <summary>Prepares chips of the recheck's images into <paramref name="directory"/> (created when missing; a file there is refused with an <see cref="InputException"/>).</summary>
    public RecheckChips(string directory, RecheckImages images, ChipOptions? options = null)
    {
        _options = options ?? new ChipOptions();
        _directory = directory;
        if (File.Exists(directory)) throw new InputException($"Cannot write chips into '{directory}': it is a file, not a folder.");
        Directory.CreateDirectory(directory);
        AtomicOutput.ProbeWritable(directory, directory);
        var newest = Scene.Open(images.Newest, images.Bands);
        try
        {
            _grid = newest.Grid;
            if (images.Reference is { } reference) Add("reference", "reference", reference, images.Bands, images.Align);
            if (images.After is { } after) Add("after", "after", after, images.Bands, images.Align);
            _dates.Add(new Date("newest", "newest", newest, ChipRendering.Bands(newest), 0, 0, Day(newest)));
        }
        catch
        {
            foreach (var d in _dates) d.Scene.Dispose();
            newest.Dispose();
            throw;
        }
        _typeface = ChipRendering.LoadTypeface();
    }

    private void Add(string label, string suffix, string path, IReadOnlyList<BandRole>? bands, bool align)
    {
        var scene = Scene.Open(path, bands);
        try
        {
            if (align && !_grid.Compare(scene.Grid).IsCompatible)
            {
                var roles = scene.BandRoles;
                scene.Dispose();
                scene = Scene.OpenWarped(path, _grid, roles);
            }
            var c = _grid.EnsureCompatible(scene.Grid, "newest image", path);
            // This date's pixel (x, y) is the newest's (x - offset).
            _dates.Add(new Date(label, suffix, scene, ChipRendering.Bands(scene), c.OverlapInSecond!.Value.X - c.OverlapInFirst!.Value.X,
                c.OverlapInSecond.Value.Y - c.OverlapInFirst.Value.Y, Day(scene)));
        }
        catch
        {
            scene.Dispose();
            throw;
        }
    }

    /// <summary>The chip file names of a polygon for the dates given, in order (reference, after, newest), then the newest in NIR false colour.</summary>
    public IReadOnlyList<string> FileNames(string jcbh) => [.. _dates.Select(d => $"{jcbh}_{d.Suffix}.png"), $"{jcbh}_newest_nir.png"];

    /// <summary>Writes the chips of one polygon.</summary>
    public void Add(RecheckResult r)
    {
        var window = _options.WindowAround(r.Geometry, _grid.Transform, _grid.Extent);
        var planes = _dates.Select(d => Read(d, window)).ToArray();
        var files = FileNames(r.Jcbh);
        int[] trueColour = [2, 1, 0], falseColour = [3, 2, 1];
        // One stretch for the three channels shown and every date, so colours stay true and dates compare.
        var stretch = ChipRendering.Stretch([.. trueColour.SelectMany(b => planes.Select(p => p[b]))], _options.Stretch);
        for (var k = 0; k < _dates.Count; k++)
            Render(planes[k], trueColour, stretch, window, r, files[k], $"{_dates[k].Label} {_dates[k].Day}");
        Render(planes[^1], falseColour, ChipRendering.Stretch([.. falseColour.Select(b => planes[^1][b])], _options.Stretch), window, r, files[^1], $"newest NIR {_dates[^1].Day}");
        _rows.Add((r, files.ToArray()));
    }

    /// <summary>Writes index.html (under a temporary name, then renamed).</summary>
    public void Finish()
    {
        using var output = AtomicOutput.Begin(Path.Combine(_directory, "index.html"));
        File.WriteAllText(output.TempPath, Html(), Encoding.UTF8);
        output.Commit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in _dates) d.Scene.Dispose();
        ChipRendering.Release(_typeface);
    }

    private static string Day(Scene s)
    {
        var d = s.Dataset.MetadataItem("ACQUISITION_DATE");
        return d is { Length: 10 } ? d.Replace("-", "", StringComparison.Ordinal) : "";
    }

    // B, G, R, NIR planes over the window (newest pixels); NaN where the date has no data or does not reach.
    private static ArraySegment<float>[] Read(Date d, PixelWindow window)
    {
        var n = (int)window.PixelCount;
        ArraySegment<float>[] planes = [.. Enumerable.Range(0, 4).Select(_ => Enumerable.Repeat(float.NaN, n).ToArray())];
        var inScene = window.Translate(d.OffsetX, d.OffsetY).Intersect(d.Scene.Grid.Extent);
        if (inScene.IsEmpty) return planes;
        var m = (int)inScene.PixelCount;
        var all = new float[4 * m];
        d.Scene.ReadBands<float>(inScene, all, d.Bands);
        int dx = inScene.X - d.OffsetX - window.X, dy = inScene.Y - d.OffsetY - window.Y;
        for (var b = 0; b < 4; b++)
        {
            var nodata = d.Scene.NoData[d.Bands[b] - 1];
            for (var r = 0; r < inScene.Height; r++)
                for (var c = 0; c < inScene.Width; c++)
                {
                    var v = all[b * m + r * inScene.Width + c];
                    planes[b][(r + dy) * window.Width + c + dx] = nodata is { } nd && v == (float)nd ? float.NaN : v;
                }
        }
        return planes;
    }

    private void Render(ArraySegment<float>[] planes, int[] channels, (float Low, float High) stretch, PixelWindow window, RecheckResult r,
        string fileName, string label) =>
        ChipRendering.Render(planes, channels, stretch, window, _grid.Transform, r.Geometry, _options.Size, _typeface, $"{r.Jcbh}  {label}",
            RecheckVerdicts.Name(r.Verdict), Path.Combine(_directory, fileName));

    private string Html()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>整改复核 — 表格+影像</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px;vertical-align:top;font-size:13px}" +
                      "th{background:#eee}img{width:180px;height:180px;display:block}dl{margin:0;display:grid;grid-template-columns:auto auto;gap:0 8px}dt{font-weight:bold}" +
                      ".restored{background:#e6f4e6}.partly{background:#fff6db}.not{background:#fbe3e3}.cannot{background:#eee}</style></head><body>");
        var counts = string.Join(", ", Enum.GetValues<RecheckVerdict>().Select(v => $"{RecheckVerdicts.Name(v)} {_rows.Count(x => x.Result.Verdict == v)}"));
        sb.AppendLine(inv, $"<h1>整改复核 ({_rows.Count}: {WebUtility.HtmlEncode(counts)})</h1><table><tr><th>attributes</th>");
        foreach (var d in _dates) sb.Append("<th>").Append(d.Label).Append("</th>");
        sb.AppendLine("<th>newest NIR</th></tr>");
        foreach (var (r, files) in _rows)
        {
            var css = r.Verdict switch
            {
                RecheckVerdict.Restored => "restored",
                RecheckVerdict.PartlyRestored => "partly",
                RecheckVerdict.NotRestored => "not",
                _ => "cannot",
            };
            sb.Append("<tr id=\"").Append(WebUtility.HtmlEncode(r.Jcbh)).Append("\" class=\"").Append(css).Append("\"><td><dl>");
            foreach (var (k, v) in Attributes(r)) sb.Append("<dt>").Append(k).Append("</dt><dd>").Append(WebUtility.HtmlEncode(v)).Append("</dd>");
            sb.Append("</dl></td>");
            ChipRendering.AppendImageCells(sb, files);
            sb.AppendLine("</tr>");
        }
        sb.AppendLine("</table></body></html>");
        return sb.ToString();
    }

    private static IEnumerable<(string, string)> Attributes(RecheckResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        string P(double v) => double.IsNaN(v) ? "-" : string.Create(inv, $"{v:P0}");
        yield return ("JCBH", r.Jcbh);
        yield return ("verdict", $"{RecheckVerdicts.Name(r.Verdict)} ({RecheckVerdicts.ChineseName(r.Verdict)})");
        yield return ("TBLX", $"{r.Polygon.Tblx} {r.Polygon.ClassName}".Trim());
        yield return ("dates", $"{r.ReferenceDate} / {r.Polygon.Hsx} / {r.NewestDate}");
        yield return ("JCMJ", string.Create(inv, $"{r.Area:0.0} m²"));
        yield return ("obscured", P(r.ObscuredShare));
        yield return ("still changed", $"{P(r.ChangedShare)} ({(r.Basis == RecheckBasis.Model ? "model" : "indices")})");
        foreach (var s in r.ClassShares.Where(s => s.Share > 0)) yield return ($"  {s.Name}", P(s.Share));
        yield return ("vegetation / cultivated", $"{P(r.VegetationShare)} / {P(r.CultivatedShare)}");
        yield return ("change around", P(r.MarginChangedShare));
    }
}
