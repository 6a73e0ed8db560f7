using System.Globalization;
using System.Text.Json;
using WeiPian.Engine;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;

namespace WeiPian.Synth;

/// <summary>What a synthesis wrote.</summary>
public sealed record SynthResult
{
    /// <summary>The output folder.</summary>
    public required string Directory { get; init; }
    /// <summary>Columns.</summary>
    public required int Width { get; init; }
    /// <summary>Rows.</summary>
    public required int Height { get; init; }
    /// <summary>Acquisition date of before.tif.</summary>
    public required DateOnly BeforeDate { get; init; }
    /// <summary>Acquisition date of after.tif.</summary>
    public required DateOnly AfterDate { get; init; }
    /// <summary>Scene id of before.tif (GF-2 naming).</summary>
    public required string BeforeSceneId { get; init; }
    /// <summary>Scene id of after.tif.</summary>
    public required string AfterSceneId { get; init; }
    /// <summary>Planted changes per class.</summary>
    public required IReadOnlyDictionary<ChangeClass, int> Changes { get; init; }
    /// <summary>Planted changes lying on farmland.</summary>
    public required int ChangesOnFarmland { get; init; }
    /// <summary>Cloud (with its shadow) count in the after date.</summary>
    public required int Clouds { get; init; }
    /// <summary>Columns of after.tif (the same as <see cref="Width"/> unless it has its own grid).</summary>
    public required int AfterWidth { get; init; }
    /// <summary>Rows of after.tif.</summary>
    public required int AfterHeight { get; init; }
    /// <summary>County codes (XZQDM) of the scene.</summary>
    public required IReadOnlyList<string> Counties { get; init; }
    /// <summary>Acquisition date of newest.tif; null unless <see cref="SynthOptions.RecheckDate"/>.</summary>
    public DateOnly? NewestDate { get; init; }
    /// <summary>Scene id of newest.tif; null unless <see cref="SynthOptions.RecheckDate"/>.</summary>
    public string? NewestSceneId { get; init; }
    /// <summary>Planted changes per fate on the newest date (empty unless <see cref="SynthOptions.RecheckDate"/>).</summary>
    public IReadOnlyDictionary<RecheckFate, int> Fates { get; init; } = new Dictionary<RecheckFate, int>();
    /// <summary>Planted nuisances per kind (empty unless <see cref="SynthOptions.Nuisances"/> is above 0).</summary>
    public IReadOnlyDictionary<NuisanceKind, int> Nuisances { get; init; } = new Dictionary<NuisanceKind, int>();
    /// <summary>Building changes per construction stage (empty unless <see cref="SynthOptions.Nuisances"/> is above 0).</summary>
    public IReadOnlyDictionary<BuildingStage, int> BuildingStages { get; init; } = new Dictionary<BuildingStage, int>();
}

