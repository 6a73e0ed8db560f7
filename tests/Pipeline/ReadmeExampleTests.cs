using System.Text.RegularExpressions;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The README's library example (and the Engine package readme's) is this file's <see cref="Example"/>, line for line,
/// under this file's <c>using</c> directives, and it runs in an empty folder with only the sample data in it.
/// </summary>
[Collection(CurrentDirectoryCollection.Name)]
public class ReadmeExampleTests
{
    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/packages/WeiPian.Engine.md")]
    public void TheReadmeShowsExactlyThisExample(string readmePath)
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, readmePath));
        var block = Regex.Match(readme, @"<!-- library-example[^>]*-->\s*```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, $"{readmePath} has the library example block");
        var source = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "Pipeline", "ReadmeExampleTests.cs"));
        var body = Regex.Match(source, @"// example-begin\n(.*?)\s*// example-end", RegexOptions.Singleline).Groups[1].Value;
        var lines = Normalise(block.Groups[1].Value);
        var usings = lines.Where(IsUsingDirective).ToList();
        Assert.NotEmpty(usings);
        Assert.All(usings, u => Assert.Contains(u, Normalise(source).Where(IsUsingDirective)));
        Assert.Equal(Normalise(body), lines.Where(l => !IsUsingDirective(l)));
    }

    [Fact]
    public async Task TheExampleRuns()
    {
        var previous = Environment.CurrentDirectory;
        using var dir = new TempDir();
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

    private static List<string> Normalise(string code) =>
        code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    private static bool IsUsingDirective(string line) => Regex.IsMatch(line, @"^using [A-Za-z][\w.]*;$");
}

/// <summary>Tests that change the process's current directory run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CurrentDirectoryCollection
{
    public const string Name = "CurrentDirectory";
}
