using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Masks;

/// <summary>
/// Pixels a user says are never change (cloud, shadow, a site already known), excluded exactly as nodata is: cleared
/// from the run's validity before the model, so a tile holding nothing else is not even run. Either a raster or a vector
/// layer:
/// <list type="bullet">
/// <item>a raster (anything GDAL reads) on the scene's pixel grid (the before or the after date's: same CRS and pixel
/// size, origins a whole number of pixels apart; it may cover less or more than the scene): band 1 nonzero excludes
/// the pixel; 0, NaN and the band's nodata value do not, nor do pixels the raster does not cover;</item>
/// <item>a vector layer (the first layer of any source GDAL opens, in any CRS, reprojected to the scene's): a pixel
/// whose centre a polygon holds is excluded (<see cref="PolygonRasterizer"/>, as gdal_rasterize).</item>
/// </list>
/// </summary>
internal abstract class ExclusionMask : IDisposable
{
    /// <summary>Clears <paramref name="valid"/> (row-major over <paramref name="window"/>, a window of the run's grid) where the mask excludes a pixel.</summary>
    public abstract void Exclude(PixelWindow window, Span<byte> valid);

    /// <inheritdoc />
    public virtual void Dispose() { }

    /// <summary>
    /// The masks a run applies besides nodata and farmland: <see cref="DetectionOptions.BeforeMask"/>,
    /// <see cref="DetectionOptions.AfterMask"/>, and the <see cref="CloudScreen"/> when <see cref="DetectionOptions.CloudScreen"/>
    /// says so or, left unset, the card does (<see cref="ModelCard.Clouds"/>). All opened and checked before any work.
    /// Where neither says, a pair that shows clouds is refused (<see cref="CloudCheck"/>).
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="card">The model's card: whether it asks for the cloud screen, and its full scale.</param>
    /// <param name="pair">The scene pair.</param>
    /// <param name="aligned">The dates as the run reads them; its grid is the run's (the overlap of the two dates, in the before date's pixels).</param>
    public static ExclusionMask[] ForRun(DetectionOptions options, ModelCard card, ScenePair pair, AlignedPair aligned)
    {
        var masks = new List<ExclusionMask>();
        var fullScale = card.Input.Scaling.Max.Max();
        try
        {
            if (options.BeforeMask is { } before) masks.Add(Open(before, aligned.Grid, nameof(options.BeforeMask)));
            if (options.AfterMask is { } after) masks.Add(Open(after, aligned.Grid, nameof(options.AfterMask)));
            if (options.CloudScreen ?? card.Clouds)
                masks.Add(new CloudScreen(pair, card.Input.Gsd, fullScale));
            else if (options.CloudScreen is null)
                CloudCheck.RefuseUnscreened(aligned.First, aligned.RegionFirst, aligned.Second, aligned.RegionSecond, fullScale);
        }
        catch
        {
            foreach (var mask in masks) mask.Dispose();
            throw;
        }
        return [.. masks];
    }

