namespace WeiPian.Engine.Tests.Support;

/// <summary>Where the repository, the shared real data and scratch folders are.</summary>
public static class TestPaths
{
    /// <summary>The repository root (the folder holding WeiPian.Engine.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>../shared/data/real beside the repository.</summary>
    public static string RealData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", "real"));

    /// <summary>A file under ../shared/data/real; the test is skipped (by <see cref="RealDataFactAttribute"/>) when the folder is absent.</summary>
    public static string Real(params string[] parts) => Path.Combine([RealData, .. parts]);

    /// <summary>The bundled sample case.</summary>
    public static string SampleTiles => Path.Combine(RepoRoot, "data", "sample-tiles");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeiPian.Engine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Cannot find WeiPian.Engine.sln above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fact that is skipped with a clear reason when ../shared/data/real is not beside the repository.</summary>
public sealed class RealDataFactAttribute : FactAttribute
{
    public RealDataFactAttribute()
    {
        if (!Directory.Exists(TestPaths.RealData)) Skip = $"real test data not found at {TestPaths.RealData}";
    }
}

/// <summary>A theory that is skipped when ../shared/data/real is absent.</summary>
public sealed class RealDataTheoryAttribute : TheoryAttribute
{
    public RealDataTheoryAttribute()
    {
        if (!Directory.Exists(TestPaths.RealData)) Skip = $"real test data not found at {TestPaths.RealData}";
    }
}

/// <summary>A scratch folder deleted at dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "weipian-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
