using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Runtime.ExceptionServices;
using System.Text;
using NetTopologySuite.Geometries;
using SkiaSharp;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Files;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Output;

/// <summary>How chips look.</summary>
public sealed record ChipOptions
{
    /// <summary>Side of each PNG chip in pixels.</summary>
    public int Size { get; init; } = 256;

    /// <summary>Context around the polygon, as a share of its larger side on each side.</summary>
    public double Margin { get; init; } = 0.75;

    /// <summary>Smallest ground window in image pixels, so tiny polygons still show their surroundings.</summary>
    public int MinimumWindow { get; init; } = 96;

    /// <summary>Lower and upper percentiles of the contrast stretch (shared by the three channels shown and both dates).</summary>
    public (double Low, double High) Stretch { get; init; } = (2, 98);

    /// <summary>
    /// The square of image pixels a polygon's chips show: its envelope with <see cref="Margin"/> on each side, at least
    /// <see cref="MinimumWindow"/>, shifted rather than shrunk to stay inside <paramref name="region"/>, then cut to it.
    /// </summary>
    internal PixelWindow WindowAround(Geometry polygon, GeoTransform transform, PixelWindow region)
    {
        var e = polygon.EnvelopeInternal;
        var (c0, r0) = transform.WorldToPixel(e.MinX, e.MaxY);
        var (c1, r1) = transform.WorldToPixel(e.MaxX, e.MinY);
        var side = Math.Max(Math.Abs(c1 - c0), Math.Abs(r1 - r0));
        side = Math.Max(MinimumWindow, side * (1 + 2 * Margin));
        var s = (int)Math.Ceiling(side);
        var x = (int)Math.Floor((c0 + c1 - s) / 2);
        var y = (int)Math.Floor((r0 + r1 - s) / 2);
        x = Math.Clamp(x, region.X, Math.Max(region.X, region.Right - s));
        y = Math.Clamp(y, region.Y, Math.Max(region.Y, region.Bottom - s));
        return new PixelWindow(x, y, s, s).Intersect(region);
    }
}

/// <summary>
/// "表格+影像": for every polygon a before and an after chip in true colour (R,G,B) and in NIR false colour
/// (NIR,R,G), contrast-stretched alike for both dates, the polygon outlined and its JCBH written; and an
/// <c>index.html</c> listing every polygon's attributes beside its chips, readable offline in a browser.
/// </summary>
/// <remarks>
/// Call it from one thread at a time: <see cref="Add"/> only queues the polygon; <see cref="RendersInFlight"/> threads of
/// its own read the windows (through the detector's handles on the scenes, or its own when opened from files; a scene
/// reads for one thread at a time), stretch, draw and encode the four PNGs, so the caller does not wait on chips unless
/// the short queue is full, and memory stays bounded; <see cref="Finish"/> waits for them.
/// </remarks>
public sealed class ChipWriter : IDisposable
{
    private readonly string _directory;
    private readonly Scene _before;
    private readonly Scene _after;
    private readonly IDisposable? _owned;
    private readonly PixelWindow _region;
    private readonly GeoTransform _transform;
    private readonly ChipOptions _options;
    private readonly int[] _bandsBefore;
    private readonly int[] _bandsAfter;
    private readonly (int X, int Y) _offsetAfter;
    private readonly List<Tuban> _rows = [];
    private readonly SKTypeface _typeface;
    private readonly BlockingCollection<Tuban> _queue = new(2 * RendersInFlight);
    private readonly Thread[] _renderers;
    private volatile bool _stopping;
    private ExceptionDispatchInfo? _renderFailure;

