using NetTopologySuite.Geometries;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Training;

public static partial class TrainingExport
{
    // Where the chips of one scene go, before any pixel is read: positives and false changes centred on their polygons'
    // points inside with jitter, unchanged land at random clear of every polygon (and its edge band), each given the
    // split of the blocks under it or dropped when those differ. Deterministic from the seed and the scene key.
    private static List<TrainingChip> Plan(TrainingScene scene, TrainingOptions options, GeographicSplit split, TrainingCounts counts)
    {
        var random = new Random(SceneSeed(options.Seed, scene.Job.Key));
        var size = options.ChipSize;
        var planned = new List<(PixelWindow Window, ChipKind Kind, long? Polygon)>();
        var positives = 0;
        foreach (var p in scene.Polygons)
        {
            var (kind, n) = p.IsFalseChange ? (ChipKind.FalseChange, options.ChipsPerFalseChange) : (ChipKind.Positive, options.ChipsPerChange);
            var point = p.Geometry.InteriorPoint.Coordinate;
            var (cx, cy) = scene.Grid.Transform.WorldToPixel(point.X, point.Y);
            for (var k = 0; k < n; k++)
            {
                var jx = (random.NextDouble() * 2 - 1) * options.Jitter * size;
                var jy = (random.NextDouble() * 2 - 1) * options.Jitter * size;
                planned.Add((Centred(scene.Grid, cx + jx, cy + jy, size), kind, p.Id));
                if (kind == ChipKind.Positive) positives++;
            }
        }
        var unchanged = (int)Math.Round(options.UnchangedPerPositive * positives);
        var clearance = options.EdgeIgnorePixels * scene.Grid.PixelSizeX;
        var placed = 0;
        for (var attempt = 0; placed < unchanged && attempt < 50 * unchanged; attempt++)
        {
            var window = new PixelWindow(random.Next(scene.Grid.Width - size + 1), random.Next(scene.Grid.Height - size + 1), size, size);
            var b = scene.Bounds(window);
            var footprint = GeometryFactory.Default.ToGeometry(new Envelope(b.MinX - clearance, b.MaxX + clearance, b.MinY - clearance, b.MaxY + clearance));
            if (scene.Touches(footprint)) continue;
            planned.Add((window, ChipKind.Unchanged, null));
            placed++;
        }
        counts.UnchangedShort += unchanged - placed;

        var chips = new List<TrainingChip>(planned.Count);
        foreach (var (window, kind, polygon) in planned)
        {
            var bounds = scene.Bounds(window);
            var m = scene.Metres;
            if (split.Of(new(bounds.MinX * m, bounds.MinY * m, bounds.MaxX * m, bounds.MaxY * m)) is not { } part)
            {
                counts.Straddling++;
                continue;
            }
            chips.Add(new TrainingChip(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{scene.Job.Key}_{chips.Count:D5}"),
                scene.Job.Key, window, bounds, kind, part)
            { Polygon = polygon });
        }
        return chips;
    }

    // A chip's window centred as near (cx, cy) as the grid allows: kept whole inside it.
    private static PixelWindow Centred(PixelGrid grid, double cx, double cy, int size)
    {
        var x = (int)Math.Round(cx - size / 2.0);
        var y = (int)Math.Round(cy - size / 2.0);
        return new PixelWindow(Math.Clamp(x, 0, grid.Width - size), Math.Clamp(y, 0, grid.Height - size), size, size);
    }

    // The seed of a scene's random numbers: the run's seed and the scene key (FNV-1a), stable across runs and machines.
    private static int SceneSeed(long seed, string key)
    {
        var h = 14695981039346656037UL ^ (ulong)seed;
        foreach (var c in key)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        return (int)(h ^ (h >> 32));
    }
}
