namespace WeiPian.Engine.Masks;

/// <summary>Binary morphology on 0/1 byte masks, row-major, for the masks that are worked out pixel by pixel (the cloud screen).</summary>
internal static class MaskMorphology
{
    /// <summary>
    /// Square (chessboard) dilation of a 0/1 mask by <paramref name="radius"/> pixels: a running count along each row
    /// into <paramref name="temp"/>, then one down the columns (<paramref name="counts"/>, one per column), so the cost
    /// does not grow with the radius.
    /// </summary>
    public static void Dilate(ReadOnlySpan<byte> mask, Span<byte> result, Span<byte> temp, int width, int height, int radius, Span<int> counts)
    {
        for (var r = 0; r < height; r++)
        {
            var src = mask.Slice(r * width, width);
            var dst = temp.Slice(r * width, width);
            var count = 0;
            for (var c = 0; c < Math.Min(radius, width); c++) count += src[c];
            for (var c = 0; c < width; c++)
            {
                if (c + radius < width) count += src[c + radius];
                dst[c] = (byte)(count > 0 ? 1 : 0);
                if (c - radius >= 0) count -= src[c - radius];
            }
        }
        counts = counts[..width];
        counts.Clear();
        for (var r = 0; r < Math.Min(radius, height); r++) Add(counts, temp.Slice(r * width, width), 1);
        for (var r = 0; r < height; r++)
        {
            if (r + radius < height) Add(counts, temp.Slice((r + radius) * width, width), 1);
            var dst = result.Slice(r * width, width);
            for (var c = 0; c < width; c++) dst[c] = (byte)(counts[c] > 0 ? 1 : 0);
            if (r - radius >= 0) Add(counts, temp.Slice((r - radius) * width, width), -1);
        }
    }

    /// <summary>
    /// Geodesic growth: breadth-first from the seeds (the first <paramref name="seeds"/> entries of
    /// <paramref name="queue"/>, pixel indices) through 8-connected pixels whose <paramref name="kinds"/> has a bit of
    /// <paramref name="through"/>, <paramref name="reach"/> steps at most, setting each reached pixel in
    /// <paramref name="mask"/>. The same as <paramref name="reach"/> rounds of 3 x 3 dilation each kept to those pixels,
    /// at the cost of the pixels reached. <paramref name="queue"/> holds a pixel per entry; <paramref name="seen"/> is scratch.
    /// </summary>
    public static void Grow(ReadOnlySpan<byte> kinds, byte through, int reach, Span<byte> mask, Span<byte> seen, int width, int height, int[] queue, int seeds)
    {
        if (seeds == 0) return;
        seen.Clear();
        for (var i = 0; i < seeds; i++) seen[queue[i]] = 1;
        int start = 0, end = seeds;
        for (var step = 0; step < reach && start < end; step++)
        {
            var next = end;
            for (var k = start; k < end; k++)
            {
                int i = queue[k], x = i % width, y = i / width;
                for (var yy = Math.Max(0, y - 1); yy <= Math.Min(height - 1, y + 1); yy++)
                    for (var xx = Math.Max(0, x - 1); xx <= Math.Min(width - 1, x + 1); xx++)
                    {
                        var j = yy * width + xx;
                        if (seen[j] != 0 || (kinds[j] & through) == 0) continue;
                        seen[j] = 1;
                        mask[j] = 1;
                        queue[next++] = j;
                    }
            }
            (start, end) = (end, next);
        }
    }

    private static void Add(Span<int> counts, ReadOnlySpan<byte> row, int sign)
    {
        for (var c = 0; c < row.Length; c++) counts[c] += sign * row[c];
    }
}