    /// <summary>
    /// Threads drawing chips, one polygon each at a time: one per core (two at least). Threads of their own, not the
    /// thread pool's: queued there behind the detector's stages, the first chips waited a quarter of a second to start.
    /// </summary>
    public static int RendersInFlight { get; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Prepares chips of the scene pair into <paramref name="directory"/> (created when missing).</summary>
    /// <param name="directory">Where the PNGs and index.html go.</param>
    /// <param name="beforePath">The before image.</param>
    /// <param name="afterPath">The after image (same grid).</param>
    /// <param name="bands">Band roles of both images when the files do not say (B,G,R,NIR for GF-2).</param>
    /// <param name="options">Chip size and stretch.</param>
    /// <exception cref="InputException"><paramref name="directory"/> is a file.</exception>
    public ChipWriter(string directory, string beforePath, string afterPath, IReadOnlyList<BandRole>? bands = null, ChipOptions? options = null)
        : this(directory, AlignedPair.Open(new ScenePair(beforePath, afterPath) { Bands = bands }, null), options)
    {
    }

    private ChipWriter(string directory, AlignedPair pair, ChipOptions? options)
        : this(directory, (pair.First, pair.RegionFirst), (pair.Second, pair.RegionSecond), options, owned: pair)
    {
    }

    /// <summary>
    /// Prepares chips on the scenes the detector reads (aligned, resampled to the model's GSD and registered as it reads
    /// them), which stay the caller's: the chips then find the scene blocks the detector has just decoded in GDAL's cache
    /// (decoding them again through handles of their own was a tenth of the chips' time).
    /// </summary>
    internal ChipWriter(string directory, (Scene Scene, PixelWindow Region) before, (Scene Scene, PixelWindow Region) after,
        ChipOptions? options, IDisposable? owned = null)
    {
        try
        {
            if (File.Exists(directory)) throw new InputException($"Cannot write chips into '{directory}': it is a file, not a folder.");
            Directory.CreateDirectory(directory);
            AtomicOutput.ProbeWritable(directory, directory);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }
        _owned = owned;
        _directory = directory;
        _options = options ?? new ChipOptions();
        (_before, _region, _bandsBefore) = (before.Scene, before.Region, ChipRendering.Bands(before.Scene));
        (_after, _bandsAfter) = (after.Scene, ChipRendering.Bands(after.Scene));
        _transform = _before.Grid.Transform;
        // The after image's pixel (x, y) is the before image's (x - offset): both are on one grid.
        _offsetAfter = (after.Region.X - _region.X, after.Region.Y - _region.Y);
        _typeface = ChipRendering.LoadTypeface();
        _renderers = [.. Enumerable.Range(0, RendersInFlight).Select(_ => new Thread(RenderQueued) { IsBackground = true, Name = "weipian chips" })];
        foreach (var thread in _renderers) thread.Start();
    }

    /// <summary>Polygons charted so far.</summary>
    public int Count => _rows.Count;

    /// <summary>The chip file names of a polygon: before/after in true colour and NIR false colour.</summary>
    public static (string Before, string After, string BeforeNir, string AfterNir) FileNames(string jcbh) =>
        ($"{jcbh}_before.png", $"{jcbh}_after.png", $"{jcbh}_before_nir.png", $"{jcbh}_after_nir.png");

    /// <summary>Queues the four chips of one polygon; a failure of an earlier chip is thrown here or by <see cref="Finish"/>.</summary>
    public void Add(Tuban t)
    {
        _renderFailure?.Throw();
        _rows.Add(t);
        _queue.Add(t);
    }

    /// <summary>Waits for the chips still being drawn, then writes index.html (under a temporary name, then renamed).</summary>
    public void Finish()
    {
        WaitForRenders();
        _renderFailure?.Throw();
        using var output = AtomicOutput.Begin(Path.Combine(_directory, "index.html"));
        File.WriteAllText(output.TempPath, Html(), Encoding.UTF8);
        output.Commit();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopping) return;
        // Without Finish the run failed or was stopped: polygons still queued are dropped, the chips being drawn end first.
        _stopping = true;
        WaitForRenders();
        _queue.Dispose();
        _owned?.Dispose();
        ChipRendering.Release(_typeface);
    }

