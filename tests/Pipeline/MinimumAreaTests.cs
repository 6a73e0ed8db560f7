using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The minimum mapping area the user sets wins over the card's, which wins over the DOMAIN table; 0 keeps everything.
/// </summary>
public class MinimumAreaTests
{
    private static string CardPath => Path.Combine(TestPaths.RepoRoot, "src", "Models", "spectral-v1.card.json");

    private static Task<List<Tuban>> Detect(DetectionOptions options) => SampleDetection.DetectAllLand(options);

    [Fact]
    public async Task ZeroKeepsMoreAndEachClassKeepsItsThreshold()
    {
        var all = await Detect(new DetectionOptions { MinimumAreaOverride = new Dictionary<string, double> { ["*"] = 0 } });
        var domain = await Detect(new DetectionOptions());
        var thresholds = new Dictionary<string, double> { ["20"] = 150, ["KT"] = 450, ["CK"] = 650, ["SN"] = 250 };
        var set = await Detect(new DetectionOptions { MinimumAreaOverride = thresholds });

        Assert.True(all.Count > domain.Count, $"--min-area 0 kept {all.Count} polygons, the DOMAIN table {domain.Count}");
        Assert.Contains(all, t => t.Jcmj < 200);
        foreach (var t in domain) Assert.True(t.Jcmj >= new DetectionOptions().MinimumAreaFor(t.Tblx), $"{t.Tblx} {t.Jcmj} m² kept by the DOMAIN table");
        foreach (var t in set) Assert.True(t.Jcmj >= thresholds[t.Tblx], $"{t.Tblx} {t.Jcmj} m² kept below its {thresholds[t.Tblx]} m²");
        // Exactly the polygons of the keep-everything run that reach their class's threshold.
        var expected = all.Where(t => t.Jcmj >= thresholds[t.Tblx]).Select(t => t.Geometry.AsText()).Order().ToList();
        Assert.Equal(expected, set.Select(t => t.Geometry.AsText()).Order().ToList());
    }

    [Fact]
    public void UserOverCardOverDomain()
    {
        var card = ModelCard.Parse(File.ReadAllText(CardPath)
            .Replace("\"tblx\": \"20\"", "\"tblx\": \"20\", \"minArea\": 50", StringComparison.Ordinal), "test.card.json");
        var building = card.Classes.Single(c => c.Tblx == "20");
        var pond = card.Classes.Single(c => c.Tblx == "KT");
        Assert.Equal(50, building.MinimumArea);

        Assert.Equal(50, new DetectionOptions().MinimumAreaFor(building));
        Assert.Equal(400, new DetectionOptions().MinimumAreaFor(pond));
        var byName = new DetectionOptions { MinimumAreaOverride = new Dictionary<string, double> { [building.Name.ToUpperInvariant()] = 75, ["*"] = 10 } };
        Assert.Equal(75, byName.MinimumAreaFor(building));
        Assert.Equal(10, byName.MinimumAreaFor(pond));
        Assert.Equal(10, byName.MinimumAreaFor("KT"));
    }

    [Fact]
    public void CardMinimumAreaMustBeAnArea()
    {
        var json = File.ReadAllText(CardPath);
        var e = Assert.Throws<ModelContractException>(() => ModelCard.Parse(
            json.Replace("\"tblx\": \"20\"", "\"tblx\": \"20\", \"minArea\": -5", StringComparison.Ordinal), "bad.card.json"));
        Assert.Contains("minArea is -5", e.Message);
    }

    [Theory]
    [InlineData("XX", 100)]
    [InlineData("20", -1)]
    public async Task UnknownClassOrNegativeAreaIsRefusedBeforeAnyWork(string key, double area)
    {
        var e = await Assert.ThrowsAsync<InputException>(() =>
            Detect(new DetectionOptions { MinimumAreaOverride = new Dictionary<string, double> { [key] = area } }));
        Assert.Equal(nameof(DetectionOptions.MinimumAreaOverride), e.Setting);
        Assert.Contains($"'{key}'", e.Message);
    }

    [Fact]
    public async Task CommandLineNamesTheOption()
    {
        using var dir = new TempDir();
        var (code, stderr) = await CliProcess.RunForErrorAsync(["detect", "--before", SampleDetection.SamplePath("before.tif"),
            "--after", SampleDetection.SamplePath("after.tif"), "--all-land", "--out", dir.File("o.gpkg"), "--min-area", "20=200,PP=5"]);
        Assert.Equal(2, code);
        Assert.StartsWith("weipian: A minimum area for 'PP': model 'spectral-v1' has no class of that TBLX code or name", stderr);
        Assert.EndsWith("(--min-area, e.g. 20=200,KT=400)", stderr);
        Assert.False(File.Exists(dir.File("o.gpkg")));

        (code, stderr) = await CliProcess.RunForErrorAsync(["detect", "--before", SampleDetection.SamplePath("before.tif"),
            "--after", SampleDetection.SamplePath("after.tif"), "--all-land", "--out", dir.File("o.gpkg"), "--min-area", "20=abc"]);
        Assert.Equal(2, code);
        Assert.Equal("weipian: --min-area 20=abc: '20=abc' is not CODE=M2 (e.g. 20=200) or one area in m² for every class.", stderr);
    }
}
