using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Files;

/// <summary>
/// A run killed between any two steps of replacing an output leaves, once the next run of the same output has looked,
/// either the old or the new output complete under the final name: never a new .shp with the old .dbf, never no FileGDB
/// at all. The kill is a throw from the commit's step hook after N steps, for every N, with the temporary names owned by
/// a process that does not run (as a killed one's are); the "next run" is an <see cref="AtomicOutput.Begin(string, OutputLayout)"/>
/// of the same output. Each output is read back through OGR: the count and a field that says which set every record
/// comes from.
/// </summary>
public sealed class SwapFaultTests : IDisposable
{
    /// <summary>Above Linux's largest pid_max (2^22): no process has it.</summary>
    internal const int DeadProcess = 99_999_999;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class Killed : Exception;

    [Theory]
    [InlineData("ESRI Shapefile", "polygons.shp", 9)]
    [InlineData("OpenFileGDB", "polygons.gdb", 3)]
    [InlineData("GPKG", "polygons.gpkg", 1)]
    public void KilledAtAnyStepOfTheCommitLeavesTheOldOrTheNewOutput(string driver, string name, int fewestSteps)
    {
        var path = _dir.File(name);
        var notices = new List<string>();
        void Listen(string n)
        {
            if (n.Contains(Path.GetFileNameWithoutExtension(name), StringComparison.Ordinal)) lock (notices) notices.Add(n);
        }
        OutputNotices.Raised += Listen;
        try
        {
            Write(path, driver, features: 3, Environment.ProcessId, step: null);
            var outcomes = new List<int>();
            for (var n = 0; ; n++)
            {
                var steps = 0;
                var killed = false;
                try
                {
                    Write(path, driver, features: 5, DeadProcess, step: _ =>
                    {
                        if (steps++ == n) throw new Killed();
                    });
                }
                catch (Killed)
                {
                    killed = true;
                }
                notices.Clear();
                using (AtomicOutput.Begin(path, VectorOutput.LayoutOf(driver))) { }

                var set = ReadSet(path);
                Assert.True(set is 3 or 5, $"killed before step {n}: the output holds a mix, {set}");
                Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, ".*"));
                outcomes.Add(set);
                if (!killed)
                {
                    Assert.Equal(5, set);
                    Assert.True(n >= fewestSteps, $"the commit took {n} steps");
                    break;
                }
                Assert.NotEmpty(notices);
                if (set == 5) Write(path, driver, features: 3, Environment.ProcessId, step: null);
            }
            // Early kills keep the old output, late ones finish the new one.
            Assert.Equal(3, outcomes[0]);
            Assert.Equal(5, outcomes[^1]);
        }
        finally
        {
            OutputNotices.Raised -= Listen;
        }
    }

    [Theory]
    [InlineData("ESRI Shapefile", "polygons.shp")]
    [InlineData("OpenFileGDB", "polygons.gdb")]
    public void CommitThatFailsAtAnyStepIsFinishedOrUndoneWhenDisposed(string driver, string name)
    {
        var path = _dir.File(name);
        Write(path, driver, features: 3, Environment.ProcessId, step: null);
        for (var n = 0; ; n++)
        {
            var steps = 0;
            var failed = false;
            try
            {
                Write(path, driver, features: 5, Environment.ProcessId, step: _ =>
                {
                    if (steps++ == n) throw new IOException("disk full");
                }, disposeOnFailure: true);
            }
            catch (IOException)
            {
                failed = true;
            }
            var set = ReadSet(path);
            Assert.True(set is 3 or 5, $"failed before step {n}: the output holds a mix, {set}");
            Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.Path, ".*"));
            if (!failed) break;
            if (set == 5) Write(path, driver, features: 3, Environment.ProcessId, step: null);
        }
    }

    [Fact]
    public void OldMembersTheNewSetLacksDoNotSurviveTheSwap()
    {
        var path = _dir.File("polygons.shp");
        Write(path, "ESRI Shapefile", features: 3, Environment.ProcessId, step: null);
        // A spatial index of the old geometries would be read against the new .shp.
        File.WriteAllText(_dir.File("polygons.qix"), "old index");
        Write(path, "ESRI Shapefile", features: 5, Environment.ProcessId, step: null);
        Assert.False(File.Exists(_dir.File("polygons.qix")));
        Assert.Equal(5, ReadSet(path));
    }

    /// <summary>Writes <paramref name="features"/> squares whose field <c>series</c> holds the count, through a <see cref="VectorOutput"/>
    /// named after <paramref name="owner"/>; a throw from <paramref name="step"/> abandons it as a kill would (no dispose),
    /// unless <paramref name="disposeOnFailure"/>.</summary>
    internal static void Write(string path, string driver, int features, int owner, Action<string>? step, bool disposeOnFailure = false)
    {
        var output = VectorOutput.Create(path, driver, owner);
        var layer = output.Dataset.CreateLayer(output.LayerName("polygons"), GeometryKind.Polygon, SpatialReference.FromEpsg(4546),
            [new FieldDefinition("series", FieldKind.Integer)]);
        var wkb = new WKBWriter();
        var f = new GeometryFactory();
        for (var i = 0; i < features; i++)
        {
            var x = 500_000 + 10 * i;
            layer.Add(wkb.Write(f.CreatePolygon([new(x, 0), new(x + 5, 0), new(x + 5, 5), new(x, 5), new(x, 0)])), [features]);
        }
        output.Step = step;
        try
        {
            output.Commit();
        }
        catch when (disposeOnFailure)
        {
            output.Dispose();
            throw;
        }
        output.Dispose();
    }

    /// <summary>The set the output holds: its feature count, checked against every record's field and geometry.</summary>
    internal static int ReadSet(string path)
    {
        using var ds = VectorDataset.Open(path);
        var layer = ds.Layer(0);
        var records = layer.Features().Select(f => (Set: (int)(f.GetInt64("series") ?? -1), f.Wkb)).ToList();
        Assert.All(records, r => Assert.NotNull(r.Wkb));
        Assert.All(records, r => Assert.Equal(records.Count, r.Set));
        return records.Count;
    }
}