/// <summary>
/// Synthesises a realistic two-date GF-2-like scene pair with its land survey and ground truth,
/// deterministic from the seed and written strip by strip so memory does not grow with the scene:
/// <list type="bullet">
/// <item><c>before.tif</c>, <c>after.tif</c>: 4-band UInt16 (B, G, R, NIR; 10-bit values; nodata 0), tiled DEFLATE GeoTIFFs;
/// the after date may have its own bit depth, grid (pixel size, origin, CRS), sensor response and cloud display.</item>
/// <item><c>after_clouds.tif</c>: Byte on after.tif's grid, 1 cloud, 2 cloud shadow, 0 clear (not with a clear sky).</item>
/// <item><c>truth.tif</c>: Byte class raster (0 no change, 1 building, 2 pond, 3 mining, 4 facility agriculture).</item>
/// <item><c>truth.gpkg</c>: layer <c>truth</c> with class_id, class_name, TBLX (and on_farmland, DLBM, area_m2).</item>
/// <item><c>survey.gpkg</c>: layers DLTB, YJJBNTTB, XZQ; <c>survey_shp/</c>: the same as GBK Shapefiles.</item>
/// <item><c>scene.json</c>: dates, scene ids, counts.</item>
/// </list>
/// With <see cref="SynthOptions.RecheckDate"/> also a third date for rectification monitoring (the files above unchanged):
/// <list type="bullet">
/// <item><c>newest.tif</c>: like after.tif, months later, with planted changes restored, partly restored, untouched,
/// left as rubble or hidden by cloud (nodata).</item>
/// <item><c>recheck_truth.gpkg</c>: layer <c>recheck_truth</c>, the planted outlines with a JCBH, their class, fate,
/// restored surface, the true restored and cloud shares (by pixel centres) and the true verdict.</item>
/// <item><c>recheck_truth.tif</c>: Byte, the class of change still standing on the newest date (0 elsewhere).</item>
/// <item><c>recheck.json</c>: the newest date, its scene id, planted changes per fate.</item>
/// </list>
/// With <see cref="SynthOptions.Nuisances"/> above 0 also change that is not a violation, and building changes at
/// construction stages (see there for what stays the same):
/// <list type="bullet">
/// <item><c>nuisance.gpkg</c>: layer <c>nuisance</c>, one polygon per nuisance in truth.gpkg's CRS, with KIND
/// (<see cref="NuisanceKinds.Name(NuisanceKind)"/>), DATE (before, after, both: the date it alters), DETAIL, area_m2.</item>
/// <item><c>truth.gpkg</c> gains STAGE (finished, cleared, foundation) on building changes, null on the others.</item>
/// <item><c>scene.json</c> gains nuisancesPerKm2, nuisances (per kind) and buildingStages.</item>
/// </list>
/// </summary>
public static partial class SceneSynthesizer
{
    /// <summary>Fixed GeoPackage timestamp so the same seed gives the same bytes.</summary>
    private const string FixedTimestamp = "2000-01-01T00:00:00.000Z";

    /// <summary>Neighbouring counties around 111.5°E 30.5°N (Yichang and Jingzhou), where EPSG:4546's zone lies.</summary>
    private static readonly County[][] CountyPairs =
    [
        [new("420583", "枝江市"), new("421087", "松滋市")],
        [new("420582", "当阳市"), new("420583", "枝江市")],
        [new("420506", "夷陵区"), new("420582", "当阳市")],
    ];

    /// <summary>Fast DEFLATE on all cores: synthesis is bound by compression otherwise.</summary>
    private static readonly GeoTiffOptions Tiff = new() { Level = 1, CompressionThreads = Environment.ProcessorCount };

    // The rasters are written under temporary names beside their final ones, then renamed: a scene that cannot fit
    // is refused before the first byte rather than filling the disk. Their uncompressed size is the bound (noise
    // compresses little).
    private static void CheckFreeSpace(SynthOptions options, string outDir)
    {
        var existing = new DirectoryInfo(Path.GetFullPath(outDir));
        while (!existing.Exists && existing.Parent is { } parent) existing = parent;
        var free = new DriveInfo(existing.FullName).AvailableFreeSpace;
        if (options.RasterBytes > free)
            throw new InputException(string.Create(CultureInfo.InvariantCulture,
                $"--out {outDir}: a {options.Size}x{options.Rows} scene needs up to {options.RasterBytes / 1e9:0.0} GB but {existing.FullName} has {free / 1e9:0.0} GB free."));
    }

    /// <summary>
    /// Writes a scene pair into <paramref name="outDir"/>: created when missing; an earlier synthesised scene there is
    /// replaced; a folder with other files under the scene's names (before.tif, survey.gpkg, ...) is refused.
    /// </summary>
    public static SynthResult Run(SynthOptions options, string outDir, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        CheckFolder(outDir);
        CheckFreeSpace(options, outDir);
        var created = !Directory.Exists(outDir);
        try
        {
            Directory.CreateDirectory(outDir);
        }
        catch (IOException e)
        {
            throw new InputException($"Cannot write the scene into '{outDir}': {e.Message}", e);
        }
        try
        {
            return Write(options, outDir, progress, cancellationToken);
        }
        catch
        {
            // A refused or cancelled run leaves no trace: the folder it made goes too, when nothing else is in it.
            if (created && !Directory.EnumerateFileSystemEntries(outDir).Any()) Directory.Delete(outDir);
            throw;
        }
    }

