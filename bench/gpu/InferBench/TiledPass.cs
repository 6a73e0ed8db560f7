using System.Collections.Concurrent;
using System.Diagnostics;
using WeiPian.Engine;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Kernels;
using WeiPian.Engine.Tiling;

namespace WeiPian.InferBench;

/// <summary>Seconds one pass took: all of it, and the time at least one lane was inside the model.</summary>
internal readonly record struct PassTimes(double Wall, double Model);

/// <summary>
/// One pass of a model over a region of a <see cref="RenderedPair"/>, cut as the detect pipeline cuts a scene (a
/// <see cref="TileGrid"/> of the model's tile and halo, the model's batch size and lanes) and staged as it stages it: one
/// thread scales tiles into pooled batches, <see cref="ChangeModel.Lanes"/> threads run the model and nothing else, one
/// thread turns outputs into classes and places the kept centres. What the pipeline does besides (reading with GDAL,
/// masks, polygons) is left out, so the wall time is the model's plus what could not hide behind it.
/// </summary>
/// <remarks>Region pixel (x, y) is pair pixel (x + <paramref name="origin"/>, y + <paramref name="origin"/>), and the pair
/// holds every tile with its halo (origin at least the halo; origin + <see cref="TileGrid.Columns"/> x kept + halo
/// columns, and as many rows), so every tile reads real pixels and none is padded by reflection.</remarks>
/// <param name="model">The model, loaded as the pipeline loads it.</param>
/// <param name="pair">The pixels.</param>
/// <param name="grid">The region's tiles, of the model's tile and halo.</param>
/// <param name="planes">For each card band in channel order, its plane in the pair (0-based).</param>
/// <param name="origin">Where the region starts in the pair, pixels from its top-left corner on both axes.</param>
internal sealed class TiledPass(ChangeModel model, RenderedPair pair, TileGrid grid, int[] planes, int origin)
{
    // Batches besides one per lane, as in the pipeline: one being filled, one being classified, one spare.
    private const int BatchesBesideLanes = 3;

    private readonly record struct Work(TileBatch Batch, int FirstTile, int Count);

    /// <summary>Runs the pass and writes each region pixel's class into <paramref name="classes"/> (region width x height, row-major).</summary>
    public PassTimes Run(byte[] classes)
    {
        var reach = origin - grid.Halo + grid.Columns * grid.Kept + 2 * grid.Halo;
        var reachDown = origin - grid.Halo + grid.Rows * grid.Kept + 2 * grid.Halo;
        if (origin < grid.Halo || reach > pair.Width || reachDown > pair.Height)
            throw new ArgumentException($"A {pair.Width}x{pair.Height} pair does not hold the tiles of {grid} from pixel {origin}.", nameof(origin));
        var lanes = model.Lanes;
        var batches = lanes + BatchesBesideLanes;
        using var free = new BlockingCollection<TileBatch>(batches);
        using var scaled = new BlockingCollection<Work>(1);
        using var inferred = new BlockingCollection<Work>(batches);
        using var stop = new CancellationTokenSource();
        for (var i = 0; i < batches; i++) free.Add(model.Batch(i));
        var ct = stop.Token;
        var inModel = 0;
        var modelSince = 0L;
        var modelTicks = 0L;
        var modelLock = new Lock();
        var lanesLeft = lanes;
        var clock = Stopwatch.StartNew();

        Task Stage(Action body, BlockingCollection<Work>? completes) => Task.Run(() =>
        {
            try
            {
                body();
            }
            catch
            {
                stop.Cancel();
                throw;
            }
            finally
            {
                completes?.CompleteAdding();
            }
        }, CancellationToken.None);

        var prepare = Stage(() =>
        {
            var tiles = (int)grid.TileCount;
            for (var first = 0; first < tiles; first += model.BatchSize)
            {
                var batch = free.Take(ct);
                var count = Math.Min(model.BatchSize, tiles - first);
                for (var k = 0; k < count; k++) Fill(batch, k, first + k);
                scaled.Add(new Work(batch, first, count), ct);
            }
        }, scaled);

        var inference = Enumerable.Range(0, lanes).Select(_ => Task.Run(() =>
        {
            try
            {
                foreach (var work in scaled.GetConsumingEnumerable(ct))
                {
                    lock (modelLock) if (inModel++ == 0) modelSince = Stopwatch.GetTimestamp();
                    try
                    {
                        model.Run(work.Batch, work.Count);
                    }
                    finally
                    {
                        lock (modelLock) if (--inModel == 0) modelTicks += Stopwatch.GetTimestamp() - modelSince;
                    }
                    inferred.Add(work, ct);
                }
            }
            catch
            {
                stop.Cancel();
                throw;
            }
            finally
            {
                if (Interlocked.Decrement(ref lanesLeft) == 0) inferred.CompleteAdding();
            }
        }, CancellationToken.None)).ToArray();

        var stitch = Stage(() =>
        {
            var classifier = new Classifier(model);
            foreach (var work in inferred.GetConsumingEnumerable(ct))
            {
                for (var k = 0; k < work.Count; k++)
                {
                    classifier.Classify(work.Batch.OutputTile(k));
                    Place(classifier.Classes, work.FirstTile + k, classes);
                }
                free.Add(work.Batch, ct);
            }
        }, null);

        try
        {
            Task.WaitAll([prepare, .. inference, stitch]);
        }
        catch (AggregateException e)
        {
            // The first real failure, not the cancellations it caused in the other stages.
            var cause = e.Flatten().InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? e.InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
        }
        return new PassTimes(clock.Elapsed.TotalSeconds, (double)modelTicks / Stopwatch.Frequency);
    }

