using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.Operation.Union;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Evaluation;

/// <summary>
/// One 1024 x 1024 case with nuisances of every kind and buildings at every stage (seed 8, 150 nuisances per km²), bench-models
/// run on it through the real command line (spectral-v1, one thread), and spectral-v1's own polygons of the two runs the
/// bench makes, detected here again in-process.
/// </summary>
public sealed class NuisanceBenchFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();

    public string Set => _dir.File("set");
    public string Case => Path.Combine(Set, "case1");
    public string Report => _dir.File("report");
    public SynthResult Synth { get; private set; } = null!;
    public int ExitCode { get; private set; }
    public string Output { get; private set; } = "";
    /// <summary>Predictions of the farmland run (the objects) and of the all-land run (the pixels).</summary>
    public IReadOnlyList<Geometry> Farmland { get; private set; } = [];
    public IReadOnlyList<Geometry> AllLand { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Synth = SceneSynthesizer.Run(new SynthOptions { Size = 1024, Seed = 8, Nuisances = 150, WriteShapefiles = false }, Case);
        (ExitCode, Output) = await CliProcess.RunAsync(["bench-models", "--models", "spectral-v1", "--set", Set, "--out", Report, "--threads", "1"]);
        using var detector = new ChangeDetector(Path.Combine(TestPaths.RepoRoot, "src", "Models", "spectral-v1.onnx"), new InferenceOptions { IntraOpThreads = 1 });
        var options = new DetectionOptions { CloudScreen = detector.Card.Clouds };
        var pair = new ScenePair(Path.Combine(Case, "before.tif"), Path.Combine(Case, "after.tif"));
        var survey = Path.Combine(Case, "survey.gpkg");
        async Task<List<Geometry>> Detect(DetectionOptions o)
        {
            var list = new List<Geometry>();
            await foreach (var t in detector.DetectAsync(pair, survey, o)) list.Add(t.Geometry);
            return list;
        }
        Farmland = await Detect(options);
        AllLand = await Detect(options with { AllLand = true });
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// bench-models on a set with nuisances (issue 16): per KIND the nuisances a model flags and per STAGE the farmland
/// buildings it finds, in report.md, report.csv and report.json, equal to counts made here with plain geometry (a union
/// of the predictions, no index, no shared code), and the report of a set without nuisances as it was.
/// </summary>
public class NuisanceBenchModelsTests(NuisanceBenchFixture fx) : IClassFixture<NuisanceBenchFixture>
{
    // Per key: (hit, objects), counted independently of NuisanceAlarms and ObjectMetrics.
    private static SortedDictionary<string, (int Hit, int Objects)> Expected(IEnumerable<(string Key, Geometry Object)> objects,
        IReadOnlyList<Geometry> predicted, Func<double, double> needed)
    {
        var union = predicted.Count == 0 ? null : UnaryUnionOp.Union(predicted);
        var counts = new SortedDictionary<string, (int Hit, int Objects)>(StringComparer.Ordinal);
        foreach (var (key, g) in objects)
        {
            var covered = union is null ? 0 : g.Intersection(union).Area;
            var hit = covered > 0 && covered >= needed(g.Area);
            var (h, n) = counts.GetValueOrDefault(key);
            counts[key] = (h + (hit ? 1 : 0), n + 1);
        }
        return counts;
    }

    private IEnumerable<(string, Geometry)> Features(string file, string key, Func<VectorFeature, bool> keep)
    {
        using var ds = VectorDataset.Open(Path.Combine(fx.Case, file));
        var reader = new WKBReader();
        return ds.Layer(0).Features().Where(keep).Select(f => (f.GetString(key)!, reader.Read(f.Wkb))).ToList();
    }

    private SortedDictionary<string, (int Hit, int Objects)> ExpectedNuisances() =>
        Expected(Features("nuisance.gpkg", "KIND", _ => true), fx.AllLand, a => Math.Min(0.1 * a, 20));

    private SortedDictionary<string, (int Hit, int Objects)> ExpectedStages() =>
        Expected(Features("truth.gpkg", "STAGE", f => f.GetInt64("class_id") == 1 && f.GetInt64("on_farmland") == 1), fx.Farmland, a => 0.5 * a);

    private JsonElement ReportJson()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(fx.Report, "report.json")));
        return doc.RootElement[0].Clone();
    }

    [Fact]
    public void TheFixtureHasEveryKindSomeHitSomeMissedAndBuildingsAtEveryStage()
    {
        Assert.True(fx.ExitCode == 0, fx.Output);
        var nuisances = ExpectedNuisances();
        Assert.Equal(fx.Synth.Nuisances.Values.Sum(), nuisances.Values.Sum(v => v.Objects));
        Assert.Equal(8, nuisances.Count);
        Assert.Contains(nuisances.Values, v => v.Hit > 0);
        Assert.Contains(nuisances.Values, v => v.Hit < v.Objects);
        Assert.Equal(["cleared", "finished", "foundation"], ExpectedStages().Keys);
    }

    [Fact]
    public void ReportJsonCountsEqualThoseMadeHere()
    {
        var r = ReportJson();
        var nuisances = r.GetProperty("nuisanceAlarms").EnumerateObject()
            .ToDictionary(p => p.Name, p => (p.Value.GetProperty("hit").GetInt32(), p.Value.GetProperty("objects").GetInt32()));
        Assert.Equal(ExpectedNuisances(), nuisances);
        var stages = r.GetProperty("buildingStageRecall").EnumerateObject()
            .ToDictionary(p => p.Name, p => (p.Value.GetProperty("found").GetInt32(), p.Value.GetProperty("truth").GetInt32()));
        Assert.Equal(ExpectedStages(), stages);
        // The stages partition the farmland buildings that the headline objects count.
        Assert.Equal(r.GetProperty("objectsByClass").GetProperty("1").GetProperty("truth").GetInt32(), stages.Values.Sum(v => v.Item2));
    }

    [Fact]
    public void ReportMarkdownHasARowPerKindAndStage()
    {
        var md = File.ReadAllText(Path.Combine(fx.Report, "report.md"));
        Assert.Contains("at least 10% of it or 20 m², whichever is smaller", md);
        foreach (var (kind, (hit, n)) in ExpectedNuisances())
            Assert.Contains(FormattableString.Invariant($"| false alarms on {kind} (objects hit / all) | {(double)hit / n:0.000} ({hit}/{n}) |"), md);
        foreach (var (stage, (found, n)) in ExpectedStages())
            Assert.Contains(FormattableString.Invariant($"| building recall, {stage} (found / all) | {(double)found / n:0.000} ({found}/{n}) |"), md);
    }

    [Fact]
    public void ReportCsvAppendsCountsAfterTheExistingColumns()
    {
        var lines = File.ReadAllLines(Path.Combine(fx.Report, "report.csv"));
        var header = lines[0].Split(',');
        var row = lines[1].Split(',');
        Assert.Equal("model,path,cases,mpx_per_s,peak_mb,object_recall,object_precision,object_f1,false_alarms_per_km2,mean_change_f1,mean_change_iou",
            string.Join(',', header.Take(11)));
        Assert.Equal(header.Length, row.Length);
        string Cell(string column) => row[Array.IndexOf(header, column)];
        foreach (var (kind, (hit, n)) in ExpectedNuisances())
            Assert.Equal((hit.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture)), (Cell($"nuisance_{kind}_hit"), Cell($"nuisance_{kind}_objects")));
        foreach (var (stage, (found, n)) in ExpectedStages())
            Assert.Equal((found.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture)), (Cell($"building_{stage}_found"), Cell($"building_{stage}_truth")));
    }
}
