using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Cli;

/// <summary>
/// The screening cascade's options refuse bad input through the real command line before any work: one line naming the
/// option, exit 2, nothing written.
/// </summary>
public sealed class ScreenRefusalTests(BenchSetFixture fx) : IClassFixture<BenchSetFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Detect(params string[] extra) =>
    [
        "detect", "--before", Path.Combine(fx.Case, "before.tif"), "--after", Path.Combine(fx.Case, "after.tif"), "--all-land",
        "--out", _dir.File("out.gpkg"), .. extra,
    ];

    [Fact]
    public async Task UnknownScreenIsRefusedByOption()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(Detect("--screen", "no-such-screen"));

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: --screen: 'no-such-screen' is neither a bundled model", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("out.gpkg")));
    }

    [Fact]
    public async Task ScreenGivenAsTheModelIsRefusedInOneLine()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(Detect("--model", "screen-v1"));

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: Model '", stderr, StringComparison.Ordinal);
        Assert.Contains("screen-v1.onnx' takes block means", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(File.Exists(_dir.File("out.gpkg")));
    }

    [Fact]
    public async Task ThresholdAboveOneHalfIsRefusedWithTheOption()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(Detect("--screen", "spectral-v1", "--screen-threshold", "0.7"));

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: A screen threshold of 0.7: ", stderr, StringComparison.Ordinal);
        Assert.EndsWith("(--screen-threshold 0.35)", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("out.gpkg")));
    }

    [Fact]
    public async Task BenchModelsNamesAMissingScreenAfterThePlus()
    {
        var (code, stderr) = await CliProcess.RunForErrorAsync(["bench-models", "--models", "spectral-v1+no-such-screen", "--set", fx.Set]);

        Assert.Equal(2, code);
        Assert.StartsWith("weipian: --models spectral-v1+no-such-screen: the screen after '+': 'no-such-screen' is neither a bundled model", stderr, StringComparison.Ordinal);
    }
}