    private static SynthResult Write(SynthOptions options, string outDir, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var layout = new Layout(options);
        var crs = ProjectedCrs(options.Epsg, nameof(SynthOptions.Epsg));
        var afterCrs = options.AfterEpsg is { } afterEpsg ? ProjectedCrs(afterEpsg, nameof(SynthOptions.AfterEpsg)) : null;
        var frame = Frame(crs, options);
        using var afterGrid = DateGrid.After(frame, layout, afterCrs ?? crs, options.AfterGsd ?? options.Gsd, options.AfterShiftColumns, options.AfterShiftRows);
        var counties = CountyPairs[(int)((ulong)options.Seed % (ulong)CountyPairs.Length)];
        var (centreLon, centreLat) = CentreLonLat(frame, layout);
        var beforeId = SceneId(centreLon, centreLat, layout.Before.Date, options.Seed, 0);
        var afterId = SceneId(centreLon, centreLat, layout.After.Date, options.Seed, 1);
        var newestId = layout.Newest is { } n ? SceneId(centreLon, centreLat, n.Date, options.Seed, 2) : null;

        using var before = AtomicOutput.Begin(Path.Combine(outDir, "before.tif"));
        using var after = AtomicOutput.Begin(Path.Combine(outDir, "after.tif"));
        using var truthTif = AtomicOutput.Begin(Path.Combine(outDir, "truth.tif"));
        using var newest = options.RecheckDate ? AtomicOutput.Begin(Path.Combine(outDir, "newest.tif")) : null;
        using var recheckTif = options.RecheckDate ? AtomicOutput.Begin(Path.Combine(outDir, "recheck_truth.tif")) : null;
        using var recheckGpkg = options.RecheckDate ? AtomicOutput.Begin(Path.Combine(outDir, "recheck_truth.gpkg")) : null;
        using var afterClouds = options.Clouds == CloudMode.None ? null : AtomicOutput.Begin(Path.Combine(outDir, "after_clouds.tif"));
        using var nuisanceGpkg = options.Nuisances > 0 ? AtomicOutput.Begin(Path.Combine(outDir, "nuisance.gpkg")) : null;
        var paths = new RasterPaths(before.TempPath, after.TempPath, truthTif.TempPath, afterClouds?.TempPath,
            newest is null ? null : (newest.TempPath, recheckTif!.TempPath, newestId!));
        var stretches = WriteRasters(options, layout, frame, afterGrid, paths, beforeId, afterId, progress, cancellationToken);

        using var truthGpkg = AtomicOutput.Begin(Path.Combine(outDir, "truth.gpkg"));
        using var surveyGpkg = AtomicOutput.Begin(Path.Combine(outDir, "survey.gpkg"));
        using var surveyShp = AtomicOutput.Begin(Path.Combine(outDir, "survey_shp"), OutputLayout.ShapefileFolder);
        GdalLibrary.SetThreadLocalConfigOption("OGR_CURRENT_DATE", FixedTimestamp);
        try
        {
            WriteTruth(layout, frame, truthGpkg.TempPath, withStage: options.Nuisances > 0);
            if (nuisanceGpkg is not null) WriteNuisances(layout, frame, nuisanceGpkg.TempPath);
            if (recheckGpkg is not null) WriteRecheckTruth(layout, frame, counties, recheckGpkg.TempPath);
            using (var ds = VectorDataset.Create(surveyGpkg.TempPath, "GPKG"))
                new SurveyWriter(layout, frame, counties).Write(ds);
            if (options.WriteShapefiles)
            {
                Directory.CreateDirectory(surveyShp.TempPath);
                using var ds = VectorDataset.Create(surveyShp.TempPath, "ESRI Shapefile");
                new SurveyWriter(layout, frame, counties).Write(ds, ["ENCODING=GBK"]);
            }
        }
        finally
        {
            GdalLibrary.SetThreadLocalConfigOption("OGR_CURRENT_DATE", null);
        }

        var result = new SynthResult
        {
            Directory = Path.GetFullPath(outDir),
            Width = layout.Width,
            Height = layout.Height,
            BeforeDate = layout.Before.Date,
            AfterDate = layout.After.Date,
            BeforeSceneId = beforeId,
            AfterSceneId = afterId,
            Changes = ChangeClasses.All.ToDictionary(c => c, c => layout.Changes.Count(x => x.Class == c)),
            ChangesOnFarmland = layout.Changes.Count(c => LandClasses.IsFarmland(c.LandBefore)),
            Clouds = layout.Clouds.Count,
            AfterWidth = afterGrid.Width,
            AfterHeight = afterGrid.Height,
            Counties = counties.Select(c => c.Code).ToList(),
            NewestDate = layout.Newest?.Date,
            NewestSceneId = newestId,
            Fates = layout.Newest is null ? new Dictionary<RecheckFate, int>()
                : Enum.GetValues<RecheckFate>().ToDictionary(f => f, f => layout.Changes.Count(c => c.Recheck!.Fate == f)),
            Nuisances = options.Nuisances <= 0 ? new Dictionary<NuisanceKind, int>()
                : NuisanceKinds.All.ToDictionary(k => k, k => layout.Nuisances.Count(n => n.Kind == k)),
            BuildingStages = options.Nuisances <= 0 ? new Dictionary<BuildingStage, int>()
                : BuildingStages.All.ToDictionary(st => st, st => layout.Changes.Count(c => c.Class == ChangeClass.Building && c.Stage == st)),
        };
        using var manifest = AtomicOutput.Begin(Path.Combine(outDir, "scene.json"));
        File.WriteAllBytes(manifest.TempPath, Manifest(options, result, stretches));
        using var recheckJson = options.RecheckDate ? AtomicOutput.Begin(Path.Combine(outDir, "recheck.json")) : null;
        if (recheckJson is not null) File.WriteAllBytes(recheckJson.TempPath, RecheckManifest(result));

        before.Commit();
        after.Commit();
        truthTif.Commit();
        afterClouds?.Commit();
        truthGpkg.Commit();
        surveyGpkg.Commit();
        if (options.WriteShapefiles) surveyShp.Commit();
        manifest.Commit();
        newest?.Commit();
        recheckTif?.Commit();
        recheckGpkg?.Commit();
        recheckJson?.Commit();
        nuisanceGpkg?.Commit();
        return result;
    }

