using System.Text;
using System.Net;
using NetTopologySuite.Geometries;
using SkiaSharp;
using WeiPian.Engine.Raster;

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

    /// <summary>The low and high percentiles (in %) of the pixels that are not NaN; (0, 1) when there are none.</summary>
    public static (float Low, float High) Stretch(IEnumerable<float> pixels, (double Low, double High) percentiles)
    {
        var values = pixels.Where(v => !float.IsNaN(v)).ToArray();
        if (values.Length == 0) return (0, 1);
        Array.Sort(values);
        var lo = values[(int)Math.Clamp(values.Length * percentiles.Low / 100, 0, values.Length - 1)];
        var hi = values[(int)Math.Clamp(values.Length * percentiles.High / 100, 0, values.Length - 1)];
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

        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        // One chip of thousands in a folder: looking for leftovers of killed runs beside each would read the folder each time.
        using var output = AtomicOutput.Begin(path, OutputLayout.File, Environment.ProcessId, removeLeftovers: false);
        File.WriteAllBytes(output.TempPath, data.ToArray());
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
