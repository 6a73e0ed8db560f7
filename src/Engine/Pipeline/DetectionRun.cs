using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tiling;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// One scene pair through the pipeline. The constructor checks everything that can be checked before work
/// (files, grids, bands against the model, survey, CRS) and throws on the first problem; <see cref="Infer"/>
/// then writes the masked class raster strip by strip and <see cref="Polygons"/> turns it into attributed 图斑.
/// </summary>
internal sealed class DetectionRun : IDisposable
{
    private readonly ChangeModel _model;
    private readonly DetectionOptions _options;
    private readonly Scene _before;
    private readonly Scene _after;
    private readonly PixelWindow _regionBefore;
    private readonly PixelWindow _regionAfter;
    private readonly int[] _bandsBefore;
    private readonly int[] _bandsAfter;
    private readonly LandSurvey? _survey;
    private readonly string _workDir;

    public DetectionRun(ChangeModel model, ScenePair pair, string? surveyPath, DetectionOptions options)
    {
        _model = model;
        _options = options;
        if (surveyPath is null && !options.AllLand)
            throw new ArgumentException("A land survey (DLTB) is needed to find farmland; give one, or report change on all land (AllLand / --all-land).");
        if (surveyPath is not null) LandSurvey.Validate(surveyPath, options.Survey);
        try
        {
            _before = Scene.Open(pair.Before, pair.Bands);
            _after = Scene.Open(pair.After, pair.Bands);
            var grids = _before.Grid.EnsureCompatible(_after.Grid, pair.Before, pair.After);
            _regionBefore = grids.OverlapInFirst!.Value;
            _regionAfter = grids.OverlapInSecond!.Value;
            Grid = _before.Grid.Subgrid(_regionBefore);
            Crs = Grid.Crs ?? throw new PixelGridException($"'{pair.Before}' has no CRS; areas and coordinates need one.");
            if (!Crs.IsProjected)
                throw new PixelGridException(
                    $"'{pair.Before}' is in a geographic CRS ({Crs}); areas need a projected CRS in metres, e.g. CGCS2000 / 3-degree Gauss-Kruger (EPSG:4513-4554). Reproject it with gdalwarp first.");
            _bandsBefore = model.Card.BindBands(_before.BandRoles, pair.Before);
            _bandsAfter = model.Card.BindBands(_after.BandRoles, pair.After);
            Tiles = new TileGrid(_regionBefore.Width, _regionBefore.Height, model.TileSize, model.Halo);
            _survey = surveyPath is null ? null : LandSurvey.Load(surveyPath, Crs, Grid.Bounds, options.Survey);
            BeforeDate = pair.BeforeDate ?? AcquisitionDate(_before);
            AfterDate = pair.AfterDate ?? AcquisitionDate(_after);
            BeforeId = pair.BeforeId ?? SceneId(_before);
            AfterId = pair.AfterId ?? SceneId(_after);
            _workDir = Path.Combine(options.TempDirectory ?? Path.GetTempPath(), "weipian-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(_workDir);
        }
        catch
        {
            _before?.Dispose();
            _after?.Dispose();
            throw;
        }
    }

    /// <summary>The output grid: the part of the before image that the after image also covers.</summary>
    public PixelGrid Grid { get; }

    /// <summary>The scene CRS.</summary>
    public SpatialReference Crs { get; }

    /// <summary>How the region is tiled.</summary>
    public TileGrid Tiles { get; }

    public DateOnly? BeforeDate { get; }
    public DateOnly? AfterDate { get; }
    public string BeforeId { get; }
    public string AfterId { get; }

    /// <summary>The masked class raster (band 1 class, band 2 confidence in percent), once <see cref="Infer"/> ran.</summary>
    public string ClassRasterPath => Path.Combine(_workDir, "class.tif");

    /// <summary>Pixels classified.</summary>
    public long Pixels => (long)Grid.Width * Grid.Height;

    /// <summary>Time per stage so far.</summary>
    public StageTimes Times { get; } = new();

    /// <summary>Reads, scales, runs the model and stitches tile row by tile row; masks nodata and (unless all land) non-farmland.</summary>
    public void Infer(IProgress<DetectionProgress>? progress, CancellationToken ct)
    {
        var tiles = Tiles;
        var readBefore = StripReaders.For(_before, _regionBefore, _bandsBefore, tiles);
        var readAfter = StripReaders.For(_after, _regionAfter, _bandsAfter, tiles);
        var scaling = _model.Card.Input.Scaling.Coefficients;
        var classifier = new TileClassifier(_model.Card.Output, _model.Card.ClassCount, tiles.Tile);
        var strip = new ClassStrip(tiles);
        var farmland = new byte[tiles.Kept * tiles.Width];
        var percent = new byte[tiles.Kept * tiles.Width];
        var plane = tiles.Tile * tiles.Tile;
        long done = 0;

        using (var raster = RasterDataset.CreateGeoTiff(ClassRasterPath, Grid.Width, Grid.Height, 2, RasterDataType.Byte,
                   new GeoTiffOptions { Level = 1, PixelInterleaved = false }))
        {
            raster.GeoTransform = Grid.Transform;
            raster.SpatialReference = Crs;
            raster.SetNoData(1, 0);
            raster.SetBandDescription(1, "change class");
            raster.SetBandDescription(2, "confidence (%)");
            for (var row = 0; row < tiles.Rows; row++)
            {
                ct.ThrowIfCancellationRequested();
                var t = StageTimes.Start();
                readBefore.Read(row);
                readAfter.Read(row);
                strip.Begin(row);
                readBefore.MarkNoData(strip.Window, strip.Valid);
                readAfter.MarkNoData(strip.Window, strip.Valid);
                t = Times.Add(StageTimes.Stage.Read, t);
                for (var c0 = 0; c0 < tiles.Columns; c0 += _model.BatchSize)
                {
                    ct.ThrowIfCancellationRequested();
                    var n = Math.Min(_model.BatchSize, tiles.Columns - c0);
                    for (var i = 0; i < n; i++)
                    {
                        var before = _model.BeforeTile(i);
                        var after = _model.AfterTile(i);
                        for (var b = 0; b < _bandsBefore.Length; b++)
                        {
                            float lo = scaling.Low[b], hi = scaling.High[b], a = scaling.Multiplier[b], c = scaling.Offset[b];
                            readBefore.ScaleTile(c0 + i, b, before.Slice(b * plane, plane), lo, hi, a, c);
                            readAfter.ScaleTile(c0 + i, b, after.Slice(b * plane, plane), lo, hi, a, c);
                        }
                    }
                    t = Times.Add(StageTimes.Stage.Scale, t);
                    _model.Run(n);
                    t = Times.Add(StageTimes.Stage.Model, t);
                    for (var i = 0; i < n; i++)
                    {
                        classifier.Classify(_model.OutputTile(i));
                        strip.Place(c0 + i, classifier);
                    }
                    t = Times.Add(StageTimes.Stage.Stitch, t);
                    done += n;
                    progress?.Report(new DetectionProgress(DetectionStage.Inference, done, tiles.TileCount));
                }
                if (!_options.AllLand) MaskFarmland(strip, farmland);
                strip.ApplyMask();
                var len = strip.Length;
                for (var i = 0; i < len; i++) percent[i] = (byte)Math.Round(strip.Confidence[i] * 100);
                t = Times.Add(StageTimes.Stage.Mask, t);
                var window = strip.Window;
                raster.Write<byte>(1, window, strip.Classes.AsSpan(0, len));
                raster.Write<byte>(2, window, percent.AsSpan(0, len));
                Times.Add(StageTimes.Stage.WriteRaster, t);
            }
            var closing = StageTimes.Start();
            raster.Dispose();
            Times.Add(StageTimes.Stage.WriteRaster, closing);
        }
        if (_options.ClassRasterPath is { } target)
        {
            using var output = AtomicOutput.Begin(target);
            using (var raster = RasterDataset.Open(ClassRasterPath)) raster.CopyToCog(output.TempPath, overviewResampling: "NEAREST");
            output.Commit();
        }
    }

    private void MaskFarmland(ClassStrip strip, byte[] farmland)
    {
        var window = strip.Window;
        var mask = farmland.AsSpan(0, strip.Length);
        mask.Clear();
        var transform = Grid.Transform.Offset(0, window.Y);
        var (x0, y0) = transform.PixelToWorld(0, 0);
        var (x1, y1) = transform.PixelToWorld(window.Width, window.Height);
        var bounds = new Envelope(Math.Min(x0, x1), Math.Max(x0, x1), Math.Min(y0, y1), Math.Max(y0, y1));
        foreach (var parcel in _survey!.FarmlandNear(bounds))
            PolygonRasterizer.Burn(parcel, transform, window.Width, window.Height, mask);
        var valid = strip.Valid.AsSpan(0, strip.Length);
        for (var i = 0; i < valid.Length; i++) valid[i] &= mask[i];
    }

    /// <summary>Polygonises the class raster and yields each polygon with its attributes, in a deterministic order.</summary>
    public IEnumerable<Tuban> Polygons(IProgress<DetectionProgress>? progress, CancellationToken ct)
    {
        using var raster = RasterDataset.Open(ClassRasterPath);
        using var memory = VectorDataset.CreateInMemory();
        var layer = memory.CreateLayer("polygons", GeometryKind.Polygon, null, [new FieldDefinition("value", FieldKind.Integer)]);
        progress?.Report(new DetectionProgress(DetectionStage.Polygonizing, 0, 1));
        var t = StageTimes.Start();
        GdalReference.Polygonize(raster, 1, layer, 0, _options.EightConnected, skipNoData: true);
        Times.Add(StageTimes.Stage.Polygonize, t);
        progress?.Report(new DetectionProgress(DetectionStage.Polygonizing, 1, 1));

        var card = _model.Card;
        var unit2 = Crs.LinearUnitMetres * Crs.LinearUnitMetres;
        var reader = new WKBReader();
        var serials = new Dictionary<string, int>();
        var year = (AfterDate ?? DateOnly.FromDateTime(DateTime.Today)).Year % 100;
        var model = $"{card.Name}@{card.Version}";
        var method = $"WeiPian.Engine {typeof(DetectionRun).Assembly.GetName().Version?.ToString(3)} / {model}";
        using var toGeographic = new CoordinateTransform(Crs, SpatialReference.FromEpsg(4490));
        var total = layer.FeatureCount;
        long done = 0;
        foreach (var feature in layer.Features())
        {
            ct.ThrowIfCancellationRequested();
            t = StageTimes.Start();
            done++;
            var classId = (int)feature.GetInt64("value")!.Value;
            var cls = card.Classes[classId];
            var geometry = reader.Read(feature.Wkb);
            var area = geometry.Area * unit2;
            if (area < _options.MinimumAreaFor(cls.Tblx)) continue;
            var county = _survey?.CountyOf(geometry)?.Code ?? _options.DefaultCounty;
            var serial = serials[county] = serials.GetValueOrDefault(county) + 1;
            var inside = geometry.InteriorPoint;
            var (lon, lat) = toGeographic.Transform(inside.X, inside.Y);
            var basic = _survey?.BasicFarmlandArea(geometry) * unit2 ?? 0;
            var tuban = new Tuban
            {
                Jcbh = string.Create(CultureInfo.InvariantCulture, $"{county}{_options.SourceTag}{year:00}{serial:00000}"),
                Xzqdm = county,
                Tblx = cls.Tblx ?? "QT",
                Qsx = BeforeDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "",
                Hsx = AfterDate?.ToString("yyyyMMdd", CultureInfo.InvariantCulture) ?? "",
                Qqjh = BeforeId,
                Dqjh = AfterId,
                Jcmj = area,
                Jcgdmj = _survey?.FarmlandArea(geometry) * unit2 ?? 0,
                Yjjbntmj = basic,
                Sfyn = basic > 0,
                X = inside.X,
                Y = inside.Y,
                Lzb = lon,
                Bzb = lat,
                Zdbh = model,
                Zdlx = cls.Name,
                Fxfs = method,
                Confidence = MeanConfidence(raster, geometry, classId),
                ClassId = classId,
                ClassName = cls.Name,
                Geometry = geometry,
            };
            Times.Add(StageTimes.Stage.Attribute, t);
            yield return tuban;
            progress?.Report(new DetectionProgress(DetectionStage.Attributing, done, total));
        }
    }

    // The mean of band 2 over the polygon's own pixels: pixel centres inside it carrying its class.
    private double MeanConfidence(RasterDataset raster, Geometry polygon, int classId)
    {
        var e = polygon.EnvelopeInternal;
        var (c0, r0) = Grid.Transform.WorldToPixel(e.MinX, e.MaxY);
        var (c1, r1) = Grid.Transform.WorldToPixel(e.MaxX, e.MinY);
        var window = new PixelWindow((int)Math.Floor(c0), (int)Math.Floor(r0), 0, 0);
        window = window with { Width = (int)Math.Ceiling(c1) - window.X, Height = (int)Math.Ceiling(r1) - window.Y };
        window = window.Intersect(Grid.Extent);
        if (window.IsEmpty) return 0;
        var n = (int)window.PixelCount;
        var mask = new byte[n];
        var classes = new byte[n];
        var confidence = new byte[n];
        PolygonRasterizer.Burn(polygon, Grid.Transform.Offset(window.X, window.Y), window.Width, window.Height, mask);
        raster.Read<byte>(1, window, classes);
        raster.Read<byte>(2, window, confidence);
        long sum = 0, count = 0;
        for (var i = 0; i < n; i++)
            if (mask[i] != 0 && classes[i] == classId) { sum += confidence[i]; count++; }
        return count == 0 ? 0 : sum / (100.0 * count);
    }

    private static DateOnly? AcquisitionDate(Scene scene)
    {
        var raster = scene.Dataset;
        if (DateOnly.TryParseExact(raster.MetadataItem("ACQUISITION_DATE") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            return d;
        var stamp = raster.MetadataItem("TIFFTAG_DATETIME");
        return stamp is { Length: >= 10 } && DateOnly.TryParseExact(stamp[..10].Replace(':', '-'), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out d)
            ? d
            : null;
    }

    private static string SceneId(Scene scene) =>
        scene.Dataset.MetadataItem("SCENE_ID") is { Length: > 0 } id ? id : Path.GetFileNameWithoutExtension(scene.Path);

    public void Dispose()
    {
        _before.Dispose();
        _after.Dispose();
        try { Directory.Delete(_workDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
