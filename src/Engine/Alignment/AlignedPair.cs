using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Alignment;

/// <summary>
/// Two dates opened on one processing grid, ready to be read window by window: as they are when they share a grid; with
/// <see cref="ScenePair.Align"/> the second warped onto the first's grid over their overlap; with
/// <see cref="ScenePair.ResampleToModel"/> both warped to the model's GSD (each date by <see cref="Scene.ResamplingOnto"/>:
/// cubic, or nearest neighbour for a date magnified twofold or more); with <see cref="ScenePair.Coregister"/> the
/// second read shifted back by the residual shift measured between them.
/// </summary>
internal sealed class AlignedPair : IDisposable
{
    /// <summary>Relative difference between the scene's and the card's GSD beyond which the model is not run as it is.</summary>
    public const double GsdTolerance = 0.10;

    // The resampling that reads the second date onto the processing grid, kept for a corrected re-read by Register.
    private readonly string _secondResampling;

    private AlignedPair(Scene first, PixelWindow regionFirst, Scene second, PixelWindow regionSecond, string secondResampling)
    {
        _secondResampling = secondResampling;
        First = first;
        RegionFirst = regionFirst;
        Second = second;
        RegionSecond = regionSecond;
    }

    /// <summary>The date whose grid the pair is processed on (the before date; recheck's newest image).</summary>
    public Scene First { get; }

    /// <summary>The processed pixels in <see cref="First"/>.</summary>
    public PixelWindow RegionFirst { get; }

    /// <summary>The other date, on <see cref="First"/>'s grid or warped onto it.</summary>
    public Scene Second { get; private set; }

    /// <summary>The same pixels in <see cref="Second"/>.</summary>
    public PixelWindow RegionSecond { get; private set; }

    /// <summary>The processing grid: <see cref="RegionFirst"/> of <see cref="First"/>.</summary>
    public PixelGrid Grid => First.Grid.Subgrid(RegionFirst);

    /// <summary>The residual shift measured by <see cref="Register(ScenePair)"/> on the processing grid; null before, or when it could not be measured.</summary>
    public Coregistration? Registration { get; private set; }

    /// <summary>Opens both dates on one grid as <paramref name="pair"/>'s settings say; see the type's summary.</summary>
    /// <param name="pair">The files, band roles and the grid settings.</param>
    /// <param name="modelGsd">The GSD the model was trained at, in metres (the card's <c>input.gsd</c>); null for any.</param>
    /// <exception cref="PixelGridException">The grids differ and <see cref="ScenePair.Align"/> is off, or the dates do not overlap.</exception>
    /// <exception cref="InputException">The scene's GSD is not the model's and <see cref="ScenePair.ResampleToModel"/> is off.</exception>
    public static AlignedPair Open(ScenePair pair, double? modelGsd)
    {
        Scene? first = null, second = null;
        try
        {
            first = Scene.Open(pair.Before, pair.Bands);
            second = Scene.Open(pair.After, pair.Bands);
            var pixelSize = ProcessingPixelSize(first, pair, modelGsd);
            var grids = first.Grid.Compare(second.Grid);
            PixelWindow regionFirst, regionSecond;
            var secondResampling = Scene.ResamplingOnto(second.Grid, first.Grid);
            if (pixelSize is null && grids.IsCompatible)
                (regionFirst, regionSecond) = (grids.OverlapInFirst!.Value, grids.OverlapInSecond!.Value);
            else
            {
                if (!grids.IsCompatible && !pair.Align) first.Grid.EnsureCompatible(second.Grid, pair.Before, pair.After);
                var target = Overlap(first, second, pixelSize ?? first.Grid.PixelSizeX, pixelSize ?? first.Grid.PixelSizeY);
                if (pixelSize is not null)
                    first = Replaced(first, Scene.OpenWarped(pair.Before, target, first.BandRoles, Scene.ResamplingOnto(first.Grid, target)));
                regionFirst = pixelSize is null ? Window(first.Grid, target) : target.Extent;
                secondResampling = Scene.ResamplingOnto(second.Grid, target);
                second = Replaced(second, Scene.OpenWarped(pair.After, target, second.BandRoles, secondResampling));
                regionSecond = target.Extent;
            }
            return new AlignedPair(first, regionFirst, second, regionSecond, secondResampling);
        }
        catch
        {
            first?.Dispose();
            second?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Measures the residual shift between the dates (<see cref="Registration"/>) and, with
    /// <see cref="ScenePair.Coregister"/>, reads <see cref="Second"/> shifted back by it when the blocks agree on it
    /// (<see cref="Coregistration.IsGlobal"/>). It reads blocks of both dates:
    /// call it after every check of the inputs, so that bad input is refused before any work.
    /// </summary>
    public void Register(ScenePair pair) => Follow(pair, CoregistrationCheck.Measure(First, RegionFirst, Second, RegionSecond));

    /// <summary>
    /// Takes the residual shift <see cref="Register"/> measured on another opening of the same pair, and reads
    /// <see cref="Second"/> as that opening does: shifted back by it with <see cref="ScenePair.Coregister"/>, where the
    /// blocks agree on it. For a reader of its own (the cloud screen's), so that it sees the pixels the model sees.
    /// </summary>
    internal void Follow(ScenePair pair, Coregistration? registration)
    {
        if (pair.Coregister && registration is { IsGlobal: true } shift)
        {
            var grid = Grid;
            Second = Replaced(Second, Scene.OpenWarped(pair.After, grid, Second.BandRoles, _secondResampling, (shift.Columns, shift.Rows)));
            RegionSecond = grid.Extent;
            registration = shift with { Corrected = true };
        }
        Registration = registration;
    }

    private static Scene Replaced(Scene scene, Scene by)
    {
        scene.Dispose();
        return by;
    }

    // The pixel size to process at when it is not the first date's own: the card's GSD in CRS units, when the scene's
    // differs from it by more than the tolerance and resampling was asked for.
    private static double? ProcessingPixelSize(Scene first, ScenePair pair, double? modelGsd)
    {
        if (modelGsd is not { } model || first.Grid.Crs is not { IsProjected: true } crs) return null;
        var metres = crs.LinearUnitMetres;
        var gsd = first.Grid.PixelSizeX * metres;
        if (Math.Abs(gsd - model) <= GsdTolerance * model) return null;
        if (!pair.ResampleToModel)
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"'{pair.Before}' has a ground sample distance of {gsd:0.###} m but the model was trained at {model:0.###} m (its card's input.gsd), more than {GsdTolerance:P0} apart: objects would not have the sizes it knows. Resample the pair to the model's GSD."))
            {
                Setting = nameof(ScenePair.ResampleToModel),
            };
        return model / metres;
    }

