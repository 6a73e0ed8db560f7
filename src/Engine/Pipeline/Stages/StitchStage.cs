using System.Threading.Channels;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The stitch stage: the works back in the order the prepare stage made them, then classes and confidence from each
/// model output and the tiles' kept centres placed in their strip (a skipped tile is "no change"); the batch goes back
/// to the pool and a strip whose last tile is placed goes on to the post stage.
/// </summary>
/// <param name="card">The model's card: how its output reads as classes.</param>
/// <param name="tiles">How the region is tiled.</param>
/// <param name="batches">Model batches in circulation: at most that many works are in flight.</param>
/// <param name="inferred">Works the model ran on, in any order (in).</param>
/// <param name="freeBatches">Batches given back (out).</param>
/// <param name="classified">Whole strips (out).</param>
/// <param name="progress">Counts the tiles done.</param>
/// <param name="times">Stitch time.</param>
internal sealed class StitchStage(ModelCard card, TileGrid tiles, int batches, ChannelReader<TileWork> inferred,
    ChannelWriter<TileBatch> freeBatches, ChannelWriter<ClassStrip> classified, RunProgress progress, StageTimes times)
{
    // At most `batches` works are in flight, so a work's place in this ring by its sequence number is free.
    private readonly TileWork?[] _early = new TileWork?[batches];
    private int _next;

    /// <summary>Pixels the model gave no number for (NaN); read once the stage has finished.</summary>
    public long NoNumberPixels { get; private set; }

    /// <summary>Stitches every work, then completes <c>classified</c>.</summary>
    public async Task RunAsync()
    {
        var classifier = new TileClassifier(card.Output, card.ClassCount, tiles.Tile);
        await foreach (var (strip, column, span, _, skipped, batch, _) in InOrder().ConfigureAwait(false))
        {
            var t = StageTimes.Start();
            for (int i = 0, k = 0; i < span; i++)
            {
                if ((skipped & (1UL << i)) != 0)
                {
                    strip.NoChange(column + i); // masked (the post stage marks it) or left out by the screen
                    continue;
                }
                classifier.Classify(batch.OutputTile(k++));
                NoNumberPixels += strip.Place(column + i, classifier);
            }
            times.Add(StageTimes.Stage.Stitch, t);
            freeBatches.TryWrite(batch);
            progress.TilesDone(span);
            if (column + span == tiles.Columns) await classified.WriteAsync(strip).ConfigureAwait(false);
        }
        classified.Complete();
    }

    private async IAsyncEnumerable<TileWork> InOrder()
    {
        await foreach (var work in inferred.ReadAllAsync().ConfigureAwait(false))
        {
            _early[work.Seq % _early.Length] = work;
            while (_early[_next % _early.Length] is { } ready && ready.Seq == _next)
            {
                _early[_next % _early.Length] = null;
                _next++;
                yield return ready;
            }
        }
    }
}