    // STAGE only with nuisances, so a scene without them keeps the file's bytes (and schema) as they were.
    private static void WriteTruth(Layout layout, SceneFrame frame, string path, bool withStage)
    {
        using var ds = VectorDataset.Create(path, "GPKG");
        FieldDefinition[] fields =
        [
            new("class_id", FieldKind.Integer), new("class_name", FieldKind.String, 32), new("TBLX", FieldKind.String, 4),
            new("on_farmland", FieldKind.Integer), new("DLBM", FieldKind.String, 5), new("area_m2", FieldKind.Real),
        ];
        if (withStage) fields = [.. fields, new("STAGE", FieldKind.String, 12)];
        var layer = ds.CreateLayer("truth", GeometryKind.Polygon, frame.Crs, fields);
        using var tx = ds.BeginTransaction();
        foreach (var c in layout.Changes)
        {
            object?[] values =
            [
                (int)c.Class, ChangeClasses.Name(c.Class), ChangeClasses.Tblx(c.Class), LandClasses.IsFarmland(c.LandBefore) ? 1 : 0,
                LandClasses.Dlbm(c.LandBefore), Math.Round(c.Outline.Area, 3),
            ];
            if (withStage) values = [.. values, c.Class == ChangeClass.Building ? BuildingStages.Name(c.Stage) : null];
            layer.Add(frame.PolygonWkb(c.Outline.E, c.Outline.S), values);
        }
        tx.Commit();
    }

