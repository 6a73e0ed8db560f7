using System.Threading.Channels;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The read stage: both dates' padded windows for each chunk of each row of tiles (GDAL RasterIO), in row order, into a
/// free slot of the strip readers; the prepare stage gives the slot back once it has scaled the chunk.
/// </summary>
internal sealed class TileReadStage(TileGrid tiles, IStripReader before, IStripReader after,
    ChannelReader<int> freeSlots, ChannelWriter<ReadChunk> read, StageTimes times)
{
    /// <summary>Reads every chunk, then completes <c>read</c>.</summary>
    public async Task RunAsync()
    {
        for (var row = 0; row < tiles.Rows; row++)
            for (var chunk = 0; chunk < tiles.Chunks; chunk++)
            {
                var slot = await freeSlots.ReadAsync().ConfigureAwait(false);
                var t = StageTimes.Start();
                before.Read(row, chunk, slot);
                after.Read(row, chunk, slot);
                times.Add(StageTimes.Stage.Read, t);
                await read.WriteAsync(new ReadChunk(row, chunk, slot)).ConfigureAwait(false);
            }
        read.Complete();
    }
}
