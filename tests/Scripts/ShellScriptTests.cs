using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Scripts;

/// <summary>The repository's shell scripts: what they decide from a pipeline, and what they let the user see.</summary>
[SupportedOSPlatform("linux")]
public class ShellScriptTests
{
    /// <summary>
    /// GDAL listed first among many libraries: grep -q stops reading at once, so a writer still writing gets SIGPIPE,
    /// and under pipefail `ldconfig -p | grep -q` then says "missing" and reinstalls GDAL (or fails offline).
    /// </summary>
    [Fact]
    public void EnsureDepsSeesGdalInALongLibraryList()
    {
        using var dir = new TempDir();
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        Stub(bin, "ldconfig", "printf '\\tlibgdal.so.32 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libgdal.so.32\\n'; seq 1 200000");
        Stub(bin, "gdalinfo", "exit 0");
        Stub(bin, "apt-get", $"echo \"$@\" >> '{dir.File("apt-get.log")}'");
        Stub(bin, "sudo", "\"$@\"");
        var output = Bash(Path.Combine(TestPaths.RepoRoot, "scripts", "ensure-deps.sh"), bin);
        var installs = File.Exists(dir.File("apt-get.log")) ? File.ReadAllText(dir.File("apt-get.log")) : "";
        Assert.False(installs.Contains("libgdal32"), "ensure-deps.sh installs libgdal32 with GDAL present: " + output);
    }

    [Fact]
    public void NoScriptUnderPipefailEndsAPipelineWithAQuietGrep()
    {
        var quietGrep = new Regex(@"\|\s*grep\s+(-[A-Za-z]*q|--quiet|--silent)");
        var offending = Scripts()
            .Where(s => File.ReadAllText(s).Contains("pipefail"))
            .SelectMany(s => File.ReadLines(s).Select((line, i) => (Script: s, Line: i + 1, Text: line)))
            .Where(l => !l.Text.TrimStart().StartsWith('#') && quietGrep.IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(TestPaths.RepoRoot, l.Script)}:{l.Line}: {l.Text.Trim()}");
        Assert.Empty(offending);
    }

    /// <summary>The scripts a user runs first show why a build failed instead of exiting silently.</summary>
    [Fact]
    public void TheUsersScriptsNeverDiscardTheOutputOfABuild()
    {
        var discardedBuild = new Regex(@"dotnet\s+(build|pack|publish)\b[^|;]*>\s*/dev/null");
        var offending = Scripts()
            .Where(s => Path.GetDirectoryName(s) == TestPaths.RepoRoot || Path.GetDirectoryName(s) == Path.Combine(TestPaths.RepoRoot, "scripts"))
            .SelectMany(s => File.ReadLines(s).Select((line, i) => (Script: s, Line: i + 1, Text: line)))
            .Where(l => discardedBuild.IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(TestPaths.RepoRoot, l.Script)}:{l.Line}: {l.Text.Trim()}");
        Assert.Empty(offending);
    }

    private static IEnumerable<string> Scripts() =>
        Directory.EnumerateFiles(TestPaths.RepoRoot, "*.sh", SearchOption.AllDirectories)
            .Where(p => !Regex.IsMatch(Path.GetRelativePath(TestPaths.RepoRoot, p), @"(^|/)(bin|obj|out)/"));

    private static void Stub(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/usr/bin/env bash\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string Bash(string script, string stubs)
    {
        var start = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["PATH"] = stubs + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return stdout + stderr.Result;
    }
}
