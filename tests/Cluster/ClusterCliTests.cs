using System.Diagnostics;
using WeiPian.Cluster;
using WeiPian.Cluster.Hosting;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Cluster;

/// <summary>What `weipian reprocess --cluster` and `weipian silo` accept, without a cluster.</summary>
public class ClusterCliTests
{
    [Theory]
    [InlineData("localhost", ClusterStoreKind.Localhost, null, new int[0])]
    [InlineData("localhost:30000,30001", ClusterStoreKind.Localhost, null, new[] { 30000, 30001 })]
    [InlineData("redis:10.0.0.5:6379", ClusterStoreKind.Redis, "10.0.0.5:6379", new int[0])]
    [InlineData("postgres:Host=db;Database=orleans", ClusterStoreKind.Postgres, "Host=db;Database=orleans", new int[0])]
    public void ConnectionsAreRead(string text, ClusterStoreKind kind, string? connection, int[] ports)
    {
        var c = ClusterConnection.Parse(text);
        Assert.Equal(kind, c.Kind);
        Assert.Equal(connection, c.ConnectionString);
        Assert.Equal(ports, c.Ports);
    }

    [Theory]
    [InlineData("zookeeper:x")]
    [InlineData("localhost:port")]
    public void BadConnectionsAreRefused(string text) => Assert.Throws<InputException>(() => ClusterConnection.Parse(text));

    [Fact]
    public void DefaultBatchIdNamesTheFolderAndHashesItsPath()
    {
        var a = ClusterBatches.DefaultId("/data/weipian/batch 2024");
        Assert.Matches("^batch_2024-[0-9a-f]{8}$", a);
        Assert.Equal(a, ClusterBatches.DefaultId("/data/weipian/batch 2024/"));
        Assert.NotEqual(a, ClusterBatches.DefaultId("/other/batch 2024"));
    }

    [Theory]
    [InlineData("reprocess --attach b1", "--attach needs --cluster.")]
    [InlineData("reprocess --cluster localhost --cancel", "--cancel needs --cluster and --attach.")]
    [InlineData("reprocess --cluster localhost --survey s.gpkg", "Option '--manifest' is required.")]
    public async Task OptionsThatDoNotGoTogetherAreRefused(string args, string message)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(TestPaths.RepoRoot, "src", "Cli", "bin", AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug", "net10.0", "weipian.dll"));
        foreach (var a in args.Split(' ')) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains(message, output);
    }
}
