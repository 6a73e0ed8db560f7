using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Tiling;
using WeiPian.InferBench;
using WeiPian.Models;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Inference;

/// <summary>
/// The GPU check's inference benchmark (bench/gpu/InferBench) measures what <c>detect</c> does without GDAL: the pair it
/// renders in memory is the synthesiser's, pixel for pixel, and its tiled pass gives detect's classes wherever their
/// tiles coincide.
/// </summary>
public sealed class InferBenchTests : IDisposable
{
    private const int Size = 576;
    private const long Seed = 7;
    private readonly TempDir _dir = new();

    public InferBenchTests() =>
        SceneSynthesizer.Run(new SynthOptions { Size = Size, Seed = Seed, WriteShapefiles = false }, _dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void RendersTheSynthesisersPixels()
    {
        var pair = RenderedPair.Render(Size, Size, Seed);
        foreach (var (date, planes) in new[] { ("before.tif", pair.Before), ("after.tif", pair.After) })
        {
            using var raster = RasterDataset.Open(Path.Combine(_dir.Path, date));
            var band = new ushort[Size * Size];
            for (var b = 0; b < 4; b++)
            {
                raster.Read<ushort>(b + 1, raster.Extent, band);
                Assert.True(band.AsSpan().SequenceEqual(planes[b]), $"{date} band {b + 1} differs from the rendered plane");
            }
        }
    }

    [Fact]
    public void TiledPassGivesDetectsClassesWhereTheTilesCoincide()
    {
        using var model = ChangeModel.Load(BundledModels.Resolve("fusion-unet-v1"));
        var pair = new ScenePair(Path.Combine(_dir.Path, "before.tif"), Path.Combine(_dir.Path, "after.tif"));
        var detected = ClassRasterRun.Band(model, pair, Path.Combine(_dir.Path, "classes.tif"));

        // detect's tiles keep [k x kept, (k + 1) x kept) from pixel 0; a region starting at pixel `kept` meets them
        // tile for tile, each read from the same window, so the model sees the same floats.
        var kept = model.Kept;
        var grid = new TileGrid(2 * kept, 2 * kept, model.TileSize, model.Halo);
        var rendered = RenderedPair.Render(Size, Size, Seed);
        var planes = model.Card.BindBands(RenderedPair.Bands, "rendered").Select(b => b - 1).ToArray();
        var classes = new byte[grid.Width * grid.Height];
        new TiledPass(model, rendered, grid, planes, origin: kept).Run(classes);

        long compared = 0, changed = 0;
        for (var y = 0; y < grid.Height; y++)
            for (var x = 0; x < grid.Width; x++)
            {
                var i = (y + kept) * Size + x + kept;
                // detect writes no result (255) where either date has nodata (0, under a cloud); the benchmark classifies them.
                if (rendered.Before.Any(p => p[i] == 0) || rendered.After.Any(p => p[i] == 0)) continue;
                compared++;
                if (detected[i] != 0) changed++;
                Assert.True(detected[i] == classes[y * grid.Width + x], $"pixel ({x + kept}, {y + kept}): detect {detected[i]}, benchmark {classes[y * grid.Width + x]}");
            }
        Assert.True(compared > grid.Width * grid.Height / 2, $"only {compared} pixels without nodata");
        Assert.True(changed > 100, $"only {changed} changed pixels: the comparison says little");
    }
}
