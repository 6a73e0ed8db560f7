using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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

    /// <summary>The band numbers of <paramref name="scene"/>'s blue, green, red and NIR: the planes every chip reads, in that order.</summary>
    public static int[] Bands(Scene scene) =>
        [scene.BandOf(BandRole.Blue), scene.BandOf(BandRole.Green), scene.BandOf(BandRole.Red), scene.BandOf(BandRole.Nir)];

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
    public static (float Low, float High) Stretch(IReadOnlyList<ArraySegment<float>> planes, (double Low, double High) percentiles)
    {
        if (!WholeNumbers(planes, out var top)) return SortedStretch(planes, percentiles);
        // Kept per thread and handed back clean: clearing only the bins used is cheaper than 256 kB per call.
        var counts = _histogram ??= new int[DigitalNumbers.Count];
        try
        {
            var n = Count(planes, counts);
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
            Array.Clear(counts, 0, top + 1);
        }
    }

    // Whether every value is NaN or a whole digital number, and the largest (0 when none).
    private static bool WholeNumbers(IReadOnlyList<ArraySegment<float>> planes, out int top)
    {
        var max = 0f;
        top = 0;
        foreach (var plane in planes)
            if (!DigitalNumbers.AreWhole(plane, ref max)) return false;
        top = (int)max;
        return true;
    }

    // Adds every value but NaN to its bin; the number added.
    private static long Count(IReadOnlyList<ArraySegment<float>> planes, int[] counts)
    {
        long n = 0;
        foreach (var plane in planes) n += DigitalNumbers.Add(plane, counts);
        return n;
    }

    [ThreadStatic]
    private static int[]? _histogram;

    private static long Rank(long count, double percentile) => (long)Math.Clamp(count * percentile / 100, 0, count - 1);

    private static (float Low, float High) SortedStretch(IReadOnlyList<ArraySegment<float>> planes, (double Low, double High) percentiles)
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
    /// bottom left. The folder must have been probed once (<see cref="AtomicOutput.ProbeWritable"/>).
    /// </summary>
    /// <remarks>
    /// Magnified, each chip pixel is the image pixel under its centre: reviewers see the sensor's own pixels, as GIS tools
    /// show them, and a chip of a 96-pixel window repeats whole rows, which the PNG encoder stores almost for free (a
    /// bilinear picture drawn by Skia took three times as long to draw and encode). Reduced, each chip pixel is the mean
    /// of the stretched pixels it covers.
    /// </remarks>
    public static void Render(ArraySegment<float>[] planes, int[] channels, (float Low, float High) stretch, PixelWindow window,
        GeoTransform transform, Geometry polygon, int size, SKTypeface typeface, string top, string? bottom, string path)
    {
        var bytes = size * size * 4;
        var rgba = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            Draw(planes, channels, stretch, window, transform, polygon, size, typeface, top, bottom, rgba);
            var png = _encoded ??= new MemoryStream();
            png.SetLength(0);
            PngEncoder.Write(png, rgba.AsSpan(0, bytes), size, size);
            // One file at a time: threads creating files in one folder queue on its lock in the kernel, which spins while
            // the holder works, and ext4 can take long to find a free inode past those deleted in the last minute (perf:
            // a third of the chips' time, and the spinning burnt a core the model could use). One chip of thousands in a
            // folder its writer probed: looking for leftovers of killed runs beside each would read the folder each time,
            // and a probe file created and deleted per chip costs more than the chip's PNG.
            lock (FileWrites)
            {
                using var output = AtomicOutput.Begin(path, OutputLayout.File, Environment.ProcessId, removeLeftovers: false, probeFolder: false);
                using (var file = new FileStream(output.TempPath, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, 1))
                    file.Write(png.GetBuffer(), 0, (int)png.Length);
                output.Commit();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    private static readonly Lock FileWrites = new();

    // Each thread's encoded chip, written to its file at once.
    [ThreadStatic]
    private static MemoryStream? _encoded;

    /// <summary>
    /// Draws and encodes one small made-up chip, written nowhere, so that the first real chips do not pay for loading
    /// Skia's text and path code and compiling the steps (a tenth of a second each on the first two, at the end of a run).
    /// </summary>
    public static void WarmUp()
    {
        const int side = 8, size = 32;
        ArraySegment<float>[] planes = [.. Enumerable.Range(0, 3).Select(b => Enumerable.Range(0, side * side).Select(i => (float)(i + b)).ToArray())];
        var square = new GeometryFactory().CreatePolygon([new(2, 2), new(6, 2), new(6, 6), new(2, 6), new(2, 2)]);
        var rgba = new byte[size * size * 4];
        var typeface = LoadTypeface();
        try
        {
            Draw(planes, [2, 1, 0], Stretch(planes, (2, 98)), new PixelWindow(0, 0, side, side), GeoTransform.NorthUp(0, side, 1), square, size,
                typeface, "warm", "up", rgba);
        }
        finally
        {
            Release(typeface);
        }
        PngEncoder.Write(Stream.Null, rgba, size, size);
    }

    // The chip's pixels in rgba (size x size, 4 bytes a pixel): stretched, resampled, the outline and labels drawn on.
    private static unsafe void Draw(ArraySegment<float>[] planes, int[] channels, (float Low, float High) stretch, PixelWindow window,
        GeoTransform transform, Geometry polygon, int size, SKTypeface typeface, string top, string? bottom, byte[] rgba)
    {
        var n = (int)window.PixelCount;
        var stretched = ArrayPool<uint>.Shared.Rent(n);
        try
        {
            var p = stretched.AsSpan(0, n);
            StretchToRgba(planes[channels[0]], planes[channels[1]], planes[channels[2]], stretch, p);
            Resample(p, window.Width, window.Height, MemoryMarshal.Cast<byte, uint>(rgba.AsSpan(0, 4 * size * size)), size);
            fixed (byte* pixels = rgba)
            {
                using var surface = SKSurface.Create(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul), (nint)pixels, size * 4);
                DrawOverlay(surface.Canvas, transform, polygon, window, size, typeface, top, bottom);
                surface.Canvas.Flush();
            }
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(stretched);
        }
    }

    /// <summary>
    /// Opaque pixels from three planes stretched to bytes, packed R, G, B, A in memory: 0 at <c>stretch.Low</c>, 255 at
    /// <c>stretch.High</c>, clipped, NaN (nodata) black; eight at a time where the CPU has 256-bit vectors, the same bytes
    /// as <see cref="StretchToRgbaScalar"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StretchToRgba(ReadOnlySpan<float> red, ReadOnlySpan<float> green, ReadOnlySpan<float> blue, (float Low, float High) stretch,
        Span<uint> rgba)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.Create(stretch.Low);
            var range = Vector256.Create(stretch.High - stretch.Low);
            for (; i <= red.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var r = StretchToByte(Vector256.Create(red.Slice(i, Vector256<float>.Count)), low, range);
                var g = StretchToByte(Vector256.Create(green.Slice(i, Vector256<float>.Count)), low, range);
                var b = StretchToByte(Vector256.Create(blue.Slice(i, Vector256<float>.Count)), low, range);
                (r | (g << 8) | (b << 16) | Vector256.Create(Opaque)).CopyTo(rgba.Slice(i, Vector256<uint>.Count));
            }
        }
        StretchToRgbaScalar(red[i..], green[i..], blue[i..], stretch, rgba[i..]);
    }

    /// <summary>The scalar twin of <see cref="StretchToRgba"/>, which defines its bytes.</summary>
    internal static void StretchToRgbaScalar(ReadOnlySpan<float> red, ReadOnlySpan<float> green, ReadOnlySpan<float> blue, (float Low, float High) stretch,
        Span<uint> rgba)
    {
        for (var i = 0; i < red.Length; i++)
            rgba[i] = StretchToByte(red[i], stretch) | (StretchToByte(green[i], stretch) << 8) | (StretchToByte(blue[i], stretch) << 16) | Opaque;
    }

    private const uint Opaque = 0xFF000000;

    private static uint StretchToByte(float v, (float Low, float High) stretch) =>
        float.IsNaN(v) ? 0u : (byte)Math.Clamp((v - stretch.Low) / (stretch.High - stretch.Low) * 255f, 0f, 255f);

    private static Vector256<uint> StretchToByte(Vector256<float> v, Vector256<float> low, Vector256<float> range)
    {
        var top = Vector256.Create(255f);
        var x = Vector256.Min(Vector256.Max((v - low) / range * top, Vector256<float>.Zero), top);
        return Vector256.ConvertToInt32(x & Vector256.Equals(v, v)).AsUInt32();
    }

    /// <summary>
    /// Scales <paramref name="pixels"/> (<paramref name="width"/> x <paramref name="height"/>, packed R, G, B, A) to
    /// <paramref name="size"/> square in <paramref name="rgba"/> (opaque): the pixel under each chip pixel's centre when
    /// magnifying, the rounded mean of the pixels it covers when reducing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Resample(ReadOnlySpan<uint> pixels, int width, int height, Span<uint> rgba, int size)
    {
        Span<int> columns = size <= 1024 ? stackalloc int[2 * size] : new int[2 * size];
        Span<int> rows = size <= 1024 ? stackalloc int[2 * size] : new int[2 * size];
        SourceRanges(width, size, columns);
        SourceRanges(height, size, rows);
        for (var y = 0; y < size; y++)
        {
            int r0 = rows[2 * y], r1 = rows[2 * y + 1];
            var target = rgba.Slice(y * size, size);
            if (y > 0 && r0 == rows[2 * y - 2] && r1 == rows[2 * y - 1])
            {
                rgba.Slice((y - 1) * size, size).CopyTo(target);
                continue;
            }
            if (r1 - r0 == 1 && width <= size)
            {
                // Magnified both ways, the common chip: each chip pixel is one image pixel of the row (columns hold
                // indexes inside it by construction, so the loop reads unchecked).
                ref var source = ref MemoryMarshal.GetReference(pixels.Slice(r0 * width, width));
                ref var column = ref MemoryMarshal.GetReference(columns);
                for (var x = 0; x < size; x++) target[x] = Unsafe.Add(ref source, Unsafe.Add(ref column, 2 * x)) | Opaque;
                continue;
            }
            for (var x = 0; x < size; x++)
            {
                int c0 = columns[2 * x], c1 = columns[2 * x + 1];
                if (r1 - r0 == 1 && c1 - c0 == 1)
                {
                    target[x] = pixels[r0 * width + c0] | Opaque;
                    continue;
                }
                uint r = 0, g = 0, b = 0;
                for (var sr = r0; sr < r1; sr++)
                    foreach (var p in pixels.Slice(sr * width + c0, c1 - c0))
                    {
                        r += p & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += (p >> 16) & 0xFF;
                    }
                var n = (uint)((r1 - r0) * (c1 - c0));
                target[x] = (r + n / 2) / n | ((g + n / 2) / n << 8) | ((b + n / 2) / n << 16) | Opaque;
            }
        }
    }

    // For each of the size chip pixels along one axis, the first and past-last image pixel it takes (pairs in ranges):
    // magnified, the pixel its centre falls in; reduced, the pixels whose centres fall in it.
    private static void SourceRanges(int source, int size, Span<int> ranges)
    {
        for (var o = 0; o < size; o++)
        {
            int first, last;
            if (source <= size)
            {
                first = (int)((2L * o + 1) * source / (2L * size));
                last = first + 1;
            }
            else
            {
                first = (int)Math.Ceiling((2.0 * o * source - size) / (2.0 * size));
                last = (int)Math.Ceiling((2.0 * (o + 1) * source - size) / (2.0 * size));
            }
            ranges[2 * o] = first;
            ranges[2 * o + 1] = last;
        }
    }

    private static void DrawOverlay(SKCanvas canvas, GeoTransform transform, Geometry polygon, PixelWindow window, int size,
        SKTypeface typeface, string top, string? bottom)
    {
        var scale = ((double)size / window.Width, (double)size / window.Height);
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
    }

    /// <summary>One table cell per chip file: the image, linked to itself.</summary>
    public static void AppendImageCells(StringBuilder html, IEnumerable<string> files)
    {
        foreach (var f in files)
            html.Append("<td><a href=\"").Append(Uri.EscapeDataString(f)).Append("\"><img alt=\"").Append(WebUtility.HtmlEncode(f))
                .Append("\" src=\"").Append(Uri.EscapeDataString(f)).Append("\"></a></td>");
    }

    private static void AddRing(SKPath path, Coordinate[] ring, GeoTransform transform, PixelWindow window, (double X, double Y) scale)
    {
        for (var i = 0; i < ring.Length; i++)
        {
            var (c, r) = transform.WorldToPixel(ring[i].X, ring[i].Y);
            var x = (float)((c - window.X) * scale.X);
            var y = (float)((r - window.Y) * scale.Y);
            if (i == 0) path.MoveTo(x, y); else path.LineTo(x, y);
        }
        path.Close();
    }
}