    /// <summary>Opens <paramref name="path"/> as a mask on <paramref name="grid"/> (the run's grid), checking it before any work.</summary>
    /// <param name="path">The raster or vector file.</param>
    /// <param name="grid">The run's grid: the overlap of the two dates, in the before date's pixels.</param>
    /// <param name="setting">The options property that named it, for messages.</param>
    /// <exception cref="InputException">Nothing there, neither a raster nor a vector layer, a raster on another grid, a layer without polygons or CRS.</exception>
    public static ExclusionMask Open(string path, PixelGrid grid, string setting)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new InputException($"Mask '{path}' does not exist.") { Setting = setting };
        // A GeoTIFF opens only as a raster and a Shapefile only as a vector source; a GeoPackage may hold either, and
        // its rasters come first (a raster mask is the exact one).
        RasterDataset? raster = null;
        try { raster = RasterDataset.Open(path); }
        catch (GdalException) { }
        if (raster is not null) return RasterMask.Open(raster, grid, setting);
        VectorDataset vector;
        try { vector = VectorDataset.Open(path); }
        catch (GdalException)
        {
            throw new InputException($"Mask '{path}' is neither a raster nor a vector layer GDAL reads.") { Setting = setting };
        }
        using (vector) return VectorMask.Read(vector, grid, setting);
    }

    private sealed class RasterMask(RasterDataset raster, PixelWindow inGrid, PixelWindow inMask, double? nodata) : ExclusionMask
    {
        private float[] _values = [];

        public static RasterMask Open(RasterDataset raster, PixelGrid grid, string setting)
        {
            try
            {
                if (!raster.HasGeoTransform)
                    throw new InputException($"Mask '{raster.Path}' has no georeferencing; a raster mask must lie on the scene's grid.") { Setting = setting };
                var own = new PixelGrid(raster.Width, raster.Height, raster.GeoTransform, raster.SpatialReference, raster.Path);
                var c = grid.Compare(own);
                if (!c.IsCompatible)
                    throw new InputException(
                        $"Mask '{raster.Path}' is not on the scene's pixel grid ({string.Join("; ", c.Differences)}); a raster mask must be on the before or the after date's grid, or give a vector layer.")
                    {
                        Setting = setting,
                    };
                return new RasterMask(raster, c.OverlapInFirst!.Value, c.OverlapInSecond!.Value, raster.NoData(1));
            }
            catch
            {
                raster.Dispose();
                throw;
            }
        }

        public override void Exclude(PixelWindow window, Span<byte> valid)
        {
            var part = window.Intersect(inGrid);
            if (part.IsEmpty) return;
            var n = (int)part.PixelCount;
            if (_values.Length < n) _values = new float[n];
            var values = _values.AsSpan(0, n);
            raster.Read(1, part.Translate(inMask.X - inGrid.X, inMask.Y - inGrid.Y), values);
            var nd = (float)(nodata ?? double.NaN);
            for (var r = 0; r < part.Height; r++)
            {
                var row = values.Slice(r * part.Width, part.Width);
                var dst = valid.Slice((part.Y - window.Y + r) * window.Width + part.X - window.X, part.Width);
                for (var i = 0; i < row.Length; i++)
                    if (row[i] != 0 && !float.IsNaN(row[i]) && row[i] != nd) dst[i] = 0;
            }
        }

        public override void Dispose() => raster.Dispose();
    }

    private sealed class VectorMask(STRtree<Geometry> polygons, GeoTransform transform) : ExclusionMask
    {
        private byte[] _burnt = [];

        public static VectorMask Read(VectorDataset source, PixelGrid grid, string setting)
        {
            var layer = source.Layer(0);
            if (layer.GeometryType is not (GeometryKind.Polygon or GeometryKind.MultiPolygon or GeometryKind.Unknown))
                throw new InputException($"Mask '{source.Path}': layer '{layer.Name}' holds {layer.GeometryType}, not polygons.") { Setting = setting };
            if (layer.SpatialReference is null)
                throw new InputException($"Mask '{source.Path}': layer '{layer.Name}' has no CRS; assign one (ogr2ogr -a_srs EPSG:NNNN).") { Setting = setting };
            var tree = new STRtree<Geometry>();
            foreach (var (_, g) in LandSurvey.ReadPolygons(layer, grid.Crs!, grid.Bounds, null, source.Path)) tree.Insert(g.EnvelopeInternal, g);
            tree.Build();
            return new VectorMask(tree, grid.Transform);
        }

        public override void Exclude(PixelWindow window, Span<byte> valid)
        {
            var n = (int)window.PixelCount;
            if (_burnt.Length < n) _burnt = new byte[n];
            var burnt = _burnt.AsSpan(0, n);
            burnt.Clear();
            var t = transform.Offset(window.X, window.Y);
            var (x0, y0) = t.PixelToWorld(0, 0);
            var (x1, y1) = t.PixelToWorld(window.Width, window.Height);
            foreach (var polygon in polygons.Query(new Envelope(x0, x1, y0, y1)))
                PolygonRasterizer.Burn(polygon, t, window.Width, window.Height, burnt);
            for (var i = 0; i < n; i++)
                if (burnt[i] != 0) valid[i] = 0;
        }
    }
}
