using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Training;

/// <summary>
/// One scene pair of a training export opened for reading chips: both dates on one grid (the manifest's <c>align</c>
/// warps the after date onto the before date's grid), the card's bands in each, and the verified polygons that meet it,
/// reprojected into its CRS.
/// </summary>
internal sealed class TrainingScene : IDisposable
{
    private readonly STRtree<int> _index = new();

    private TrainingScene(SceneJob job, AlignedPair pair, int[] beforeBands, int[] afterBands, List<VerifiedPolygon> polygons, List<int> sourceIndex)
    {
        Job = job;
        Pair = pair;
        Grid = pair.Grid;
        BeforeBands = beforeBands;
        AfterBands = afterBands;
        Polygons = polygons;
        SourceIndex = sourceIndex;
        for (var i = 0; i < polygons.Count; i++) _index.Insert(polygons[i].Geometry.EnvelopeInternal, i);
        _index.Build();
    }

    /// <summary>The manifest row.</summary>
    public SceneJob Job { get; }

    /// <summary>Both dates on one grid.</summary>
    public AlignedPair Pair { get; }

    /// <summary>The processing grid: chips' windows are in its pixels.</summary>
    public PixelGrid Grid { get; }

    /// <summary>Metres per unit of the grid's CRS.</summary>
    public double Metres => Grid.Crs!.LinearUnitMetres;

    /// <summary>The before date's band numbers of the card's bands, in card order.</summary>
    public int[] BeforeBands { get; }

    /// <summary>The after date's band numbers of the card's bands, in card order.</summary>
    public int[] AfterBands { get; }

    /// <summary>The verified polygons that meet the scene, in its CRS, in source order.</summary>
    public List<VerifiedPolygon> Polygons { get; }

    /// <summary>For each of <see cref="Polygons"/>, its index in the source.</summary>
    public List<int> SourceIndex { get; }

    /// <summary>Opens the pair and gathers the polygons that meet it.</summary>
    /// <exception cref="InputException">The dates are not on one grid (and the row does not align them), the CRS is not
    /// projected, the scene is smaller than a chip, or a date lacks a band the card needs.</exception>
    public static TrainingScene Open(SceneJob job, VerifiedPolygons polygons, ModelCard card, TrainingOptions options)
    {
        var pair = AlignedPair.Open(job.ToScenePair() with { Bands = job.Bands ?? options.Bands }, modelGsd: null);
        try
        {
            var grid = pair.Grid;
            if (grid.Crs is not { IsProjected: true } crs)
                throw new InputException($"'{job.Before}' is not in a projected CRS ({grid.Crs?.ToString() ?? "none"}); the geographic split needs blocks in metres.");
            if (grid.Width < options.ChipSize || grid.Height < options.ChipSize)
                throw new InputException(string.Create(CultureInfo.InvariantCulture,
                    $"Scene '{job.Key}' ('{job.Before}') is {grid.Width} x {grid.Height} px where both dates lie, smaller than a chip of {options.ChipSize} px."))
                {
                    Setting = nameof(TrainingOptions.ChipSize),
                };
            var before = card.BindBands(pair.First.BandRoles, pair.First.Path);
            var after = card.BindBands(pair.Second.BandRoles, pair.Second.Path);
            var (inScene, sourceIndex) = Gather(polygons, grid, crs);
            return new TrainingScene(job, pair, before, after, inScene, sourceIndex);
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Indexes into <see cref="Polygons"/> of those whose envelope meets <paramref name="box"/>, in source order.</summary>
    public List<int> Near(Envelope box)
    {
        var found = _index.Query(box).ToList();
        found.Sort();
        return found;
    }

    /// <summary>True when a verified polygon meets <paramref name="area"/>.</summary>
    public bool Touches(Geometry area) => _index.Query(area.EnvelopeInternal).Any(i => Polygons[i].Geometry.Intersects(area));

    /// <summary>The ground rectangle of a window of the grid, in its CRS.</summary>
    public BoundingBox Bounds(PixelWindow window)
    {
        var (x0, y0) = Grid.Transform.PixelToWorld(window.X, window.Y);
        var (x1, y1) = Grid.Transform.PixelToWorld(window.Right, window.Bottom);
        return new BoundingBox(Math.Min(x0, x1), Math.Min(y0, y1), Math.Max(x0, x1), Math.Max(y0, y1));
    }

    // The polygons whose envelope meets the grid's footprint (compared in the polygons' CRS, so only those are reprojected).
    private static (List<VerifiedPolygon>, List<int>) Gather(VerifiedPolygons source, PixelGrid grid, SpatialReference crs)
    {
        using var toScene = source.Crs.IsSame(crs) ? null : new CoordinateTransform(source.Crs, crs);
        using var toSource = toScene is null ? null : new CoordinateTransform(crs, source.Crs);
        var b = toSource is null ? grid.Bounds : Reprojection.Apply(grid.Bounds, toSource);
        var footprint = new Envelope(b.MinX, b.MaxX, b.MinY, b.MaxY);
        var sceneBox = new Envelope(grid.Bounds.MinX, grid.Bounds.MaxX, grid.Bounds.MinY, grid.Bounds.MaxY);
        var sceneArea = GeometryFactory.Default.ToGeometry(sceneBox);
        var list = new List<VerifiedPolygon>();
        var index = new List<int>();
        for (var i = 0; i < source.Polygons.Count; i++)
        {
            var p = source.Polygons[i];
            if (!p.Geometry.EnvelopeInternal.Intersects(footprint)) continue;
            var g = toScene is null ? p.Geometry : Reprojection.Apply(p.Geometry, toScene);
            if (!g.IsValid) g = g.Buffer(0);
            if (g.IsEmpty || !g.EnvelopeInternal.Intersects(sceneBox) || !g.Intersects(sceneArea)) continue;
            list.Add(p with { Geometry = g });
            index.Add(i);
        }
        return (list, index);
    }

    /// <inheritdoc />
    public void Dispose() => Pair.Dispose();
}
