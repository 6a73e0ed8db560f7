using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// What a recheck reads for one earlier polygon: the pixel window its envelope covers, that window widened by the
/// margin and clipped to the judged region (its context), and the rectangle of model tiles the context needs
/// (rows and columns inclusive; none when judging by indices alone or when the context is empty).
/// </summary>
/// <remarks>Windows are in pixels of the judged region; tiles are those of the whole-scene <see cref="TileGrid"/> over it,
/// so a polygon's classes come from the same tiles a whole-scene detection would run.</remarks>
internal sealed record PolygonPlan(int Index, PixelWindow Full, PixelWindow Context, int Row0, int Row1, int Col0, int Col1)
{
    /// <summary>Whether the polygon needs any model tile.</summary>
    public bool HasTiles => Row1 >= Row0;

    /// <summary>Plans every polygon, in input order.</summary>
    /// <param name="polygons">The polygons, in the grid's CRS.</param>
    /// <param name="grid">The judged region.</param>
    /// <param name="tiles">The whole-scene tile grid over <paramref name="grid"/>; null when judging by indices alone.</param>
    /// <param name="marginMetres">The margin around each polygon, in metres.</param>
    /// <param name="tilesNeeded">How many distinct tiles the polygons' contexts need together.</param>
    public static PolygonPlan[] For(IReadOnlyList<EarlierPolygon> polygons, PixelGrid grid, TileGrid? tiles, double marginMetres, out int tilesNeeded)
    {
        var t = grid.Transform;
        var margin = (int)Math.Ceiling(marginMetres / Math.Min(grid.PixelSizeX, grid.PixelSizeY));
        var plans = new PolygonPlan[polygons.Count];
        var needed = new HashSet<(int, int)>();
        for (var k = 0; k < plans.Length; k++)
        {
            var e = polygons[k].Geometry.EnvelopeInternal;
            var (c0, r0) = t.WorldToPixel(e.MinX, e.MaxY);
            var (c1, r1) = t.WorldToPixel(e.MaxX, e.MinY);
            var x = (int)Math.Floor(Math.Min(c0, c1));
            var y = (int)Math.Floor(Math.Min(r0, r1));
            var full = new PixelWindow(x, y, (int)Math.Ceiling(Math.Max(c0, c1)) - x, (int)Math.Ceiling(Math.Max(r0, r1)) - y);
            var context = new PixelWindow(full.X - margin, full.Y - margin, full.Width + 2 * margin, full.Height + 2 * margin).Intersect(grid.Extent);
            if (tiles is null || context.IsEmpty)
            {
                plans[k] = new PolygonPlan(k, full, context, 0, -1, 0, -1);
                continue;
            }
            var kept = tiles.Kept;
            plans[k] = new PolygonPlan(k, full, context, context.Y / kept, (context.Bottom - 1) / kept, context.X / kept, (context.Right - 1) / kept);
            for (var row = plans[k].Row0; row <= plans[k].Row1; row++)
                for (var col = plans[k].Col0; col <= plans[k].Col1; col++) needed.Add((col, row));
        }
        tilesNeeded = needed.Count;
        return plans;
    }
}
