using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Gdal;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using Xunit.Abstractions;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The pipeline's buffers (chunks, model batches, strips) are made once and circulate, so what a run allocates must
/// not grow with its tiles: a scene with twice the rows of tiles allocates (almost) no more than the first. Measured
/// over the whole process while nothing else runs, as the difference between the two runs' allocations per extra tile.
/// </summary>
[Collection(Name)]
public class SteadyStateAllocationTests(ITestOutputHelper output)
{
    public const string Name = "SteadyStateAllocation";

    // Well under one small object per tile; a per-tile buffer of the 64x64 test model would be tens of kilobytes.
    private const double MaxBytesPerTile = 64;

    [Fact]
    public void ExtraTilesAllocateNothing()
    {
        using var dir = new TempDir();
        const int width = 480; // 10 tiles of 48 kept pixels per row
        var small = WritePair(dir, "small", width, 480);
        var large = WritePair(dir, "large", width, 960);
        using var model = ChangeModel.Load(TestModels.PairLogits, new InferenceOptions { IntraOpThreads = 1 });

        Allocated(model, small); // JIT, ONNX Runtime's arena, the model's batches
        // The count is process-wide, so threads other tests left running (an Orleans silo's timers) can only add to it:
        // the smallest of a few tries is still an upper bound on what the pipeline allocates per tile. In the whole suite
        // 4 of 5 tries once read 136 B (the same code alone reads 43-73 B), so it takes up to 12.
        var perTile = double.MaxValue;
        for (var attempt = 0; attempt < 12 && perTile > MaxBytesPerTile; attempt++)
        {
            var (bytesSmall, tilesSmall) = Allocated(model, small);
            var (bytesLarge, tilesLarge) = Allocated(model, large);
            perTile = Math.Min(perTile, (double)(bytesLarge - bytesSmall) / (tilesLarge - tilesSmall));
            output.WriteLine($"{tilesSmall} tiles: {bytesSmall} B; {tilesLarge} tiles: {bytesLarge} B; {perTile:0.0} B per extra tile");
        }
        Assert.True(perTile <= MaxBytesPerTile, $"{perTile:0.0} bytes allocated per extra tile (at most {MaxBytesPerTile})");
    }

    private static (long Bytes, long Tiles) Allocated(ChangeModel model, ScenePair pair)
    {
        using var run = new DetectionRun(model, pair, null, new DetectionOptions { AllLand = true });
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        foreach (var _ in run.RunAsync(null, CancellationToken.None).ToBlockingEnumerable()) { }
        return (GC.GetTotalAllocatedBytes(precise: true) - before, run.Tiles.TileCount);
    }

    // A uniform pair (one class everywhere, so the same single polygon whatever the size): only tiles differ.
    private static ScenePair WritePair(TempDir dir, string name, int width, int height)
    {
        string Write(string date, ushort value)
        {
            var path = dir.File($"{name}-{date}.tif");
            using var ds = RasterDataset.CreateGeoTiff(path, width, height, 4, RasterDataType.UInt16);
            ds.GeoTransform = RasterFixtures.Cgcs2000Transform;
            ds.SpatialReference = SpatialReference.FromEpsg(4546);
            var pixels = new ushort[width * height];
            for (var b = 1; b <= 4; b++)
            {
                // A one-DN checkerboard: a constant band is refused as no data (RadiometryChecks.Bands).
                for (var i = 0; i < pixels.Length; i++) pixels[i] = (ushort)(value + 40 * b + ((i + i / width) & 1));
                ds.Write<ushort>(b, ds.Extent, pixels);
            }
            return path;
        }
        return new ScenePair(Write("before", 200), Write("after", 500))
        {
            Bands = BandOrder.GaofenMultispectral, BeforeDate = new DateOnly(2025, 4, 13), AfterDate = new DateOnly(2025, 8, 8),
        };
    }
}

/// <summary>Tests that count the process's allocations run alone.</summary>
[CollectionDefinition(SteadyStateAllocationTests.Name, DisableParallelization = true)]
public sealed class SteadyStateAllocationCollection;
