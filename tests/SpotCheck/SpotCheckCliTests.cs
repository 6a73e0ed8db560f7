using System.Globalization;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Recheck;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.SpotCheck;

/// <summary>A small synthesised scene with its third date and two counties' verdicts, some planted false.</summary>
public sealed class SpotCheckSceneFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public SpotCheckSceneFixture()
    {
        Scene = SceneSynthesizer.Run(new SynthOptions { Size = 512, Seed = 41, ChangesPerKm2 = 250, WriteShapefiles = false, RecheckDate = true }, _dir.File("scene")).Directory;
        Verdicts = VerdictSynthesizer.Run(Scene, new VerdictSynthOptions { Seed = 1, FalseChangeShare = 0.3 });
        Truth = System.IO.File.ReadAllLines(Verdicts.Truth).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => f);
    }

    public string Scene { get; }

    public VerdictSynthResult Verdicts { get; }

    /// <summary>verdicts_truth.csv by JCBH: JCBH, XZQDM, PDLX, honest, fate, planted_false, visible, checkable.</summary>
    public IReadOnlyDictionary<string, string[]> Truth { get; }

    public string File(string name) => Path.Combine(Scene, name);

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// <c>weipian spotcheck</c> through the real command line on a synthesised scene: the planted false verdicts imagery can
/// see come out doubtful, the same seed gives the same sample, and bad input is one line, exit 2, nothing written.
/// </summary>
public sealed class SpotCheckCliTests(SpotCheckSceneFixture fx) : IClassFixture<SpotCheckSceneFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Args(string verdicts, string outDir, params string[] extra) =>
    [
        "spotcheck", "--reported", verdicts, "--polygons", fx.File("recheck_truth.gpkg"), "--image", fx.File("newest.tif"),
        "--reference", fx.File("before.tif"), "--threads", "2", "--out", outDir, .. extra,
    ];

    private static Dictionary<string, string> Outcomes(string sample)
    {
        using var ds = VectorDataset.Open(sample);
        return ds.Layer("sample").Features().ToDictionary(f => f.GetString("JCBH")!, f => f.GetString("outcome")!);
    }

    [Fact]
    public async Task EveryPlantedFalseVerdictImageryCanSeeIsDoubtful()
    {
        var outDir = _dir.File("census");
        var (code, output) = await CliProcess.RunAsync(Args(fx.Verdicts.Verdicts, outDir, "--sample", "100%"));

        Assert.True(code == 0, output);
        var outcomes = Outcomes(Path.Combine(outDir, "sample.gpkg"));
        Assert.Equal(fx.Truth.Count, outcomes.Count);
        var visible = fx.Truth.Values.Where(t => t[6] == "1").Select(t => t[0]).ToList();
        Assert.True(visible.Count >= 2, $"the fixture plants {visible.Count} visible false verdicts");
        Assert.All(visible, j => Assert.Equal("doubtful", outcomes[j]));
        // An honest verdict checked by imagery is not called doubtful on this scene, and every doubtful one feeds the next recheck.
        Assert.DoesNotContain(outcomes, kv => kv.Value == "doubtful" && fx.Truth[kv.Key][5] == "0");
        var doubtful = EarlierPolygon.Read(Path.Combine(outDir, "doubtful.gpkg"), null);
        Assert.Equal(outcomes.Where(kv => kv.Value == "doubtful").Select(kv => kv.Key).Order(), doubtful.Select(p => p.Jcbh).Order());
        Assert.Contains("Doubtful verdicts", File.ReadAllText(Path.Combine(outDir, "report.html")), StringComparison.Ordinal);
        // A census: each county's rate is exact and equals the planted authenticity.
        var planted = File.ReadAllLines(fx.Verdicts.Counties).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[4]);
        foreach (var row in File.ReadAllLines(Path.Combine(outDir, "authenticity.csv")).Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "county"))
        {
            Assert.Equal(row[8], row[9]);
            Assert.Equal(double.Parse(planted[row[1]], CultureInfo.InvariantCulture), double.Parse(row[8], CultureInfo.InvariantCulture), 3);
        }
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameSample()
    {
        string a = _dir.File("a"), b = _dir.File("b"), c = _dir.File("c");
        foreach (var (dir, seed) in new[] { (a, "4"), (b, "4"), (c, "5") })
        {
            var (code, output) = await CliProcess.RunAsync(Args(fx.Verdicts.Verdicts, dir, "--sample", "30%", "--min-per-stratum", "2", "--seed", seed));
            Assert.True(code == 0, output);
        }

        Assert.Equal(File.ReadAllText(Path.Combine(a, "strata.csv")), File.ReadAllText(Path.Combine(b, "strata.csv")));
        Assert.Equal(File.ReadAllText(Path.Combine(a, "authenticity.csv")), File.ReadAllText(Path.Combine(b, "authenticity.csv")));
        Assert.Equal(Outcomes(Path.Combine(a, "sample.gpkg")), Outcomes(Path.Combine(b, "sample.gpkg")));
        Assert.NotEqual(Outcomes(Path.Combine(a, "sample.gpkg")).Keys.Order(), Outcomes(Path.Combine(c, "sample.gpkg")).Keys.Order());
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "no-pdlx", "JCBH,XZQDM,verdict\n{first},420000,违法\n", "the header must name JCBH and PDLX" },
        { "unknown-verdict", "JCBH,XZQDM,PDLX\n{first},420000,maybe\n", "line 2: PDLX 'maybe' is not a verdict" },
        { "unknown-polygon", "JCBH,XZQDM,PDLX\n{all}999999WP2400001,999999,违法\n", "1 JCBH not among the polygons" },
        { "unreported", "JCBH,XZQDM,PDLX\n{first},420000,违法\n", "without a verdict" },
        { "no-county", "JCBH,PDLX\n{allnocounty}", "has no county: neither the verdicts nor the polygons" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadVerdictsAreOneLineAndNothingIsWritten(string name, string template, string expected)
    {
        var lines = File.ReadAllLines(fx.Verdicts.Verdicts).Skip(1).Select(l => l.Split(',')).ToList();
        var text = template.Replace("{first}", lines[0][0], StringComparison.Ordinal)
            .Replace("{all}", string.Concat(lines.Select(f => $"{f[0]},{f[1]},{f[2]}\n")), StringComparison.Ordinal)
            .Replace("{allnocounty}", string.Concat(lines.Select(f => $"{f[0]},{f[2]}\n")), StringComparison.Ordinal);
        var path = _dir.File(name + ".csv");
        File.WriteAllText(path, text);
        var outDir = _dir.File("out-" + name);

        var (code, stderr) = await CliProcess.RunForErrorAsync(Args(path, outDir));

        Assert.Equal(2, code);
        Assert.DoesNotContain('\n', stderr);
        Assert.StartsWith("weipian: ", stderr, StringComparison.Ordinal);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("--sample", "0%", "(--sample 10% or --sample 120)")]
    [InlineData("--stratify", "XZQDM,FOO", "Cannot stratify by 'FOO'")]
    [InlineData("--confidence", "0.5", "(--confidence)")]
    public async Task BadOptionsAreOneLineNamingTheOption(string option, string value, string expected)
    {
        var outDir = _dir.File("out");
        var (code, stderr) = await CliProcess.RunForErrorAsync(Args(fx.Verdicts.Verdicts, outDir, option, value));

        Assert.Equal(2, code);
        Assert.DoesNotContain('\n', stderr);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }
}
