using WeiPian.Engine.Gdal;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Gdal;

/// <summary>Transactions: committed features are there after reopening, rolled-back ones are not.</summary>
public class VectorTransactionTests
{
    private static readonly FieldDefinition[] Fields = [new("JCBH", FieldKind.String, 20), new("N", FieldKind.Integer)];

    private static void AddSquares(VectorLayer layer, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
            layer.Add(Wkb.Rectangle(i, 0, i + 1, 1), [$"{prefix}{i:D4}", i]);
    }

    private static long CountAfterReopening(string path)
    {
        using var ds = VectorDataset.Open(path);
        return ds.Layer("tb").FeatureCount;
    }

    [Theory]
    [InlineData("GPKG", "t.gpkg")]
    [InlineData("OpenFileGDB", "t.gdb")]
    public void Commit_KeepsEveryFeature(string driver, string name)
    {
        using var dir = new TempDir();
        var path = dir.File(name);
        using (var ds = VectorDataset.Create(path, driver))
        {
            var layer = ds.CreateLayer("tb", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), Fields);
            using var tx = ds.BeginTransaction();
            Assert.True(tx.IsNative, $"{driver} should open a real transaction");
            AddSquares(layer, 250, "JC");
            tx.Commit();
        }
        Assert.Equal(250, CountAfterReopening(path));
        using var reopened = VectorDataset.Open(path);
        var read = reopened.Layer("tb");
        Assert.Equal("JC0249", read.Features().Last().GetString("JCBH"));
        // The spatial index built around the transaction finds the squares x = 100..101 and 101..102.
        read.SetSpatialFilter(new BoundingBox(100.2, 0.2, 101.8, 0.8));
        Assert.Equal(["JC0100", "JC0101"], read.Features().Select(f => f.GetString("JCBH")));
    }

    [Fact]
    public void DisposeWithoutCommit_RollsBack_LeavingNoFeaturesInAGeoPackage()
    {
        using var dir = new TempDir();
        var path = dir.File("t.gpkg");
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            var layer = ds.CreateLayer("tb", GeometryKind.Polygon, SpatialReference.FromEpsg(4546), Fields);
            using (var tx = ds.BeginTransaction())
            {
                Assert.True(tx.IsNative);
                AddSquares(layer, 100, "X");
                Assert.Equal(100, layer.FeatureCount); // visible inside the transaction
            } // no Commit: rolled back
            Assert.Equal(0, layer.FeatureCount);
        }
        Assert.Equal(0, CountAfterReopening(path));
    }

    [Fact]
    public void RollbackAfterACommit_KeepsTheCommittedFeaturesOnly()
    {
        using var dir = new TempDir();
        var path = dir.File("t.gpkg");
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            var layer = ds.CreateLayer("tb", GeometryKind.Polygon, null, Fields);
            using (var tx = ds.BeginTransaction())
            {
                AddSquares(layer, 3, "A");
                tx.Commit();
                tx.Commit(); // a second commit is a no-op
            }
            using (ds.BeginTransaction()) AddSquares(layer, 5, "B");
        }
        using var reopened = VectorDataset.Open(path);
        Assert.Equal(["A0000", "A0001", "A0002"], reopened.Layer("tb").Features().Select(f => f.GetString("JCBH")));
    }

    [Fact]
    public void Shapefile_HasNoTransactions_TheScopeDoesNothing()
    {
        using var dir = new TempDir();
        var path = dir.File("tb.shp");
        using (var ds = VectorDataset.Create(path, "ESRI Shapefile"))
        {
            var layer = ds.CreateLayer("tb", GeometryKind.Polygon, null, Fields);
            using var tx = ds.BeginTransaction();
            Assert.False(tx.IsNative);
            AddSquares(layer, 4, "S");
            // Disposing without commit cannot undo what a Shapefile already holds.
        }
        Assert.Equal(4, CountAfterReopening(path));
    }
}