    /// <summary>The nuisances: what changed between the dates without being a violation, one polygon each, in placing order.</summary>
    private static void WriteNuisances(Layout layout, SceneFrame frame, string path)
    {
        using var ds = VectorDataset.Create(path, "GPKG");
        FieldDefinition[] fields =
        [
            new("KIND", FieldKind.String, 16), new("DATE", FieldKind.String, 8), new("DETAIL", FieldKind.String, 32),
            new("DLBM", FieldKind.String, 5), new("area_m2", FieldKind.Real),
        ];
        var layer = ds.CreateLayer("nuisance", GeometryKind.Polygon, frame.Crs, fields);
        using var tx = ds.BeginTransaction();
        foreach (var n in layout.Nuisances)
            layer.Add(frame.PolygonWkb(n.Outline.E, n.Outline.S),
                [NuisanceKinds.Name(n.Kind), NuisanceKinds.Name(n.Date), n.Detail, n.Land is { } land ? LandClasses.Dlbm(land) : null,
                 Math.Round(n.Outline.Area, 3)]);
        tx.Commit();
    }

    /// <summary>
    /// The planted outlines with what became of them by the newest date. JCBH numbers them as a detection would (county
    /// code, WP, the after date's year, a serial per county in planting order), so the file can be rechecked as it is.
    /// Shares are counted over the pixel centres inside the outline, exactly as the rasters are rendered.
    /// </summary>
    private static void WriteRecheckTruth(Layout layout, SceneFrame frame, County[] counties, string path)
    {
        using var ds = VectorDataset.Create(path, "GPKG");
        FieldDefinition[] fields =
        [
            new("JCBH", FieldKind.String, 30), new("TBLX", FieldKind.String, 4), new("class_id", FieldKind.Integer),
            new("class_name", FieldKind.String, 32), new("on_farmland", FieldKind.Integer), new("QSX", FieldKind.String, 8),
            new("HSX", FieldKind.String, 8), new("ZXSX", FieldKind.String, 8), new("fate", FieldKind.String, 12),
            new("surface", FieldKind.String, 12), new("restored_share", FieldKind.Real), new("cloud_share", FieldKind.Real),
            new("pixels", FieldKind.Integer), new("verdict", FieldKind.String, 20), new("area_m2", FieldKind.Real),
        ];
        var layer = ds.CreateLayer("recheck_truth", GeometryKind.Polygon, frame.Crs, fields);
        using var tx = ds.BeginTransaction();
        var serials = new Dictionary<string, int>();
        var year = layout.After.Date.Year % 100;
        string Date(DateOnly d) => d.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        foreach (var c in layout.Changes)
        {
            var (p, q) = layout.ToRotated(c.CentreE, c.CentreS);
            var county = counties[layout.BlockAt(Layout.Find(layout.RoadP, p), Layout.Find(layout.RoadQ, q)).County].Code;
            var serial = serials[county] = serials.GetValueOrDefault(county) + 1;
            var (pixels, restored, clouded) = CountPixels(layout, c);
            var plan = c.Recheck!;
            layer.Add(frame.PolygonWkb(c.Outline.E, c.Outline.S),
            [
                string.Create(CultureInfo.InvariantCulture, $"{county}WP{year:00}{serial:00000}"), ChangeClasses.Tblx(c.Class), (int)c.Class,
                ChangeClasses.Name(c.Class), LandClasses.IsFarmland(c.LandBefore) ? 1 : 0, Date(layout.Before.Date), Date(layout.After.Date),
                Date(layout.Newest!.Date), RecheckTruth.Name(plan.Fate), RecheckTruth.Name(plan.Surface),
                Math.Round(pixels == 0 ? 0 : (double)restored / pixels, 4), Math.Round(pixels == 0 ? 0 : (double)clouded / pixels, 4),
                pixels, RecheckTruth.Verdict(plan.Fate), Math.Round(c.Outline.Area, 3),
            ]);
        }
        tx.Commit();
    }

