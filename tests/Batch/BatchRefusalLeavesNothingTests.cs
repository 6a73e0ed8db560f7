using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Batch;

/// <summary>
/// <c>weipian reprocess</c> refusing a batch folder or an option, through the real command: exit 2, one line naming the
/// file or option, and the batch folder byte-identical afterwards (its lock included), or not created at all.
/// </summary>
public sealed class BatchRefusalLeavesNothingTests : IDisposable
{
    private readonly BatchWorld _world = new();
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    public async Task DamagedJournalLeavesTheBatchFolderAndItsLockAlone(string damage)
    {
        var output = _dir.File("batch");
        Directory.CreateDirectory(Path.Combine(output, BatchFolder.OwnName));
        File.WriteAllText(Path.Combine(output, BatchFolder.OwnName, "lock"), "424242");
        var journal = Path.Combine(output, "journal.sqlite");
        File.WriteAllBytes(journal, damage == "truncated"
            ? [.. "SQLite format 3\0"u8, .. new byte[84]]
            : [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 37 % 251))]);
        var before = Snapshot(output);

        var (code, stdout, stderr) = await RunAsync(["--out", output]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains("journal.sqlite", Assert.Single(Lines(stderr)));
        Assert.Equal(before, Snapshot(output));
    }

    [Fact]
    public async Task BadClusterConnectionCreatesNoBatchFolder()
    {
        var output = _dir.File("b1");

        var (code, stdout, stderr) = await RunAsync(["--out", output, "--cluster", "nosuchstore:x"]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith("weipian: cluster 'nosuchstore:x': use localhost", line);
        Assert.False(Directory.Exists(output), $"{output} was created");
    }

    [Fact]
    public async Task ClusterThatDoesNotAnswerCreatesNoBatchFolder()
    {
        var output = _dir.File("b1");
        var port = FreePort();

        var (code, stdout, stderr) = await RunAsync(["--out", output, "--cluster", $"localhost:{port}", "--connect-timeout", "1"]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var lines = Lines(stderr);
        Assert.Equal(2, lines.Count);
        Assert.Contains($"waiting for a silo's gateway on localhost port {port}", lines[0]);
        Assert.Contains($"--cluster localhost:{port}: a silo's gateway on localhost port {port} did not answer within 1 s", lines[1]);
        Assert.False(Directory.Exists(output), $"{output} was created");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnknownEpsgIsRefusedNamingTheOption(bool onCluster)
    {
        var output = _dir.File("b1");
        string[] cluster = onCluster ? ["--cluster", "localhost:1", "--connect-timeout", "1"] : [];

        var (code, stdout, stderr) = await RunAsync(["--out", output, "--epsg", "99999", .. cluster]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith("weipian: ", line);
        Assert.Contains("EPSG:99999", line);
        Assert.Contains("--epsg", line);
        Assert.False(Directory.Exists(output), $"{output} was created");
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(IEnumerable<string> options)
    {
        var manifest = _world.Manifest("scenes.csv", _world.Jobs().Take(1).ToList());
        using var p = CliProcess.Start(["reprocess", "--manifest", manifest, "--survey", _world.SurveyPath, "--model", BatchWorld.ModelPath, "--threads", "1", .. options]);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    // Every folder and file under the batch folder, files with their SHA-256: what "byte-identical" means here.
    private static string Snapshot(string folder) => string.Join("\n",
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(e => Directory.Exists(e) ? $"{e}/" : $"{e} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(e)))}"));

    public void Dispose()
    {
        _dir.Dispose();
        _world.Dispose();
    }
}
