using System.Text.RegularExpressions;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>The README's library example is this file's <see cref="Example"/>, line for line, and it runs.</summary>
[Collection(CurrentDirectoryCollection.Name)]
public class ReadmeExampleTests
{
    [Fact]
    public void TheReadmeShowsExactlyThisExample()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var block = Regex.Match(readme, @"<!-- library-example[^>]*-->\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "README has the library example block");
        var source = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "Pipeline", "ReadmeExampleTests.cs"));
        var body = Regex.Match(source, @"// example-begin\n(.*?)\s*// example-end", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(Normalise(block.Groups[1].Value), Normalise(body));
    }

    [Fact]
    public async Task TheExampleRuns()
    {
        var previous = Environment.CurrentDirectory;
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "out"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "data"), Path.Combine(TestPaths.RepoRoot, "data"));
        Environment.CurrentDirectory = dir.Path;
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            await Example();
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = previous;
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "tuban.gpkg")));
        Assert.Matches(@"\d+ polygons, [\d.]+ 亩 of farmland", output.ToString());
    }

    private static async Task Example()
    {
        // example-begin
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"));
        var pair = new ScenePair("data/sample-tiles/before.tif", "data/sample-tiles/after.tif");
        var survey = "data/sample-tiles/survey.gpkg";

        await foreach (var t in detector.DetectAsync(pair, survey))
            Console.WriteLine($"{t.Jcbh} {t.Tblx} {t.Jcmj:0} m², {t.Jcgdmj:0} m² on farmland");

        var summary = await detector.DetectToFileAsync(pair, survey, "out/tuban.gpkg");
        Console.WriteLine($"{summary.Count} polygons, {summary.FarmlandArea / 666.67:0.0} 亩 of farmland");
        // example-end
    }

    private static string Normalise(string code) =>
        string.Join("\n", code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
}

/// <summary>Tests that change the process's current directory run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CurrentDirectoryCollection
{
    public const string Name = "CurrentDirectory";
}
