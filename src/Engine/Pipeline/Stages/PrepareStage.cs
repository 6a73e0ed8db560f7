using System.Threading.Channels;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Masks;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Stitching;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The prepare stage: each strip's validity (farmland, the exclusion masks, then each chunk's nodata in either date),
/// then the chunk's tiles scaled by the radiometry plan into free model batches. A tile whose kept centre holds no
/// pixel that may be change, or that the screen leaves out, is marked skipped in its <see cref="TileWork"/> and not run.
/// </summary>
/// <param name="tiles">How the region is tiled.</param>
/// <param name="batchSize">Tiles per model batch.</param>
/// <param name="bands">Bands per date the model reads.</param>
/// <param name="radiometry">Each date's scaling onto the model.</param>
/// <param name="before">The before date's reader (the slots the read stage filled).</param>
/// <param name="after">The after date's reader.</param>
/// <param name="farmland">The farmland mask; null when change is reported on all land.</param>
/// <param name="exclusions">The user's and the cloud screen's masks.</param>
/// <param name="screen">The screening cascade's verdicts; null when every tile runs.</param>
/// <param name="read">Chunks read (in).</param>
/// <param name="freeSlots">Read slots given back once scaled (out).</param>
/// <param name="freeStrips">Strips to fill (in).</param>
/// <param name="freeBatches">Model batches to fill (in).</param>
/// <param name="scaled">Works for the model (out).</param>
/// <param name="times">Mask and Scale times.</param>
internal sealed class PrepareStage(TileGrid tiles, int batchSize, int bands, RadiometryPlan radiometry,
    IStripReader before, IStripReader after, FarmlandMask? farmland, ExclusionMask[] exclusions, TileScreen? screen,
    ChannelReader<ReadChunk> read, ChannelWriter<int> freeSlots, ChannelReader<ClassStrip> freeStrips,
    ChannelReader<TileBatch> freeBatches, ChannelWriter<TileWork> scaled, StageTimes times)
{
    /// <summary>Tiles handed to the model (not those off farmland, without data or left out by the screen); read once the stage has finished.</summary>
    public long ModelTiles { get; private set; }

    /// <summary>Prepares every chunk read, then completes <c>scaled</c>.</summary>
    public async Task RunAsync()
    {
        var (scaleBefore, scaleAfter) = (radiometry.Before, radiometry.After);
        var plane = tiles.Tile * tiles.Tile;
        ClassStrip? strip = null;
        var seq = 0;
        await foreach (var (row, chunk, slot) in read.ReadAllAsync().ConfigureAwait(false))
        {
            var t = StageTimes.Start();
            if (chunk == 0)
            {
                strip = await freeStrips.ReadAsync().ConfigureAwait(false);
                t = StageTimes.Start();
                strip.Begin(row);
                var valid = strip.Valid.AsSpan(0, strip.Length);
                farmland?.Exclude(strip.Window, valid);
                foreach (var mask in exclusions) mask.Exclude(strip.Window, valid);
            }
            System.Diagnostics.Debug.Assert(strip is not null, "A row's first chunk comes first.");
            // An unread chunk holds no pixel without data (TileScreen.SkipsRead).
            if (screen?.SkipsRead(row, chunk) != true)
            {
                before.MarkNoData(slot, strip.Window, strip.Valid);
                after.MarkNoData(slot, strip.Window, strip.Valid);
            }
            times.Add(StageTimes.Stage.Mask, t);
            var end = chunk * tiles.ChunkTiles + tiles.TilesIn(chunk);
            for (var c0 = chunk * tiles.ChunkTiles; c0 < end;)
            {
                var batch = await freeBatches.ReadAsync().ConfigureAwait(false);
                t = StageTimes.Start();
                int span = 0, n = 0;
                var skipped = 0UL;
                for (; c0 + span < end && n < batchSize && span < TileWork.MaxSpan; span++)
                {
                    var column = c0 + span;
                    if (!strip.AnyValid(column) || screen?.LeavesOut(row, column) == true)
                    {
                        skipped |= 1UL << span;
                        continue;
                    }
                    var beforeTile = batch.BeforeTile(n);
                    var afterTile = batch.AfterTile(n);
                    for (var b = 0; b < bands; b++)
                    {
                        before.ScaleTile(slot, column, b, beforeTile.Slice(b * plane, plane),
                            scaleBefore.Low[b], scaleBefore.High[b], scaleBefore.Multiplier[b], scaleBefore.Offset[b]);
                        after.ScaleTile(slot, column, b, afterTile.Slice(b * plane, plane),
                            scaleAfter.Low[b], scaleAfter.High[b], scaleAfter.Multiplier[b], scaleAfter.Offset[b]);
                    }
                    n++;
                }
                times.Add(StageTimes.Stage.Scale, t);
                ModelTiles += n;
                await scaled.WriteAsync(new TileWork(strip, c0, span, n, skipped, batch, seq++)).ConfigureAwait(false);
                c0 += span;
            }
            freeSlots.TryWrite(slot);
        }
        scaled.Complete();
    }
}
