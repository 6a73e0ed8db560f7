using System.Diagnostics;
using System.Globalization;
using NetTopologySuite.Geometries;
using WeiPian.Engine.Alignment;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Tiling;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// One recheck: earlier polygons on the newest image (and the reference). The constructor checks the inputs and plans,
/// per polygon, the window it and its margin cover and the model tiles that window needs; <see cref="Execute"/> runs
/// the model over those tiles only, tile row by tile row from the top, and judges each polygon as soon as its last
/// tile row is done, so results stream out and only the tiles of polygons still open are held.
/// </summary>
/// <remarks>
/// The tiles are those of a whole-scene detection over the same region (<see cref="TileGrid"/> from the region's
/// top-left corner, the model's tile and halo, reflect padding at the edges), each fed exactly the same input, so every
/// class a recheck sees equals the whole-scene run's.
/// </remarks>
internal sealed class RecheckRun : IDisposable
{
    private static readonly BandRole[] IndexRoles = [BandRole.Blue, BandRole.Green, BandRole.Red, BandRole.Nir];

    private readonly ChangeModel? _model;
    private readonly RecheckOptions _options;
    private readonly Scene _newest;
    private readonly Scene? _reference;
    private readonly PixelWindow _regionNewest;
    private readonly PixelWindow _regionReference;
    private readonly int[] _modelBandsNewest = [];
    private readonly int[] _modelBandsReference = [];
    private readonly int[] _readNewest;      // bands read per polygon: B, G, R, NIR first, then any other model band
    private readonly int[] _readReference = [];
    private readonly PolygonPlan[] _plans;

    public RecheckRun(ChangeModel? model, IReadOnlyList<EarlierPolygon>? polygons, string? polygonsPath, RecheckImages images, RecheckOptions options)
    {
        options.Validate();
        _options = options;
        if (!File.Exists(images.Newest) && !Directory.Exists(images.Newest))
            throw new FileNotFoundException($"Newest image '{images.Newest}' does not exist.", images.Newest);
        if (images.Reference is { } refPath && !File.Exists(refPath) && !Directory.Exists(refPath))
            throw new FileNotFoundException($"Reference image '{refPath}' does not exist.", refPath);
        if (images.Reference is not null && model is null)
            throw new InputException("A reference image is compared with the newest by a change model: give a model, or leave out the reference to judge by indices alone.");
        try
        {
            if (images.Reference is { } referencePath)
            {
                var aligned = AlignedPair.Open(new ScenePair(images.Newest, referencePath) { Bands = images.Bands, Align = images.Align }, null);
                (_newest, _reference, _regionNewest, _regionReference) = (aligned.First, aligned.Second, aligned.RegionFirst, aligned.RegionSecond);
                _model = model;
            }
            else
            {
                _newest = Scene.Open(images.Newest, images.Bands);
                _regionNewest = _newest.Grid.Extent;
            }
            Grid = _newest.Grid.Subgrid(_regionNewest);
            Crs = Grid.Crs ?? throw new PixelGridException($"'{images.Newest}' has no CRS; areas and polygon positions need one.");
            if (!Crs.IsProjected)
                throw new PixelGridException(
                    $"'{images.Newest}' is in a geographic CRS ({Crs}); areas need a projected CRS in metres, e.g. CGCS2000 / 3-degree Gauss-Kruger (EPSG:4513-4554). Reproject it with gdalwarp first.");
            var indexNewest = IndexRoles.Select(_newest.BandOf).ToArray();
            if (_model is not null)
            {
                _modelBandsNewest = _model.Card.BindBands(_newest.BandRoles, images.Newest);
                _modelBandsReference = _model.Card.BindBands(_reference!.BandRoles, images.Reference!);
                Tiles = new TileGrid(_regionNewest.Width, _regionNewest.Height, _model.TileSize, _model.Halo);
                Radiometry = RadiometryPlan.Prepare(_model.Card, _reference, _regionReference, _modelBandsReference, _newest, _regionNewest, _modelBandsNewest, options.Radiometry);
                _readReference = [.. IndexRoles.Select(_reference.BandOf).Union(_modelBandsReference)];
            }
            _readNewest = [.. indexNewest.Union(_modelBandsNewest)];
            NewestDate = Yyyymmdd(_newest.DateOrRefuse(images.NewestDate, nameof(images.NewestDate), "newest"));
            ReferenceDate = _reference is null ? "" : Yyyymmdd(_reference.DateOrRefuse(images.ReferenceDate, nameof(images.ReferenceDate), "reference"));
            NewestId = images.NewestId ?? _newest.SceneId;
            Method = _model is null ? "indices" : $"{_model.Card.Name}@{_model.Card.Version}";
            Polygons = polygons ?? EarlierPolygon.Read(polygonsPath ?? throw new ArgumentNullException(nameof(polygonsPath)), Crs, options);
            _plans = PolygonPlan.For(Polygons, Grid, Tiles, options.MarginMetres, out var tilesNeeded);
            TilesPlanned = Tiles is null ? 0 : options.WholeScene ? Tiles.TileCount : tilesNeeded;
        }
        catch
        {
            _newest?.Dispose();
            _reference?.Dispose();
            throw;
        }
    }

