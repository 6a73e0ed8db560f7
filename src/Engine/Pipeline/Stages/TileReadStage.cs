using System.Threading.Channels;
using WeiPian.Engine.Tiling;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The read stage: both dates' padded windows for each chunk of each row of tiles (GDAL RasterIO), in row order, into a
/// free slot of the strip readers; the prepare stage gives the slot back once it has scaled the chunk. The two dates
/// are decoded at once, one on the stage's thread and one on a pool thread: where the model is fast (many cores, a
/// GPU, or the screen's pass) decoding sets the pace. Behind a screen, a row is read once the screen has decided it
/// (<see cref="TileScreen.Screened"/>), and a chunk it says need not be read (<see cref="TileScreen.SkipsRead"/>) is
/// passed on unread.
/// </summary>
internal sealed class TileReadStage(TileGrid tiles, IStripReader before, IStripReader after, TileScreen? screen,
    ChannelReader<int> freeSlots, ChannelWriter<ReadChunk> read, StageTimes times)
{
    /// <summary>Reads every chunk, then completes <c>read</c>.</summary>
    public async Task RunAsync()
    {
        var pair = new PairRead(before, after, times);
        for (var row = 0; row < tiles.Rows; row++)
        {
            if (screen is not null) await screen.Screened(row).ConfigureAwait(false);
            for (var chunk = 0; chunk < tiles.Chunks; chunk++)
            {
                var slot = await freeSlots.ReadAsync().ConfigureAwait(false);
                if (screen?.SkipsRead(row, chunk) != true) await pair.ReadAsync(row, chunk, slot).ConfigureAwait(false);
                await read.WriteAsync(new ReadChunk(row, chunk, slot)).ConfigureAwait(false);
            }
        }
        read.Complete();
    }
}
