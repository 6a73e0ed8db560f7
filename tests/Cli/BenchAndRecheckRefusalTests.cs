using System.Security.Cryptography;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Cli;

/// <summary>One small synthesised case in a benchmark set folder, shared by the refusal tests below.</summary>
public sealed class BenchSetFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public BenchSetFixture()
    {
        Set = _dir.File("set");
        Case = SceneSynthesizer.Run(new SynthOptions { Size = 128, Seed = 3, WriteShapefiles = false }, Path.Combine(Set, "case1")).Directory;
    }

    /// <summary>The set folder, as <c>--set</c> takes it.</summary>
    public string Set { get; }

    /// <summary>Its one case: before.tif, after.tif, survey.gpkg, truth.gpkg, truth.tif.</summary>
    public string Case { get; }

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// bench-models and recheck refuse bad input through the real command line before any work: one line on stderr naming
/// the option or file, exit 2, no progress line before it, nothing written.
/// </summary>
public sealed class BenchAndRecheckRefusalTests(BenchSetFixture fx) : IClassFixture<BenchSetFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task MissingModelFileIsTheOnlyLine()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "missing.onnx", "--set", fx.Set]);

        Assert.Equal(2, code);
        Assert.Equal("weipian: --models: Model file 'missing.onnx' does not exist.", stderr);
    }

    [Fact]
    public async Task SplitOfASetThatIsNoTrainingExportIsTheOnlyLine()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "spectral-v1", "--set", fx.Set, "--split", "test"]);

        Assert.Equal(2, code);
        Assert.Equal($"weipian: '{fx.Set}' is not a training export (no export.json and index.jsonl; make one with export-training). (--split test)", stderr);
    }

    [Fact]
    public async Task UnknownModelVariantIsRefusedByName()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "spectral-v1:fp17", "--set", fx.Set]);

        Assert.Equal(2, code);
        Assert.Equal("weipian: --models spectral-v1:fp17: unknown variant ':fp17'; the variants are :fp16 (the model in float16) and the bundled NAME-VARIANT.onnx files, e.g. fusion-unet-v1:int8.", stderr);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("1.5")]
    public async Task MaxDropOutsideZeroToOneIsRefused(string maxDrop)
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "spectral-v1", "--set", fx.Set, "--max-drop", maxDrop]);

        Assert.Equal(2, code);
        Assert.Equal($"weipian: --max-drop {maxDrop}: give the largest allowed drop as a share from 0 to 1, e.g. 0.02.", stderr);
    }

    [Fact]
    public async Task NegativeThreadsAreRefusedBeforeTheFirstModel()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "spectral-v1", "--set", fx.Set, "--threads", "-4"]);

        Assert.Equal(2, code);
        Assert.Equal("weipian: --threads -4: use 0 (the cores shared among the lanes) or more.", stderr);
    }

    [Fact]
    public async Task ReportFolderThatIsAnInputFileIsRefusedAndTheFileKept()
    {
        var before = Path.Combine(fx.Case, "before.tif");
        var hash = SHA256.HashData(File.ReadAllBytes(before));

        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "spectral-v1", "--set", fx.Set, "--out", before]);

        Assert.Equal(2, code);
        Assert.Equal($"weipian: --out {before}: it is a file; --out names the folder for report.md, report.csv, report.json.", stderr);
        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(before)));
    }

    [Fact]
    public async Task RecheckIdFieldTheLayerLacksIsRefusedBeforeWork()
    {
        var polygons = Path.Combine(fx.Case, "truth.gpkg");
        var output = _dir.File("rc.gpkg");

        var (code, stderr) = await CliProcess.RunForErrorAsync(["recheck", "--polygons", polygons, "--image", Path.Combine(fx.Case, "after.tif"),
            "--out", output, "--id-field", "nosuchfield"]);

        Assert.Equal(2, code);
        Assert.StartsWith($"weipian: Earlier polygons '{polygons}': layer 'truth' has no id field 'nosuchfield'; its fields are ", stderr);
        Assert.Contains("class_id", stderr);
        Assert.EndsWith("(--id-field)", stderr);
        Assert.DoesNotContain('\n', stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public async Task RecheckWithoutIdFieldStillNumbersPolygonsWithoutJcbh()
    {
        var output = _dir.File("rc.gpkg");

        var (code, _) = await CliProcess.RunForErrorAsync(["recheck", "--polygons", Path.Combine(fx.Case, "truth.gpkg"), "--image", Path.Combine(fx.Case, "after.tif"),
            "--out", output]);

        Assert.Equal(0, code);
        Assert.True(File.Exists(output));
    }
}
