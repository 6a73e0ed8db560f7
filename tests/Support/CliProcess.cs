using System.Diagnostics;

namespace WeiPian.Engine.Tests.Support;

/// <summary>The <c>weipian</c> command built beside the tests (same configuration), run with <c>dotnet</c> in a child process.</summary>
public static class CliProcess
{
    /// <summary>src/Cli/bin/&lt;configuration&gt;/net10.0/weipian.dll (the test project builds it through its reference to src/Cli).</summary>
    public static string DllPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(TestPaths.RepoRoot, "src", "Cli", "bin", configuration, "net10.0", "weipian.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"weipian.dll not built at {path} (the test project builds it through its reference to src/Cli).", path);
        }
    }

    /// <summary>Starts <c>weipian ARGS</c> with its output redirected; the caller reads or kills it.</summary>
    public static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    /// <summary>Runs <c>weipian ARGS</c> to the end (at most three minutes) and returns its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(IEnumerable<string> args)
    {
        var (code, stdout, stderr) = await RunToEndAsync(args);
        return (code, stdout + stderr);
    }

    /// <summary>Runs <c>weipian ARGS</c> to the end (at most three minutes) and returns its exit code and its stderr, trimmed.</summary>
    public static async Task<(int Code, string Stderr)> RunForErrorAsync(IEnumerable<string> args)
    {
        var (code, _, stderr) = await RunToEndAsync(args);
        return (code, stderr.Trim());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunToEndAsync(IEnumerable<string> args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A runaway command must not outlive its test.
            p.Kill(entireProcessTree: true);
            throw;
        }
        return (p.ExitCode, await stdout, await stderr);
    }
}