    /// <summary>The grid judged on: the part of the newest image the reference also covers.</summary>
    public PixelGrid Grid { get; }

    /// <summary>The images' CRS.</summary>
    public SpatialReference Crs { get; }

    /// <summary>The whole-scene tile grid over <see cref="Grid"/>; null when judging by indices alone.</summary>
    public TileGrid? Tiles { get; }

    /// <summary>Each date's scaling onto the model (before = the reference); null without a model.</summary>
    public RadiometryPlan? Radiometry { get; }

    /// <summary>The polygons, in the images' CRS.</summary>
    public IReadOnlyList<EarlierPolygon> Polygons { get; }

    public string NewestDate { get; }
    public string ReferenceDate { get; }
    public string NewestId { get; }
    public string Method { get; }

    /// <summary>Tiles the run will feed the model: those covering the polygons and margins (every tile with <see cref="RecheckOptions.WholeScene"/>).</summary>
    public long TilesPlanned { get; }

    /// <summary>Tiles fed to the model so far.</summary>
    public long TilesRun { get; private set; }

    /// <summary>Time spent in the model's runs.</summary>
    public TimeSpan ModelTime { get; private set; }

    /// <summary>Time spent reading and scaling tiles and classifying the model's output.</summary>
    public TimeSpan TileTime { get; private set; }

    /// <summary>Time spent judging polygons (reading their windows, burning masks, counting).</summary>
    public TimeSpan JudgeTime { get; private set; }

