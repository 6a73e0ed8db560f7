using System.Text.Json;
using WeiPian.Engine.Training;

namespace WeiPian.Engine.Evaluation;

/// <summary>
/// One case of a benchmark set: by default a folder as the synthesiser writes it (before.tif, after.tif, survey.gpkg,
/// truth.gpkg with class_id and on_farmland, truth.tif; with nuisances also nuisance.gpkg and truth.gpkg's STAGE); a chip of a training export names its own files and has no
/// survey or truth polygons (<see cref="FromTrainingExport"/>).
/// </summary>
/// <param name="Name">The folder's name, or the chip's id.</param>
/// <param name="Directory">The folder.</param>
public sealed record BenchCase(string Name, string Directory)
{
    /// <summary>The before date.</summary>
    public string Before { get; init; } = Path.Combine(Directory, "before.tif");

    /// <summary>The after date, on the before date's grid.</summary>
    public string After { get; init; } = Path.Combine(Directory, "after.tif");

    /// <summary>The true class raster on the before date's grid (its nodata value is skipped in the pixel scores).</summary>
    public string TruthRaster { get; init; } = Path.Combine(Directory, "truth.tif");

    /// <summary>True polygons (class_id, on_farmland); null: the regions of <see cref="TruthRaster"/> are the objects.</summary>
    public string? TruthPolygons { get; init; } = Path.Combine(Directory, "truth.gpkg");

    /// <summary>The land survey whose farmland the object run is limited to; null: objects are counted over all land.</summary>
    public string? Survey { get; init; } = Path.Combine(Directory, "survey.gpkg");

    /// <summary>
    /// Change that is no violation (synth --nuisances: layer nuisance with KIND), scored per kind when the file exists
    /// (<see cref="NuisanceAlarms"/>); null: none.
    /// </summary>
    public string? NuisancePolygons { get; init; } = Path.Combine(Directory, "nuisance.gpkg");

    /// <summary>A file of the case.</summary>
    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>The cases under <paramref name="set"/>: every subfolder (or the folder itself) holding before.tif, after.tif and truth.tif.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="InputException">It holds no case.</exception>
    public static IReadOnlyList<BenchCase> Find(string set)
    {
        if (!System.IO.Directory.Exists(set)) throw new DirectoryNotFoundException($"Benchmark set '{set}' does not exist.");
        var folders = new[] { set }.Concat(System.IO.Directory.EnumerateDirectories(set).Order(StringComparer.Ordinal));
        var cases = folders.Where(f => new[] { "before.tif", "after.tif", "truth.tif", "truth.gpkg" }.All(n => System.IO.File.Exists(Path.Combine(f, n))))
            .Select(f => new BenchCase(Path.GetFileName(Path.GetFullPath(f).TrimEnd('/')), f)).ToList();
        return cases.Count > 0 ? cases
            : throw new InputException($"'{set}' holds no benchmark case (folders with before.tif, after.tif, truth.tif and truth.gpkg; make them with weipian synth).");
    }

    /// <summary>
    /// The chips of one split of a training export (export.json, index.jsonl; docs/TRAINING.md) as cases, in index
    /// order: the chip's before and after files, its class mask as the truth (255, its nodata, skipped; its regions are
    /// the true objects), no survey (objects over all land). So a model trained on an export's train split is scored on
    /// land it never saw, the test split, with the same metrics and gate as on synthesised cases.
    /// </summary>
    /// <param name="folder">The export folder.</param>
    /// <param name="split">train, validation or test.</param>
    /// <exception cref="InputException">Not an export, an unknown split, or a split without chips (<c>Setting</c> Split).</exception>
    public static IReadOnlyList<BenchCase> FromTrainingExport(string folder, string split)
    {
        string[] splits = ["train", "validation", "test"];
        if (!splits.Contains(split))
            throw new InputException($"Split '{split}' is not one of an export's: {string.Join(", ", splits)}.") { Setting = "Split" };
        var summary = Path.Combine(folder, ExportFolder.Marker);
        var index = Path.Combine(folder, "index.jsonl");
        if (!System.IO.File.Exists(summary) || !System.IO.File.Exists(index))
            throw new InputException($"'{folder}' is not a training export (no {ExportFolder.Marker} and index.jsonl; make one with export-training).") { Setting = "Split" };
        using (var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(summary)))
        {
            var format = doc.RootElement.TryGetProperty("format", out var f) ? f.GetString() : null;
            if (format != TrainingExport.Format)
                throw new InputException($"'{summary}' has format '{format}', not '{TrainingExport.Format}'.") { Setting = "Split" };
        }
        var cases = new List<BenchCase>();
        foreach (var line in System.IO.File.ReadLines(index))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var row = JsonDocument.Parse(line);
            var r = row.RootElement;
            if (r.GetProperty("split").GetString() != split) continue;
            string Part(string name) => Path.Combine(folder, r.GetProperty(name).GetString()!);
            cases.Add(new BenchCase(r.GetProperty("id").GetString()!, folder)
            {
                Before = Part("before"), After = Part("after"), TruthRaster = Part("mask"), TruthPolygons = null, Survey = null, NuisancePolygons = null,
            });
        }
        return cases.Count > 0 ? cases
            : throw new InputException($"'{index}' has no chip in the {split} split (the split is by geography: more scenes or a smaller split block give every split chips).") { Setting = "Split" };
    }
}
