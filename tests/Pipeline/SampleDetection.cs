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

    public async Task InitializeAsync()
    {
        using var detector = new ChangeDetector(Model);
        var list = new List<Tuban>();
        await foreach (var t in detector.DetectAsync(Pair, SamplePath("survey.gpkg"))) list.Add(t);
        Tubans = list;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
