using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>One detection of the bundled sample with spectral-v1, shared by the tests that inspect its output.</summary>
public sealed class SampleDetection : IAsyncLifetime
{
    public static string SamplePath(string name) => Path.Combine(TestPaths.SampleTiles, name);

    public static ScenePair Pair => new(SamplePath("before.tif"), SamplePath("after.tif"));

    public static string Model => BundledModels.Resolve("spectral-v1");

    public IReadOnlyList<Tuban> Tubans { get; private set; } = [];

    /// <summary>The sample pair (or <paramref name="pair"/>) detected on all land, without a survey, with <paramref name="options"/>.</summary>
    public static async Task<List<Tuban>> DetectAllLand(DetectionOptions options, ScenePair? pair = null)
    {
        using var detector = new ChangeDetector(Model);
        var list = new List<Tuban>();
        await foreach (var t in detector.DetectAsync(pair ?? Pair, null, options with { AllLand = true })) list.Add(t);
        return list;
    }

    public async Task InitializeAsync()
    {
        using var detector = new ChangeDetector(Model);
        var list = new List<Tuban>();
        await foreach (var t in detector.DetectAsync(Pair, SamplePath("survey.gpkg"))) list.Add(t);
        Tubans = list;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
