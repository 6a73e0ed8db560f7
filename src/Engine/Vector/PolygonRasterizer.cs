using NetTopologySuite.Geometries;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Vector;

/// <summary>
/// Burns polygons into a byte mask on a pixel grid with the pixel-centre rule of GDAL's rasteriser
/// (gdal_rasterize without -at): a pixel is inside when its centre is, with GDAL's conventions on the
/// boundary, so the mask equals gdal_rasterize's pixel for pixel. Rings are filled even-odd, so holes stay empty.
/// </summary>
/// <remarks>
/// Per row, the scanline through the pixel centres (y + 0.5) crosses an edge from (x1, y1) to (x2, y2), y1 &lt; y2,
/// when y1 &lt;= y + 0.5 &lt; y2; crossings are rounded as GDAL does (floor(x + 0.5)) and pixels between pairs are set.
/// Horizontal edges exactly on a centre line are filled only when they run right to left (bottom edges of
/// counter-clockwise rings), as in GDAL's llrasterize.cpp. Coordinates go to pixel space through the inverse
/// geotransform exactly as GDAL computes it.
/// </remarks>
public static class PolygonRasterizer
{
    /// <summary>Sets <paramref name="value"/> in <paramref name="mask"/> (row-major, width x height) wherever a polygon holds the pixel centre.</summary>
    /// <param name="polygon">A Polygon or MultiPolygon in the grid's CRS.</param>
    /// <param name="transform">North-up geotransform of the mask's top-left pixel.</param>
    /// <param name="width">Mask columns.</param>
    /// <param name="height">Mask rows.</param>
    /// <param name="mask">The pixels, row-major.</param>
    /// <param name="value">The value to burn.</param>
    public static void Burn(Geometry polygon, GeoTransform transform, int width, int height, Span<byte> mask, byte value = 1)
    {
        if (mask.Length < (long)width * height) throw new ArgumentException($"Mask holds {mask.Length} pixels; {width}x{height} needed.");
        if (!transform.IsNorthUp) throw new ArgumentException("The rasteriser needs a north-up geotransform.");
        var inverse = Inverse(transform);
        for (var g = 0; g < polygon.NumGeometries; g++)
        {
            if (polygon.GetGeometryN(g) is not Polygon p || p.IsEmpty) continue;
            var rings = new List<Coordinate[]>(1 + p.NumInteriorRings) { p.ExteriorRing.Coordinates };
            for (var h = 0; h < p.NumInteriorRings; h++) rings.Add(p.GetInteriorRingN(h).Coordinates);
            BurnRings(rings, inverse, width, height, mask, value);
        }
    }

    /// <summary>GDAL's GDALInvGeoTransform for a north-up transform (the same arithmetic, so the same rounding).</summary>
    internal static (double X0, double Sx, double Y0, double Sy) Inverse(GeoTransform t) =>
        (-t.OriginX / t.PixelWidth, 1.0 / t.PixelWidth, -t.OriginY / t.PixelHeight, 1.0 / t.PixelHeight);

    private static void BurnRings(List<Coordinate[]> rings, (double X0, double Sx, double Y0, double Sy) inv, int width, int height,
        Span<byte> mask, byte value)
    {
        // Rings to pixel space, each closing point dropped (GDAL closes rings itself).
        var total = 0;
        foreach (var r in rings) total += Math.Max(0, r.Length - 1);
        if (total == 0) return;
        var xs = new double[total];
        var ys = new double[total];
        var starts = new int[rings.Count + 1];
        var n = 0;
        for (var k = 0; k < rings.Count; k++)
        {
            starts[k] = n;
            var r = rings[k];
            for (var i = 0; i < r.Length - 1; i++, n++)
            {
                xs[n] = inv.X0 + r[i].X * inv.Sx;
                ys[n] = inv.Y0 + r[i].Y * inv.Sy;
            }
        }
        starts[rings.Count] = n;

        double minY = ys[0], maxY = ys[0];
        foreach (var y in ys) { minY = Math.Min(minY, y); maxY = Math.Max(maxY, y); }
        var y0 = Math.Max(0, (int)Math.Floor(minY));
        var y1 = Math.Min(height - 1, (int)Math.Floor(maxY));
        if (y1 < y0) return;

        Span<int> stackCrossings = stackalloc int[64];
        var crossings = total <= 64 ? stackCrossings : new int[total];
        for (var row = y0; row <= y1; row++)
        {
            var dy = row + 0.5;
            var count = 0;
            var line = mask.Slice(row * width, width);
            for (var k = 0; k < rings.Count; k++)
            {
                int s = starts[k], e = starts[k + 1];
                for (var i = s; i < e; i++)
                {
                    var j = i == s ? e - 1 : i - 1;   // edge from point j to point i
                    double ya = ys[j], yb = ys[i];
                    if ((ya < dy && yb < dy) || (ya > dy && yb > dy)) continue;
                    double x1, y1e, x2, y2e;
                    if (ya < yb) { x1 = xs[j]; y1e = ya; x2 = xs[i]; y2e = yb; }
                    else if (ya > yb) { x1 = xs[i]; y1e = yb; x2 = xs[j]; y2e = ya; }
                    else
                    {
                        // Horizontal edge on the centre line: GDAL fills it when it runs right to left.
                        if (xs[j] > xs[i]) Fill(line, (int)Math.Floor(xs[i] + 0.5), (int)Math.Floor(xs[j] + 0.5) - 1, value);
                        continue;
                    }
                    if (dy < y2e && dy >= y1e)
                        crossings[count++] = (int)Math.Floor((dy - y1e) * (x2 - x1) / (y2e - y1e) + x1 + 0.5);
                }
            }
            var found = crossings[..count];
            found.Sort();
            for (var i = 0; i + 1 < count; i += 2) Fill(line, found[i], found[i + 1] - 1, value);
        }
    }

    private static void Fill(Span<byte> line, int from, int to, byte value)
    {
        from = Math.Max(from, 0);
        to = Math.Min(to, line.Length - 1);
        if (to >= from) line[from..(to + 1)].Fill(value);
    }
}
