using System.Globalization;
using System.Text.Json.Nodes;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// A synthesised pair in its own scratch folder, and how well a detection on it finds the synthesiser's changes on
/// farmland (object recall and precision against truth.gpkg).
/// </summary>
internal sealed class SynthCase : IDisposable
{
    private readonly TempDir _dir = new();

    private SynthCase(SynthOptions options)
    {
        Options = options;
        Result = SceneSynthesizer.Run(options, _dir.Path);
    }

    /// <summary>A clear scene (no clouds: they would hide changes from every case alike) of <paramref name="size"/> pixels a side.</summary>
    public static SynthOptions Clear(int size, long seed, double gsd = 0.8, double changesPerKm2 = 80) =>
        new() { Size = size, Seed = seed, Gsd = gsd, ChangesPerKm2 = changesPerKm2, WriteShapefiles = false, Clouds = CloudMode.None };

    /// <summary>Synthesises <paramref name="options"/> into a new scratch folder.</summary>
    public static SynthCase Run(SynthOptions options) => new(options);

    public SynthOptions Options { get; }

    public SynthResult Result { get; }

    public string Before => File("before.tif");

    public string After => File("after.tif");

    public string Survey => File("survey.gpkg");

    public string File(string name) => Path.Combine(Result.Directory, name);

    /// <summary>The before date's ground in km² (what false alarms are counted over).</summary>
    public double AreaKm2 => Options.Size * Options.Gsd * Options.Rows * Options.Gsd / 1e6;

    /// <summary>The planted changes on farmland, which a detection with the survey must find.</summary>
    public IReadOnlyList<ClassedPolygon> FarmlandTruth => Evaluator.ReadPolygons(File("truth.gpkg"), where: "on_farmland = 1");

    /// <summary>The pair with the engine's defaults: dates, ids and band roles from the files.</summary>
    public ScenePair Pair => new(Before, After);

    /// <summary>Detects change on the survey's farmland and scores it against <see cref="FarmlandTruth"/>.</summary>
    public async Task<(List<Tuban> Tubans, ObjectMetrics Metrics)> DetectAsync(ChangeDetector detector, ScenePair pair)
    {
        var tubans = new List<Tuban>();
        await foreach (var t in detector.DetectAsync(pair, Survey)) tubans.Add(t);
        var metrics = ObjectMetrics.Compute(FarmlandTruth, [.. tubans.Select(t => new ClassedPolygon(t.ClassId, t.Geometry))], AreaKm2);
        return (tubans, metrics);
    }

    /// <summary>One line for the test output: recall and precision with their counts.</summary>
    public static string Describe(string name, ObjectMetrics m) => string.Create(CultureInfo.InvariantCulture,
        $"{name}: object recall {m.Recall:0.000} ({m.Found}/{m.TruthCount}), precision {m.Precision:0.000} ({m.Matched}/{m.PredictedCount})");

    /// <summary>
    /// Writes a copy of the bundled spectral-v1 card with <c>input.gsd</c> set to <paramref name="gsd"/> (removed when
    /// null) and returns its path, for <c>--card</c> / <see cref="InferenceOptions.CardPath"/>: the card says at which GSD
    /// the model is to be run, whatever the bundled card says at the time.
    /// </summary>
    public static string SpectralCardWithGsd(string folder, double? gsd)
    {
        var card = JsonNode.Parse(System.IO.File.ReadAllText(ChangeModel.SidecarPath(BundledModels.Resolve("spectral-v1"))))!;
        var input = card["input"]!.AsObject();
        input.Remove("gsd");
        if (gsd is { } metres) input["gsd"] = metres;
        var path = Path.Combine(folder, gsd is null ? "spectral-v1-any-gsd.card.json" : string.Create(CultureInfo.InvariantCulture, $"spectral-v1-gsd{gsd}.card.json"));
        System.IO.File.WriteAllText(path, card.ToJsonString());
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
