using System.Buffers;
using System.Net;
using System.Text;
using NetTopologySuite.Geometries;
using SkiaSharp;
using WeiPian.Engine.Files;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Output;

/// <summary>
/// What every chip page shares, the detection's (<see cref="ChipWriter"/>) and the recheck's: the label font, the
/// percentile stretch, drawing one PNG (three channels stretched, the polygon outlined, labels on a shaded band) and
/// the image cells of the index page.
/// </summary>
internal static class ChipRendering
{
    private const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";

    /// <summary>The label font: DejaVu Sans Mono Bold where installed, else Skia's default (dispose unless it is the default).</summary>
    public static SKTypeface LoadTypeface() => File.Exists(FontPath) ? SKTypeface.FromFile(FontPath) : SKTypeface.Default;

    /// <summary>Disposes a typeface from <see cref="LoadTypeface"/> (Skia's default is shared and stays).</summary>
    public static void Release(SKTypeface? typeface)
    {
        if (typeface is not null && !ReferenceEquals(typeface, SKTypeface.Default)) typeface.Dispose();
    }

    /// <summary>
    /// The low and high percentiles (in %) of the pixels of <paramref name="planes"/> that are not NaN; (0, 1) when
    /// there are none. The same values as sorting the pixels and taking the ranks n·p/100: satellite data are whole
    /// numbers from 0 to 65535 (Byte, UInt16), so a counting histogram finds those ranks without sorting; other
    /// values (Float32 reflectances, negatives) fall back to the sort.
    /// </summary>
    public static (float Low, float High) Stretch(IReadOnlyList<float[]> planes, (double Low, double High) percentiles)
    {
        var counts = ArrayPool<int>.Shared.Rent(HistogramBins);
        try
        {
            Array.Clear(counts, 0, HistogramBins);
            long n = 0;
            var top = 0;
            foreach (var plane in planes)
                foreach (var v in plane)
                {
                    if (float.IsNaN(v)) continue;
                    if (!(v >= 0 && v < HistogramBins) || v != MathF.Floor(v)) return SortedStretch(planes, percentiles);
                    var bin = (int)v;
                    counts[bin]++;
                    if (bin > top) top = bin;
                    n++;
                }
            if (n == 0) return (0, 1);
            var lowRank = Rank(n, percentiles.Low);
            var highRank = Rank(n, percentiles.High);
            float lo = 0, hi = 0;
            long seen = 0;
            for (var bin = 0; bin <= top; bin++)
            {
                if (seen <= lowRank && lowRank < seen + counts[bin]) lo = bin;
                seen += counts[bin];
                if (seen > highRank) { hi = bin; break; }
            }
            return hi > lo ? (lo, hi) : (lo, lo + 1);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(counts);
        }
    }

    private const int HistogramBins = 65536;

    private static long Rank(long count, double percentile) => (long)Math.Clamp(count * percentile / 100, 0, count - 1);

    private static (float Low, float High) SortedStretch(IReadOnlyList<float[]> planes, (double Low, double High) percentiles)
    {
        var values = planes.SelectMany(p => p).Where(v => !float.IsNaN(v)).ToArray();
        Array.Sort(values);
        var lo = values[Rank(values.Length, percentiles.Low)];
        var hi = values[Rank(values.Length, percentiles.High)];
        return hi > lo ? (lo, hi) : (lo, lo + 1);
    }

    /// <summary>
    /// Writes one chip to <paramref name="path"/> (atomically): <paramref name="channels"/> of <paramref name="planes"/>
    /// as R, G, B stretched by <paramref name="stretch"/> (NaN black), scaled to <paramref name="size"/> square, the
    /// polygon outlined in yellow, <paramref name="top"/> written top left and <paramref name="bottom"/>, when given,
    /// bottom left.
    /// </summary>
    public static unsafe void Render(float[][] planes, int[] channels, (float Low, float High) stretch, PixelWindow window,
        GeoTransform transform, Geometry polygon, int size, SKTypeface typeface, string top, string? bottom, string path)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(window.Width, window.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new Span<byte>((void*)bitmap.GetPixels(), window.Width * window.Height * 4);
        for (var i = 0; i < window.Width * window.Height; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                var v = planes[channels[k]][i];
                pixels[4 * i + k] = float.IsNaN(v) ? (byte)0 : (byte)Math.Clamp((v - stretch.Low) / (stretch.High - stretch.Low) * 255f, 0f, 255f);
            }
            pixels[4 * i + 3] = 255;
        }

        using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.Black);
        using (var image = SKImage.FromBitmap(bitmap))
            canvas.DrawImage(image, new SKRect(0, 0, size, size), new SKSamplingOptions(SKFilterMode.Linear));

        var scale = (double)size / window.Width;
        using var outline = new SKPaint { Color = new SKColor(255, 230, 0), Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        using var outlinePath = new SKPath();
        for (var g = 0; g < polygon.NumGeometries; g++)
        {
            if (polygon.GetGeometryN(g) is not Polygon p) continue;
            AddRing(outlinePath, p.ExteriorRing.Coordinates, transform, window, scale);
            for (var h = 0; h < p.NumInteriorRings; h++) AddRing(outlinePath, p.GetInteriorRingN(h).Coordinates, transform, window, scale);
        }
        canvas.DrawPath(outlinePath, outline);

        using var font = new SKFont(typeface, 13);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var shade = new SKPaint { Color = new SKColor(0, 0, 0, 160) };
        canvas.DrawRect(0, 0, font.MeasureText(top) + 10, 19, shade);
        canvas.DrawText(top, 5, 14, SKTextAlign.Left, font, ink);
        if (bottom is not null)
        {
            canvas.DrawRect(0, size - 19, font.MeasureText(bottom) + 10, 19, shade);
            canvas.DrawText(bottom, 5, size - 5, SKTextAlign.Left, font, ink);
        }

        canvas.Flush();
        using var pixmap = surface.PeekPixels();
        // One chip of thousands in a folder: looking for leftovers of killed runs beside each would read the folder each time.
        using var output = AtomicOutput.Begin(path, OutputLayout.File, Environment.ProcessId, removeLeftovers: false);
        using (var file = new FileStream(output.TempPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            PngEncoder.Write(file, pixmap.GetPixelSpan(), size, size);
        output.Commit();
    }

    /// <summary>One table cell per chip file: the image, linked to itself.</summary>
    public static void AppendImageCells(StringBuilder html, IEnumerable<string> files)
    {
        foreach (var f in files)
            html.Append("<td><a href=\"").Append(Uri.EscapeDataString(f)).Append("\"><img alt=\"").Append(WebUtility.HtmlEncode(f))
                .Append("\" src=\"").Append(Uri.EscapeDataString(f)).Append("\"></a></td>");
    }

    private static void AddRing(SKPath path, Coordinate[] ring, GeoTransform transform, PixelWindow window, double scale)
    {
        for (var i = 0; i < ring.Length; i++)
        {
            var (c, r) = transform.WorldToPixel(ring[i].X, ring[i].Y);
            var x = (float)((c - window.X) * scale);
            var y = (float)((r - window.Y) * scale);
            if (i == 0) path.MoveTo(x, y); else path.LineTo(x, y);
        }
        path.Close();
    }
}
