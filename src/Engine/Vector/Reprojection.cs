using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Vector;

/// <summary>
/// Bringing vector data read through OGR into the scene's CRS: geometries and boxes reprojected with a GDAL
/// <see cref="CoordinateTransform"/>, and a feature's polygon read, reprojected and repaired in one step.
/// </summary>
internal static class Reprojection
{
    /// <summary>A copy of <paramref name="geometry"/> with every coordinate transformed.</summary>
    public static Geometry Apply(Geometry geometry, CoordinateTransform transform)
    {
        var copy = geometry.Copy();
        copy.Apply(new CoordinateFilter(transform));
        copy.GeometryChanged();
        return copy;
    }

    /// <summary>The bounding box of <paramref name="box"/>'s image under <paramref name="transform"/>.</summary>
    public static BoundingBox Apply(BoundingBox box, CoordinateTransform transform)
    {
        // Densify the edges: a rectangle's image under a projection change is not a rectangle.
        const int steps = 8;
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i <= steps; i++)
            for (var j = 0; j <= steps; j++)
            {
                if (i != 0 && i != steps && j != 0 && j != steps) continue;
                var (x, y) = transform.Transform(box.MinX + box.Width * i / steps, box.MinY + box.Height * j / steps);
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); minY = Math.Min(minY, y); maxY = Math.Max(maxY, y);
            }
        return new BoundingBox(minX, minY, maxX, maxY);
    }

    /// <summary>
    /// A feature's polygon from its WKB, in the scene's CRS (<paramref name="toScene"/> null when the layer already is);
    /// invalid rings (self-touching rings are common in survey data) repaired rather than left to fail an overlay;
    /// null when nothing with an area remains.
    /// </summary>
    /// <exception cref="ParseException">The WKB cannot be read.</exception>
    public static Geometry? ReadSurface(WKBReader reader, byte[] wkb, CoordinateTransform? toScene)
    {
        var g = reader.Read(wkb);
        if (toScene is not null) g = Apply(g, toScene);
        if (!g.IsValid) g = g.Buffer(0);
        return g.IsEmpty || g.Dimension != Dimension.Surface ? null : g;
    }

    private sealed class CoordinateFilter(CoordinateTransform t) : ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq, int i)
        {
            var (x, y) = t.Transform(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