    private void RenderQueued()
    {
        foreach (var t in _queue.GetConsumingEnumerable())
        {
            if (_stopping || _renderFailure is not null) continue;
            // Pooled: fresh window buffers of a few hundred kB each cost page faults and clearing, a sixth of a chip's time.
            float[]? before = null, after = null;
            try
            {
                var window = _options.WindowAround(t.Geometry, _transform, _region);
                before = ArrayPool<float>.Shared.Rent(4 * (int)window.PixelCount);
                after = ArrayPool<float>.Shared.Rent(4 * (int)window.PixelCount);
                Render(t, window, Read(_before, _bandsBefore, window, before),
                    Read(_after, _bandsAfter, window.Translate(_offsetAfter.X, _offsetAfter.Y), after));
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _renderFailure, ExceptionDispatchInfo.Capture(e), null);
            }
            finally
            {
                if (before is not null) ArrayPool<float>.Shared.Return(before);
                if (after is not null) ArrayPool<float>.Shared.Return(after);
            }
        }
    }

    private void WaitForRenders()
    {
        if (!_queue.IsAddingCompleted) _queue.CompleteAdding();
        foreach (var thread in _renderers) thread.Join();
    }

    // The B, G, R, NIR planes of the window in buffer, one after the other; nodata NaN.
    private static ArraySegment<float>[] Read(Scene scene, int[] bands, PixelWindow window, float[] buffer)
    {
        var n = (int)window.PixelCount;
        scene.ReadBands<float>(window, buffer.AsSpan(0, 4 * n), bands);
        var planes = new ArraySegment<float>[4];
        for (var b = 0; b < 4; b++)
        {
            planes[b] = new ArraySegment<float>(buffer, b * n, n);
            if (scene.NoData[bands[b] - 1] is { } nd) DigitalNumbers.NoDataToNaN(planes[b], (float)nd);
        }
        return planes;
    }

    private void Render(Tuban t, PixelWindow window, ArraySegment<float>[] before, ArraySegment<float>[] after)
    {
        var names = FileNames(t.Jcbh);
        // Channels: 0 B, 1 G, 2 R, 3 NIR. True colour R,G,B; false colour NIR,R,G. One stretch for the three
        // channels of a rendering and both dates: per-band stretches tint the picture, and the dates must compare.
        int[] trueColour = [2, 1, 0], falseColour = [3, 2, 1];
        var trueStretch = ChipRendering.Stretch([.. trueColour.SelectMany(b => new[] { before[b], after[b] })], _options.Stretch);
        var falseStretch = ChipRendering.Stretch([.. falseColour.SelectMany(b => new[] { before[b], after[b] })], _options.Stretch);
        Render(before, trueColour, trueStretch, window, t, names.Before, "before");
        Render(after, trueColour, trueStretch, window, t, names.After, "after");
        Render(before, falseColour, falseStretch, window, t, names.BeforeNir, "before NIR");
        Render(after, falseColour, falseStretch, window, t, names.AfterNir, "after NIR");
    }

    private void Render(ArraySegment<float>[] planes, int[] channels, (float Low, float High) stretch, PixelWindow window, Tuban t,
        string fileName, string label) =>
        ChipRendering.Render(planes, channels, stretch, window, _transform, t.Geometry, _options.Size, _typeface, $"{t.Jcbh}  {label}",
            null, Path.Combine(_directory, fileName));

    private string Html()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>图斑 — 表格+影像</title>");
        sb.AppendLine("<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:4px;vertical-align:top;font-size:13px}" +
                      "th{background:#eee}img{width:180px;height:180px;display:block}dl{margin:0;display:grid;grid-template-columns:auto auto;gap:0 8px}dt{font-weight:bold}</style></head><body>");
        sb.AppendLine(inv, $"<h1>图斑 ({_rows.Count})</h1><table><tr><th>attributes</th><th>before</th><th>after</th><th>before NIR</th><th>after NIR</th></tr>");
        foreach (var t in _rows)
        {
            var n = FileNames(t.Jcbh);
            sb.Append("<tr id=\"").Append(WebUtility.HtmlEncode(t.Jcbh)).Append("\"><td><dl>");
            foreach (var (k, v) in Attributes(t)) sb.Append("<dt>").Append(k).Append("</dt><dd>").Append(WebUtility.HtmlEncode(v)).Append("</dd>");
            sb.Append("</dl></td>");
            ChipRendering.AppendImageCells(sb, [n.Before, n.After, n.BeforeNir, n.AfterNir]);
            sb.AppendLine("</tr>");
        }
        sb.AppendLine("</table></body></html>");
        return sb.ToString();
    }

    private static IEnumerable<(string, string)> Attributes(Tuban t)
    {
        var inv = CultureInfo.InvariantCulture;
        yield return ("JCBH", t.Jcbh);
        yield return ("XZQDM", t.Xzqdm);
        yield return ("XZQMC", t.Xzqmc);
        yield return ("TBLX", t.Tblx);
        yield return ("TBLXMC", ChangeTypes.ChineseName(t.Tblx));
        yield return ("QSX / HSX", $"{t.Qsx} / {t.Hsx}");
        yield return ("JCMJ", string.Create(inv, $"{t.Jcmj:0.0} m² ({t.JcmjMu:0.00} 亩)"));
        yield return ("JCGDMJ", string.Create(inv, $"{t.Jcgdmj:0.0} m²"));
        yield return ("YJJBNTMJ", string.Create(inv, $"{t.Yjjbntmj:0.0} m² (SFYN {(t.Sfyn ? "Y" : "N")})"));
        yield return ("LZB, BZB", string.Create(inv, $"{t.Lzb:0.000000}, {t.Bzb:0.000000}"));
        yield return ("confidence", string.Create(inv, $"{t.Confidence:0.00}"));
        yield return ("ZDBH", t.Zdbh);
    }
}