    // The grid to process on: the first date's origin and CRS at the given pixel size, over the pixels whose whole
    // footprint lies in both dates.
    private static PixelGrid Overlap(Scene first, Scene second, double sizeX, double sizeY)
    {
        var crs = first.Grid.Crs ?? throw new PixelGridException($"'{first.Path}' has no CRS; the other date cannot be warped onto its grid.");
        if (second.Grid.Crs is null) throw new PixelGridException($"'{second.Path}' has no CRS; it cannot be warped onto the grid of '{first.Path}'.");
        var a = first.Grid.Bounds;
        var b = InnerBounds(second.Grid, crs);
        double left = Math.Max(a.MinX, b.MinX), right = Math.Min(a.MaxX, b.MaxX), bottom = Math.Max(a.MinY, b.MinY), top = Math.Min(a.MaxY, b.MaxY);
        var t = first.Grid.Transform;
        if (t.PixelHeight > 0) throw new PixelGridException($"'{first.Path}' has rows running south (a positive pixel height); the engine aligns onto north-up grids.");
        const double snap = 1e-6;
        var c0 = Math.Ceiling((left - t.OriginX) / sizeX - snap);
        var c1 = Math.Floor((right - t.OriginX) / sizeX + snap);
        var r0 = Math.Ceiling((t.OriginY - top) / sizeY - snap);
        var r1 = Math.Floor((t.OriginY - bottom) / sizeY + snap);
        if (c1 - c0 < 1 || r1 - r0 < 1)
            throw new PixelGridException($"'{first.Path}' and '{second.Path}' do not overlap: there is no pixel both dates cover.");
        var transform = GeoTransform.NorthUp(t.OriginX + c0 * sizeX, t.OriginY - r0 * sizeY, sizeX) with { PixelHeight = -sizeY };
        return new PixelGrid((int)(c1 - c0), (int)(r1 - r0), transform, crs);
    }

    // The largest north-up rectangle in the target CRS inside the grid's footprint: the grid's edges, sampled, carried into
    // the target CRS (a straight edge bends a little under another projection), each side taken at its innermost point.
    private static BoundingBox InnerBounds(PixelGrid grid, SpatialReference target)
    {
        const int samples = 16;
        var x = new double[4 * samples];
        var y = new double[4 * samples];
        for (var i = 0; i < samples; i++)
        {
            var f = (double)i / (samples - 1);
            (x[i], y[i]) = grid.Transform.PixelToWorld(0, f * grid.Height);                              // left
            (x[samples + i], y[samples + i]) = grid.Transform.PixelToWorld(grid.Width, f * grid.Height);  // right
            (x[2 * samples + i], y[2 * samples + i]) = grid.Transform.PixelToWorld(f * grid.Width, 0);    // top
            (x[3 * samples + i], y[3 * samples + i]) = grid.Transform.PixelToWorld(f * grid.Width, grid.Height); // bottom
        }
        if (!grid.Crs!.IsSame(target))
        {
            using var transform = new CoordinateTransform(grid.Crs, target);
            transform.Transform(x, y);
        }
        return new BoundingBox(x[..samples].Max(), y[(3 * samples)..].Max(), x[samples..(2 * samples)].Min(), y[(2 * samples)..(3 * samples)].Min());
    }

    // The target grid's pixels in the first date's own grid (same pixel size and alignment).
    private static PixelWindow Window(PixelGrid grid, PixelGrid target)
    {
        var (column, row) = grid.Transform.WorldToPixel(target.Transform.OriginX, target.Transform.OriginY);
        return new PixelWindow((int)Math.Round(column), (int)Math.Round(row), target.Width, target.Height);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        First.Dispose();
        Second.Dispose();
    }
}
