using System.Text.Json;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Files;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Training;

/// <summary>
/// Training chips from the change polygons users have verified over the imagery they were detected on: before and after
/// chips in the card's bands and the scenes' own pixel type, a class mask in the card's class ids, and an index, split
/// into train, validation and test by geography. The folder's layout is in docs/TRAINING.md.
/// </summary>
/// <remarks>
/// Everything is checked before the first chip is written: the manifest, every pair's grid and bands, the polygons'
/// fields and classes, the options and the output folder. Chips are read window by window and written one at a time
/// from one reused buffer, so memory does not grow with the scenes; the folder is written under a temporary name and
/// renamed into place when complete.
/// </remarks>
public static partial class TrainingExport
{
    /// <summary>The <c>format</c> of an export's export.json, which readers (bench-models --split, the recipe) check.</summary>
    public const string Format = "weipian-training-export/1";

    /// <summary>Writes a training export of the manifest's scene pairs and the verified polygons into <paramref name="outputFolder"/>.</summary>
    /// <param name="manifest">The scene pairs, a CSV as <c>reprocess</c> reads (<see cref="SceneManifest"/>).</param>
    /// <param name="polygonsPath">The verified polygons, any vector source GDAL opens, any CRS.</param>
    /// <param name="card">The card of the model to train: its bands and class ids.</param>
    /// <param name="outputFolder">The export folder: new, empty, or an earlier export (replaced).</param>
    /// <param name="options">What to read and how to cut.</param>
    /// <param name="progress">Chips written so far, if wanted.</param>
    /// <param name="cancellationToken">Stops between chips; nothing is left under the folder's name.</param>
    /// <exception cref="InputException">Any input or option that does not fit (see the remarks); no polygon meets any image.</exception>
    public static TrainingCounts Run(string manifest, string polygonsPath, ModelCard card, string outputFolder, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var jobs = SceneManifest.Read(manifest);
        ExportFolder.Check(outputFolder);
        OutputPaths.EnsureApart(outputFolder, [manifest, polygonsPath, .. jobs.SelectMany(j => new[] { j.Before, j.After })]);
        var polygons = VerifiedPolygons.Read(polygonsPath, card, options);
        var split = new GeographicSplit(options.SplitBlockMetres, options.SplitShares, options.Seed);
        var counts = new TrainingCounts { Scenes = jobs.Count, Polygons = polygons.Polygons.Count };

        // Every pair opened and every chip placed before any file is written: a bad row refuses the run, not its end.
        var plans = new List<List<TrainingChip>>(jobs.Count);
        var used = new bool[polygons.Polygons.Count];
        foreach (var job in jobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scene = TrainingScene.Open(job, polygons, card, options);
            foreach (var i in scene.SourceIndex) used[i] = true;
            plans.Add(Plan(scene, options, split, counts));
        }
        counts.PolygonsOffImages = used.Count(u => !u);
        if (counts.PolygonsOffImages == counts.Polygons)
            throw new InputException($"None of the {counts.Polygons} verified polygons in '{polygonsPath}' lies on an image of '{manifest}'; are they the same area, and is the layer's CRS right?");

        using var folder = ExportFolder.Begin(outputFolder);
        foreach (var sub in new[] { "before", "after", "mask" }) Directory.CreateDirectory(Path.Combine(folder.TempPath, sub));
        var total = plans.Sum(p => p.Count);
        var done = 0;
        var files = new ChipFiles(options.ChipSize);
        var mask = new byte[options.ChipSize * options.ChipSize];
        using (var index = new FileStream(Path.Combine(folder.TempPath, "index.jsonl"), FileMode.CreateNew))
        using (var json = new Utf8JsonWriter(index, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            for (var s = 0; s < jobs.Count; s++)
            {
                if (plans[s].Count == 0) continue;
                using var scene = TrainingScene.Open(jobs[s], polygons, card, options);
                var beforeId = jobs[s].BeforeId ?? scene.Pair.First.SceneId;
                var afterId = jobs[s].AfterId ?? scene.Pair.Second.SceneId;
                foreach (var planned in plans[s])
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var chip = Write(scene, planned with { BeforeId = beforeId, AfterId = afterId, Epsg = scene.Grid.Crs!.Epsg }, files, mask, folder.TempPath, card, options);
                    if (chip is null) counts.MostlyNoData++;
                    else
                    {
                        counts.Written[(chip.Split, chip.Kind)] = counts.Written.GetValueOrDefault((chip.Split, chip.Kind)) + 1;
                        chip.WriteJson(json);
                        json.Flush();
                        json.Reset();
                        index.WriteByte((byte)'\n');
                    }
                    progress?.Report(new TrainingProgress(++done, total, jobs[s].Key));
                }
            }
        }
        WriteSummary(Path.Combine(folder.TempPath, ExportFolder.Marker), card, options, counts);
        folder.Commit();
        return counts;
    }

