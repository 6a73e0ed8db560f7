using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Training;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Training;

/// <summary>The block hash behind the geographic split, and chips of dates with different pixel types.</summary>
public class GeographicSplitTests
{
    [Fact]
    public void BlocksFollowTheSharesAndTheSeed()
    {
        var split = new GeographicSplit(2000, (0.7, 0.15), seed: 3);
        var counts = new Dictionary<SplitName, int>();
        for (var c = 0; c < 200; c++)
            for (var r = 0; r < 200; r++)
            {
                var s = split.BlockSplit(250 + c, 1700 + r);
                counts[s] = counts.GetValueOrDefault(s) + 1;
            }
        Assert.InRange(counts[SplitName.Train] / 40000.0, 0.68, 0.72);
        Assert.InRange(counts[SplitName.Validation] / 40000.0, 0.14, 0.16);
        Assert.Equal(split.BlockSplit(251, 1702), new GeographicSplit(2000, (0.7, 0.15), seed: 3).BlockSplit(251, 1702));
        var other = new GeographicSplit(2000, (0.7, 0.15), seed: 4);
        Assert.Contains(Enumerable.Range(0, 50), c => other.BlockSplit(c, 0) != split.BlockSplit(c, 0));
    }

    [Fact]
    public void AFootprintTakesItsBlocksSplitOrNoneWhenTheyDiffer()
    {
        var split = new GeographicSplit(1000, (0.5, 0.25), seed: 1);
        var (c, r) = (0L, 0L);
        while (split.BlockSplit(c, r) == split.BlockSplit(c + 1, r)) c++;
        Assert.Equal(split.BlockSplit(c, r), split.Of(new BoundingBox(c * 1000 + 100, 100, c * 1000 + 900, 900)));
        // Touching the next block's edge is not lying in it; crossing it is.
        Assert.Equal(split.BlockSplit(c, r), split.Of(new BoundingBox(c * 1000 + 100, 100, c * 1000 + 1000, 900)));
        Assert.Null(split.Of(new BoundingBox(c * 1000 + 100, 100, c * 1000 + 1001, 900)));
    }

    [Fact]
    public void EachDateKeepsItsOwnPixelType()
    {
        using var dir = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = 256, Seed = 11, ChangesPerKm2 = 400, WriteShapefiles = false, AfterBitDepth = 8 }, dir.File("scene"));
        var manifest = dir.File("pairs.csv");
        File.WriteAllText(manifest, "key,before,after\nbyte,scene/before.tif,scene/after.tif\n");
        var card = ModelCard.ParseFile(Path.Combine(TestPaths.RepoRoot, "src", "Models", "spectral-v1.card.json"));
        var counts = TrainingExport.Run(manifest, dir.File("scene/truth.gpkg"), card, dir.File("out"),
            new TrainingOptions { ChipSize = 48, SplitBlockMetres = 10_000, UnchangedPerPositive = 0 });
        Assert.True(counts.Total > 0);
        var row = TrainingWorld.Rows(dir.File("out"))[0];
        using var before = RasterDataset.Open(Path.Combine(dir.File("out"), row.GetProperty("before").GetString()!));
        using var after = RasterDataset.Open(Path.Combine(dir.File("out"), row.GetProperty("after").GetString()!));
        Assert.Equal(RasterDataType.UInt16, before.DataType(1));
        Assert.Equal(RasterDataType.Byte, after.DataType(4));
    }
}
