using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// <c>weipian reprocess</c> (and <c>eval --area-km2</c>) on bad input, through the real command: exit code 2 and one
/// line on stderr naming the file or option, no stack trace, nothing written.
/// </summary>
public sealed class ReprocessCliRefusalTests : IDisposable
{
    private readonly BatchWorld _world = new();
    private readonly TempDir _dir = new();

    public static TheoryData<string, string> Cases => new()
    {
        { "stray quote", "line 2: text after the closing quote of a field" },
        { "unknown column", "unknown column befor_date" },
        { "merge overlap 5", "merge overlap 5 is not a share of the smaller polygon: give a number from 0 to 1. (--merge-overlap)" },
        { "merge overlap NaN", "merge overlap NaN is not a share of the smaller polygon: give a number from 0 to 1. (--merge-overlap)" },
        { "out not a batch folder", "or allow writing among its files. (--allow-nonempty)" },
        { "damaged journal", "journal.sqlite" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ReprocessRefusesWithOneLine(string bad, string message)
    {
        var jobs = _world.Jobs().Take(1).ToList();
        var manifest = _world.Manifest("scenes.csv", jobs);
        var output = _dir.File("batch");
        var extra = new List<string>();
        switch (bad)
        {
            case "stray quote":
                File.WriteAllText(manifest, $"key,before,after\nS1,\"{jobs[0].Before},{jobs[0].After}\nS2,\"{jobs[0].Before}\",{jobs[0].After}\n");
                break;
            case "unknown column":
                File.WriteAllText(manifest, $"key,before,after,befor_date\nS1,{jobs[0].Before},{jobs[0].After},20240315\n");
                break;
            case "merge overlap 5": extra.AddRange(["--merge-overlap", "5"]); break;
            case "merge overlap NaN": extra.AddRange(["--merge-overlap", "NaN"]); break;
            case "out not a batch folder":
                Directory.CreateDirectory(Path.Combine(output, "tmp"));
                File.WriteAllText(Path.Combine(output, "tmp", "keep.txt"), "mine");
                break;
            default:
                Directory.CreateDirectory(output);
                File.WriteAllText(Path.Combine(output, "journal.sqlite"), "SQLite format 3\0 but cut short");
                break;
        }
        var before = Snapshot(output);

        var (code, stdout, stderr) = await RunAsync(
            ["reprocess", "--manifest", manifest, "--survey", _world.SurveyPath, "--model", BatchWorld.ModelPath, "--out", output, "--threads", "1", .. extra]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith("weipian: ", line);
        Assert.Contains(message, line);
        Assert.Equal("", stdout);
        Assert.Equal(before, Snapshot(output));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("NaN")]
    public async Task EvalRefusesAnAreaThatIsNotPositive(string km2)
    {
        var (code, _, stderr) = await RunAsync(["eval", "--truth", _world.File("scenes/S00-after.tif"), "--pred", _world.File("scenes/S00-after.tif"), "--area-km2", km2]);
        Assert.Equal(2, code);
        Assert.Contains($"--area-km2 {km2}: give the area evaluated in km², a number above 0.", Assert.Single(Lines(stderr)));
    }

    [Fact]
    public async Task AttachingWithNoSiloSaysWhatItWaitsForAndGivesUp()
    {
        var port = FreePort();
        var clock = Stopwatch.StartNew();
        var (code, _, stderr) = await RunAsync(["reprocess", "--cluster", $"localhost:{port}", "--attach", "b1", "--connect-timeout", "3"]);
        clock.Stop();

        Assert.True(code == 2, stderr);
        Assert.InRange(clock.Elapsed.TotalSeconds, 3, 30);
        var lines = Lines(stderr);
        Assert.Equal(2, lines.Count);
        Assert.Contains($"waiting for a silo's gateway on localhost port {port} to answer (giving up after 3 s, --connect-timeout)", lines[0]);
        Assert.Contains($"--cluster localhost:{port}: a silo's gateway on localhost port {port} did not answer within 3 s", lines[1]);
    }

    [Fact]
    public async Task ConnectTimeoutMustBePositive()
    {
        var (code, _, stderr) = await RunAsync(["reprocess", "--cluster", "localhost", "--attach", "b1", "--connect-timeout", "0"]);
        Assert.Equal(2, code);
        Assert.Contains("--connect-timeout 0: give the seconds to wait for the cluster", Assert.Single(Lines(stderr)));
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    // Every file and its hash, the batch's own subfolder aside (BatchRefusalLeavesNothingTests checks it byte for byte too).
    private static string Snapshot(string folder) => !Directory.Exists(folder) ? "(none)" : string.Join("\n",
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !f.Contains(WeiPian.Engine.Batch.BatchFolder.OwnName, StringComparison.Ordinal)).Order().Select(f => $"{f} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args)
    {
        using var p = CliProcess.Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        _dir.Dispose();
        _world.Dispose();
    }
}