    // Reads the chip's windows, builds its mask and writes its three files; null when it is mostly nodata.
    private static TrainingChip? Write(TrainingScene scene, TrainingChip chip, ChipFiles files, byte[] maskBuffer, string folder, ModelCard card, TrainingOptions options)
    {
        var pair = scene.Pair;
        var before = chip.Window.Translate(pair.RegionFirst.X, pair.RegionFirst.Y);
        var after = chip.Window.Translate(pair.RegionSecond.X, pair.RegionSecond.Y);
        files.ClearValid();
        files.ReadValid(pair.First, scene.BeforeBands, before);
        files.ReadValid(pair.Second, scene.AfterBands, after);
        var missing = 0;
        foreach (var v in files.Valid) if (v == 0) missing++;
        if (missing > options.MaxNoDataShare * chip.Window.PixelCount) return null;

        var grid = scene.Grid.Subgrid(chip.Window);
        // Polygons just outside the chip reach into it with their edge band.
        var b = chip.Bounds;
        var reach = options.EdgeIgnorePixels * grid.PixelSizeX;
        var near = scene.Near(new NetTopologySuite.Geometries.Envelope(b.MinX - reach, b.MaxX + reach, b.MinY - reach, b.MaxY + reach))
            .Select(i => scene.Polygons[i]).ToList();
        var mask = maskBuffer.AsSpan();
        ClassMask.Build(near, grid.Transform, options.ChipSize, options.EdgeIgnorePixels, files.Valid, mask);
        files.CopyWindow(pair.First, scene.BeforeBands, before, grid, Path.Combine(folder, chip.BeforeFile));
        files.CopyWindow(pair.Second, scene.AfterBands, after, grid, Path.Combine(folder, chip.AfterFile));
        ChipFiles.WriteMask(mask, grid, Path.Combine(folder, chip.MaskFile));
        var (classes, ignored) = ClassMask.Count(mask, card.ClassCount);
        return chip with { ClassPixels = classes, IgnorePixels = ignored };
    }

    private static void WriteSummary(string path, ModelCard card, TrainingOptions options, TrainingCounts counts)
    {
        using var stream = new FileStream(path, FileMode.CreateNew);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteString("model", card.Name);
        w.WriteString("model_version", card.Version);
        w.WriteStartArray("bands");
        foreach (var role in card.Input.Bands) w.WriteStringValue(BandOrder.ShortName(role));
        w.WriteEndArray();
        w.WriteStartArray("classes");
        foreach (var c in card.Classes)
        {
            w.WriteStartObject();
            w.WriteNumber("id", c.Id);
            w.WriteString("name", c.Name);
            if (c.Tblx is null) w.WriteNull("tblx");
            else w.WriteString("tblx", c.Tblx);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("ignore", TrainingOptions.Ignore);
        w.WriteNumber("edge_ignore_pixels", options.EdgeIgnorePixels);
        w.WriteNumber("chip", options.ChipSize);
        w.WriteNumber("split_block_m", options.SplitBlockMetres);
        w.WriteNumber("train_share", options.SplitShares.Train);
        w.WriteNumber("validation_share", options.SplitShares.Validation);
        w.WriteNumber("seed", options.Seed);
        w.WriteNumber("jitter", options.Jitter);
        w.WriteNumber("chips_per_change", options.ChipsPerChange);
        w.WriteNumber("chips_per_false_change", options.ChipsPerFalseChange);
        w.WriteNumber("unchanged_per_positive", options.UnchangedPerPositive);
        w.WriteNumber("max_nodata_share", options.MaxNoDataShare);
        w.WriteStartObject("chips");
        foreach (var split in Enum.GetValues<SplitName>())
        {
            w.WriteStartObject(GeographicSplit.Name(split));
            foreach (var kind in Enum.GetValues<ChipKind>()) w.WriteNumber(TrainingChip.KindName(kind), counts.Written.GetValueOrDefault((split, kind)));
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("dropped");
        w.WriteNumber("straddling_splits", counts.Straddling);
        w.WriteNumber("mostly_nodata", counts.MostlyNoData);
        w.WriteNumber("unchanged_not_placed", counts.UnchangedShort);
        w.WriteEndObject();
        w.WriteNumber("scenes", counts.Scenes);
        w.WriteNumber("polygons", counts.Polygons);
        w.WriteNumber("polygons_off_images", counts.PolygonsOffImages);
        w.WriteEndObject();
    }
}