    // Pixel centres inside the outline; those restored; those under a cloud or its shadow on the newest date (as rendered: shifted by its misregistration).
    private static (int Pixels, int Restored, int Clouded) CountPixels(Layout layout, ChangeObject c)
    {
        var o = c.Outline;
        var gsd = layout.Gsd;
        var d = layout.Newest!;
        int pixels = 0, restored = 0, clouded = 0;
        for (var row = Math.Max(0, (int)Math.Floor(o.MinS / gsd - 1)); row <= Math.Min(layout.Height - 1, (int)Math.Ceiling(o.MaxS / gsd + 1)); row++)
            for (var col = Math.Max(0, (int)Math.Floor(o.MinE / gsd - 1)); col <= Math.Min(layout.Width - 1, (int)Math.Ceiling(o.MaxE / gsd + 1)); col++)
            {
                double e = (col + 0.5) * gsd, s = (row + 0.5) * gsd;
                if (!o.Contains(e, s)) continue;
                pixels++;
                if (c.RestoredAt(e, s)) restored++;
                if (layout.NewestClouds.Any(k => k.Covers(e + d.ShiftE, s + d.ShiftS))) clouded++;
            }
        return (pixels, restored, clouded);
    }

    private static SpatialReference ProjectedCrs(int epsg, string setting)
    {
        SpatialReference crs;
        try
        {
            crs = SpatialReference.FromEpsg(epsg);
        }
        catch (GdalException e)
        {
            throw new InputException($"EPSG:{epsg} is not a CRS PROJ knows ({e.Message}).", e) { Setting = setting };
        }
        if (!crs.IsProjected)
            throw new InputException($"EPSG:{epsg} is not a projected CRS; the synthesiser needs metres (e.g. 4546, CGCS2000 / 3-degree GK CM 111E).") { Setting = setting };
        return crs;
    }

    /// <summary>Top-left corner near 30.45°N, a quarter degree east of the zone's central meridian, on whole metres.</summary>
    private static SceneFrame Frame(SpatialReference crs, SynthOptions o)
    {
        var cm = crs.ProjectionParameter("central_meridian") ?? 114.0;
        var rng = new Rng((ulong)o.Seed ^ 0xC0FFEE);
        var lon = cm + 0.1 + rng.Uniform(0, 0.5);
        var lat = 30.1 + rng.Uniform(0, 0.7);
        using var toScene = new CoordinateTransform(SpatialReference.FromEpsg(4490), crs);
        var (x, y) = toScene.Transform(lon, lat);
        return new SceneFrame(Math.Round(x), Math.Round(y), crs);
    }

    private static (double Lon, double Lat) CentreLonLat(SceneFrame frame, Layout layout)
    {
        using var toGeo = new CoordinateTransform(frame.Crs, SpatialReference.FromEpsg(4490));
        return toGeo.Transform(frame.OriginX + layout.SceneWidthM / 2, frame.OriginY - layout.SceneHeightM / 2);
    }

    private static string SceneId(double lon, double lat, DateOnly date, long seed, int index) =>
        string.Create(CultureInfo.InvariantCulture,
            $"GF2_PMS{1 + index % 2}_E{lon:0.0}_N{lat:0.0}_{date:yyyyMMdd}_L1A{((ulong)(seed * 2 + index) + (index == 2 ? 5_000_000_000UL : 0)) % 10_000_000_000UL:0000000000}");
}