    // Tile `tile` (row-major over the grid) of both dates, scaled as the card says, into slot `slot` of the batch.
    private void Fill(TileBatch batch, int slot, int tile)
    {
        var t = grid.Tile;
        var x0 = origin - grid.Halo + tile % grid.Columns * grid.Kept;
        var y0 = origin - grid.Halo + tile / grid.Columns * grid.Kept;
        var scaling = model.Card.Input.Scaling.Coefficients;
        var before = batch.BeforeTile(slot);
        var after = batch.AfterTile(slot);
        for (var b = 0; b < planes.Length; b++)
        {
            float lo = scaling.Low[b], hi = scaling.High[b], a = scaling.Multiplier[b], c = scaling.Offset[b];
            var beforePlane = pair.Before[planes[b]];
            var afterPlane = pair.After[planes[b]];
            for (var i = 0; i < t; i++)
            {
                var src = (y0 + i) * pair.Width + x0;
                var dst = b * t * t + i * t;
                SimdKernels.ScaleToFloat(beforePlane.AsSpan(src, t), before.Slice(dst, t), lo, hi, a, c);
                SimdKernels.ScaleToFloat(afterPlane.AsSpan(src, t), after.Slice(dst, t), lo, hi, a, c);
            }
        }
    }

    // The kept centre of a classified tile into the region's classes.
    private void Place(byte[] tileClasses, int tile, byte[] classes)
    {
        var core = grid.Core(tile % grid.Columns, tile / grid.Columns);
        for (var i = 0; i < core.Height; i++)
            tileClasses.AsSpan((grid.Halo + i) * grid.Tile + grid.Halo, core.Width)
                .CopyTo(classes.AsSpan((core.Y + i) * grid.Width + core.X, core.Width));
    }

    /// <summary>A tile's classes from the model's output, by the rule of the card's output form (as the pipeline's stitch stage).</summary>
    private sealed class Classifier(ChangeModel model)
    {
        private readonly int _pixels = model.TileSize * model.TileSize;
        private readonly float[] _confidence = new float[model.TileSize * model.TileSize];

        public byte[] Classes { get; } = new byte[model.TileSize * model.TileSize];

        public void Classify(ReadOnlySpan<float> output)
        {
            var card = model.Card;
            switch (card.Output.Form)
            {
                case OutputForm.Logits:
                    SimdKernels.ArgmaxSoftmax(output, card.ClassCount, _pixels, Classes, _confidence);
                    break;
                case OutputForm.Probabilities:
                    SimdKernels.ArgmaxProbabilities(output, card.ClassCount, _pixels, Classes, _confidence);
                    break;
                default:
                    SimdKernels.ThresholdLogit(output[.._pixels], (float)card.Output.Threshold!.Value, (byte)card.Output.ChangeClass!.Value, Classes, _confidence);
                    break;
            }
        }
    }
}
