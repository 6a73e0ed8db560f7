using System.Threading.Channels;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Stitching;

namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>A chunk of a row of tiles read by <see cref="TileReadStage"/>: both dates' padded windows are in <c>Slot</c>.</summary>
internal readonly record struct ReadChunk(int Row, int Chunk, int Slot);

/// <summary>
/// A batch between the prepare, infer and stitch stages: tiles <c>Column .. Column + Span - 1</c> of the strip's row,
/// of which those with bit <c>i</c> of <c>Skipped</c> set hold no pixel that may be change (off farmland or nodata in
/// a date, or left out by the screen) and are not run; the other <c>Count</c> fill the batch's first slots in column order. <c>Seq</c> numbers the
/// works in the order the prepare stage made them, which the stitch stage restores after the lanes.
/// </summary>
internal readonly record struct TileWork(ClassStrip Strip, int Column, int Span, int Count, ulong Skipped, TileBatch Batch, int Seq)
{
    /// <summary>Most tiles one work covers (the bits of its skip mask).</summary>
    public const int MaxSpan = 64;
}

/// <summary>
/// The bounded hand-overs between the detection stages, forward (read chunks, scaled and inferred works, classified
/// strips, records) and back (free read slots, model batches and strips, which circulate so the steady state allocates
/// nothing per tile). Their capacities are the run's memory: only what is in flight.
/// </summary>
internal sealed class StageChannels
{
    /// <param name="readSlots">Chunks of input in flight between the read and prepare stages.</param>
    /// <param name="batches">Model batches in circulation.</param>
    /// <param name="strips">Class strips in circulation.</param>
    /// <param name="lanes">Threads running the model: with one, the scaled works have one reader and the inferred one writer.</param>
    public StageChannels(int readSlots, int batches, int strips, int lanes)
    {
        FreeSlots = Bounded<int>(readSlots);
        Read = Bounded<ReadChunk>(readSlots);
        FreeBatches = Bounded<TileBatch>(batches);
        Scaled = Bounded<TileWork>(1, singleReader: lanes == 1);
        Inferred = Bounded<TileWork>(1, singleWriter: lanes == 1);
        FreeStrips = Bounded<ClassStrip>(strips);
        Classified = Bounded<ClassStrip>(strips);
        Output = Bounded<Tuban>(256);
    }

    /// <summary>Read slots free to fill: prepare → read.</summary>
    public Channel<int> FreeSlots { get; }

    /// <summary>Chunks read: read → prepare.</summary>
    public Channel<ReadChunk> Read { get; }

    /// <summary>Model batches free to fill: stitch → prepare.</summary>
    public Channel<TileBatch> FreeBatches { get; }

    /// <summary>Batches scaled into model input: prepare → infer.</summary>
    public Channel<TileWork> Scaled { get; }

    /// <summary>Batches the model ran on, in the order the lanes finished them: infer → stitch.</summary>
    public Channel<TileWork> Inferred { get; }

    /// <summary>Strips free to fill: post → prepare.</summary>
    public Channel<ClassStrip> FreeStrips { get; }

    /// <summary>Strips with every tile placed: stitch → post.</summary>
    public Channel<ClassStrip> Classified { get; }

    /// <summary>Attributed records: post → the caller.</summary>
    public Channel<Tuban> Output { get; }

    /// <summary>
    /// Closes every hand-over (the free pools too) with <paramref name="e"/>: a failing stage calls it first, then stops
    /// the others, so its error is the one the caller gets and no stage waits forever. Cancellation closes them the same
    /// way, once: the stages wait on the channels without a token, because a cancellable wait allocates (a registration)
    /// and an uncancellable one reuses the channel's own operation, which keeps the steady state free of allocations.
    /// </summary>
    public void Close(Exception e)
    {
        Output.Writer.TryComplete(e);
        Read.Writer.TryComplete(e);
        Scaled.Writer.TryComplete(e);
        Inferred.Writer.TryComplete(e);
        Classified.Writer.TryComplete(e);
        FreeSlots.Writer.TryComplete(e);
        FreeBatches.Writer.TryComplete(e);
        FreeStrips.Writer.TryComplete(e);
    }

    private static Channel<T> Bounded<T>(int capacity, bool singleReader = true, bool singleWriter = true) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = singleReader, SingleWriter = singleWriter });
}