    /// <summary>Runs the model over the planned tiles and hands each polygon's result to <paramref name="emit"/> as soon as it is judged.</summary>
    public void Execute(Action<RecheckResult> emit, IProgress<RecheckProgress>? progress, CancellationToken ct)
    {
        long judged = 0;
        void Emit(PolygonPlan p, Dictionary<(int, int), byte[]>? cache)
        {
            var start = Stopwatch.GetTimestamp();
            var result = Judge(p, cache);
            JudgeTime += Stopwatch.GetElapsedTime(start);
            emit(result);
            progress?.Report(new RecheckProgress(RecheckStage.Polygons, ++judged, _plans.Length));
        }

        // Polygons that need no tile (indices alone, or wholly outside the image) first, in input order.
        foreach (var p in _plans.Where(p => !p.HasTiles))
        {
            ct.ThrowIfCancellationRequested();
            Emit(p, null);
        }
        if (_model is null || Tiles is null) return;

        var tiles = Tiles;
        var byStart = _plans.Where(p => p.HasTiles).OrderBy(p => p.Row0).ThenBy(p => p.Index).ToArray();
        var open = new List<PolygonPlan>();
        var cache = new Dictionary<(int, int), byte[]>();
        // The detector's reader, one tile per chunk: the tiles a recheck needs are scattered, and read this way each
        // is the same reflect-padded window a whole-scene detection feeds the model, so the classes agree.
        var oneAtATime = new TileGrid(tiles.Width, tiles.Height, tiles.Tile, tiles.Halo, chunkTiles: 1);
        var readNewest = StripReaders.For(_newest, _regionNewest, _modelBandsNewest, oneAtATime, slots: 1);
        var readReference = StripReaders.For(_reference!, _regionReference, _modelBandsReference, oneAtATime, slots: 1);
        var (scaleReference, scaleNewest) = (Radiometry!.Before, Radiometry.After);
        var classifier = new TileClassifier(_model.Card.Output, _model.Card.ClassCount, tiles.Tile);
        var plane = tiles.Tile * tiles.Tile;
        var wanted = new bool[tiles.Columns];
        var columns = new List<int>(tiles.Columns);
        var next = 0;
        progress?.Report(new RecheckProgress(RecheckStage.Inference, 0, TilesPlanned));
        for (var row = 0; row < tiles.Rows; row++)
        {
            ct.ThrowIfCancellationRequested();
            while (next < byStart.Length && byStart[next].Row0 == row) open.Add(byStart[next++]);
            if (open.Count == 0 && !_options.WholeScene)
            {
                if (next == byStart.Length) break;
                row = byStart[next].Row0 - 1;   // skip rows no polygon needs
                continue;
            }
            Array.Clear(wanted);
            foreach (var p in open)
                for (var col = p.Col0; col <= p.Col1; col++) wanted[col] = true;
            columns.Clear();
            for (var col = 0; col < tiles.Columns; col++)
                if (wanted[col] || _options.WholeScene) columns.Add(col);

            for (var i0 = 0; i0 < columns.Count; i0 += _model.BatchSize)
            {
                ct.ThrowIfCancellationRequested();
                var n = Math.Min(_model.BatchSize, columns.Count - i0);
                var read = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    var column = columns[i0 + i];
                    readReference.Read(row, chunk: column, slot: 0);
                    readNewest.Read(row, chunk: column, slot: 0);
                    var before = _model.BeforeTile(i);
                    var after = _model.AfterTile(i);
                    for (var b = 0; b < _modelBandsNewest.Length; b++)
                    {
                        readReference.ScaleTile(0, column, b, before.Slice(b * plane, plane),
                            scaleReference.Low[b], scaleReference.High[b], scaleReference.Multiplier[b], scaleReference.Offset[b]);
                        readNewest.ScaleTile(0, column, b, after.Slice(b * plane, plane), scaleNewest.Low[b], scaleNewest.High[b], scaleNewest.Multiplier[b], scaleNewest.Offset[b]);
                    }
                }
                var start = Stopwatch.GetTimestamp();
                TileTime += Stopwatch.GetElapsedTime(read, start);
                _model.Run(n);
                ModelTime += Stopwatch.GetElapsedTime(start);
                start = Stopwatch.GetTimestamp();
                for (var i = 0; i < n; i++)
                {
                    var col = columns[i0 + i];
                    classifier.Classify(_model.OutputTile(i));
                    if (wanted[col]) cache[(col, row)] = Core(classifier, tiles, col, row);
                }
                TileTime += Stopwatch.GetElapsedTime(start);
                TilesRun += n;
                progress?.Report(new RecheckProgress(RecheckStage.Inference, TilesRun, TilesPlanned));
            }

            // Judge the polygons whose last tile row this was, then forget tile rows no open polygon reaches.
            foreach (var p in open.Where(p => p.Row1 == row).OrderBy(p => p.Index).ToList())
            {
                ct.ThrowIfCancellationRequested();
                Emit(p, cache);
                open.Remove(p);
            }
            var keepFrom = open.Count == 0 ? row + 1 : open.Min(p => p.Row0);
            foreach (var key in cache.Keys.Where(k => k.Item2 < keepFrom).ToList()) cache.Remove(key);
        }
    }

    // The kept centre of a classified tile, Kept x Kept with stride Kept (clipped tiles leave the rest 0).
    private static byte[] Core(TileClassifier classifier, TileGrid tiles, int col, int row)
    {
        var core = tiles.Core(col, row);
        var kept = tiles.Kept;
        var classes = new byte[kept * kept];
        for (var r = 0; r < core.Height; r++)
            classifier.Classes.AsSpan((tiles.Halo + r) * tiles.Tile + tiles.Halo, core.Width).CopyTo(classes.AsSpan(r * kept, core.Width));
        return classes;
    }

    private RecheckResult Judge(PolygonPlan plan, Dictionary<(int, int), byte[]>? cache)
    {
        var polygon = Polygons[plan.Index];
        var geometry = polygon.Geometry;
        var unit2 = Crs.LinearUnitMetres * Crs.LinearUnitMetres;
        var classCount = _model?.Card.ClassCount ?? 1;
        var classCounts = new long[classCount];
        long inside = 0, obscured = 0, visible = 0, vegetation = 0, cultivated = 0, water = 0, back = 0, still = 0, ringVisible = 0, ringChanged = 0;
        double ndviSum = 0;
        var outside = CountOutside(geometry, plan.Full);

        var ctx = plan.Context;
        if (!ctx.IsEmpty)
        {
            var n = (int)ctx.PixelCount;
            var transform = Grid.Transform.Offset(ctx.X, ctx.Y);
            var mask = new byte[n];
            PolygonRasterizer.Burn(geometry, transform, ctx.Width, ctx.Height, mask);
            var ring = new byte[n];
            if (_model is not null && _options.MarginMetres > 0)
                PolygonRasterizer.Burn(geometry.Buffer(_options.MarginMetres), transform, ctx.Width, ctx.Height, ring);
            var newest = JudgedBands.Read(_newest, _readNewest, ctx.Translate(_regionNewest.X, _regionNewest.Y));
            var reference = _reference is null ? null : JudgedBands.Read(_reference, _readReference, ctx.Translate(_regionReference.X, _regionReference.Y));
            var kept = Tiles?.Kept ?? 1;
            for (var r = 0; r < ctx.Height; r++)
                for (var c = 0; c < ctx.Width; c++)
                {
                    var i = r * ctx.Width + c;
                    var inPolygon = mask[i] != 0;
                    if (!inPolygon && ring[i] == 0) continue;
                    var coverNow = newest.Cover(i, _options);
                    var coverThen = reference?.Cover(i, _options) ?? GroundCover.NoData;
                    var valid = coverNow != GroundCover.NoData && newest.Valid(i)
                                && (reference is null || (coverThen != GroundCover.NoData && reference.Valid(i)));
                    int cls = 0;
                    if (valid && cache is not null)
                    {
                        int x = ctx.X + c, y = ctx.Y + r;
                        cls = cache[(x / kept, y / kept)][(y % kept) * kept + x % kept];
                    }
                    if (!inPolygon)
                    {
                        if (!valid) continue;
                        ringVisible++;
                        if (cls != 0) ringChanged++;
                        continue;
                    }
                    inside++;
                    if (!valid) { obscured++; continue; }
                    visible++;
                    classCounts[cls]++;
                    if (coverNow == GroundCover.Vegetation) vegetation++;
                    if (coverNow is GroundCover.Vegetation or GroundCover.Soil) cultivated++;
                    if (coverNow == GroundCover.Water) water++;
                    var isBack = GroundCovers.IsBack(coverNow, coverThen);
                    if (isBack) back++;
                    if (cls != 0 || !isBack) still++;
                    ndviSum += GroundCovers.Ndvi(newest.Plane(2)[i], newest.Plane(3)[i]);
                }
        }

        var pixels = inside + outside;
        var obscuredShare = pixels == 0 ? 1 : (double)(obscured + outside) / pixels;
        double Share(long count) => visible == 0 ? double.NaN : (double)count / visible;
        var backShare = Share(back);
        var basis = _model is null ? RecheckBasis.Indices : RecheckBasis.Model;
        var changedShare = Share(still);
        var shares = _model is null
            ? []
            : _model.Card.Classes.Skip(1).Select(k => new ClassShare(k.Id, k.Name, k.Tblx, Share(classCounts[k.Id]))).ToList();
        return new RecheckResult
        {
            Polygon = polygon,
            Verdict = RecheckVerdicts.Decide(pixels, obscuredShare, changedShare, _options),
            Basis = basis,
            NewestDate = NewestDate,
            NewestId = NewestId,
            ReferenceDate = ReferenceDate,
            Area = geometry.Area * unit2,
            Pixels = pixels,
            ObscuredShare = obscuredShare,
            ChangedShare = changedShare,
            ClassShares = shares,
            ModelRestoredShare = basis == RecheckBasis.Model ? Share(classCounts[0]) : double.NaN,
            VegetationShare = Share(vegetation),
            CultivatedShare = Share(cultivated),
            WaterShare = Share(water),
            BackShare = backShare,
            MeanNdvi = visible == 0 ? double.NaN : ndviSum / visible,
            MarginChangedShare = ringVisible == 0 ? double.NaN : (double)ringChanged / ringVisible,
            Method = Method,
        };
    }

    // Pixel centres of the polygon that fall outside the judged region (no imagery there), counted in strips.
    private long CountOutside(Geometry geometry, PixelWindow full)
    {
        if (Grid.Extent.Contains(full)) return 0;
        long count = 0;
        const int rows = 256;
        var buffer = new byte[Math.Max(1, full.Width) * rows];
        for (var y0 = full.Y; y0 < full.Bottom; y0 += rows)
        {
            var h = Math.Min(rows, full.Bottom - y0);
            var span = buffer.AsSpan(0, full.Width * h);
            span.Clear();
            PolygonRasterizer.Burn(geometry, Grid.Transform.Offset(full.X, y0), full.Width, h, span);
            for (var r = 0; r < h; r++)
                for (var c = 0; c < full.Width; c++)
                {
                    if (span[r * full.Width + c] == 0) continue;
                    int x = full.X + c, y = y0 + r;
                    if (x < 0 || y < 0 || x >= Grid.Width || y >= Grid.Height) count++;
                }
        }
        return count;
    }

    private static string Yyyymmdd(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _newest.Dispose();
        _reference?.Dispose();
    }
}
