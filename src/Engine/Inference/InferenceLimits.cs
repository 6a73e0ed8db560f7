using System.Globalization;

namespace WeiPian.Engine.Inference;

/// <summary>
/// The largest tiles, batches and thread counts the engine accepts. A value past these is refused before a model
/// loads: beyond them a run does not get faster, it allocates buffers that overflow or exhaust memory, or starts
/// threads that only wait on each other.
/// </summary>
public static class InferenceLimits
{
    /// <summary>Largest tile side in pixels (a card's <c>input.tile</c>, <see cref="InferenceOptions.TileSize"/>).</summary>
    public const int MaxTile = 4096;

    /// <summary>Largest number of tiles per inference call (<see cref="InferenceOptions.BatchSize"/>).</summary>
    public const int MaxBatch = 256;

    /// <summary>Threads (per lane) and lanes allowed per core of the machine.</summary>
    public const int ThreadsPerCore = 4;

    /// <summary>
    /// Largest float32 buffer of one batch (batch x channels x tile x tile values, 1 GiB): every lane holds its input
    /// and output buffers for the whole run.
    /// </summary>
    public const long MaxBatchValues = 1L << 28;

    /// <summary>Largest thread count per lane and largest lane count on this machine: <see cref="ThreadsPerCore"/> x its cores.</summary>
    public static int MaxThreads => ThreadsPerCore * Environment.ProcessorCount;

    /// <summary>Refuses a tile side above <see cref="MaxTile"/>.</summary>
    /// <param name="tile">The tile side (0, "the card's", passes).</param>
    /// <param name="what">What the value was given as (an option, a card field), for the message.</param>
    /// <exception cref="InputException">The tile is larger.</exception>
    public static void CheckTile(int tile, string what)
    {
        if (tile > MaxTile)
            throw new InputException(Invariant($"{what} is {tile}; the largest tile is {MaxTile} px a side (a tile's buffers grow with its square)."));
    }

    /// <summary>Refuses a halo that leaves no pixels of the largest tile.</summary>
    /// <exception cref="InputException">The halo is at least half of <see cref="MaxTile"/>.</exception>
    public static void CheckHalo(int halo, string what)
    {
        if (halo >= MaxTile / 2)
            throw new InputException(Invariant($"{what} is {halo}; a halo must be less than half the tile, and tiles are at most {MaxTile} px."));
    }

    /// <summary>Refuses a batch above <see cref="MaxBatch"/>.</summary>
    /// <exception cref="InputException">The batch is larger.</exception>
    public static void CheckBatch(int batch, string what)
    {
        if (batch > MaxBatch)
            throw new InputException(Invariant($"{what} is {batch}; at most {MaxBatch} tiles per inference call."));
    }

    /// <summary>Refuses a thread or lane count above <see cref="MaxThreads"/>.</summary>
    /// <exception cref="InputException">The count is larger.</exception>
    public static void CheckThreads(int threads, string what)
    {
        if (threads > MaxThreads)
            throw new InputException(Invariant(
                $"{what} is {threads}; at most {MaxThreads} ({ThreadsPerCore} per core, {Environment.ProcessorCount} core(s) here), or 0 to choose from the cores."));
    }

    /// <summary>Checks every option of <paramref name="options"/> against the limits, naming the property.</summary>
    /// <exception cref="InputException">An option is past its limit.</exception>
    public static void Check(InferenceOptions options)
    {
        CheckTile(options.TileSize, "InferenceOptions.TileSize");
        CheckHalo(options.Halo, "InferenceOptions.Halo");
        CheckBatch(options.BatchSize, "InferenceOptions.BatchSize");
        CheckThreads(options.IntraOpThreads, "InferenceOptions.IntraOpThreads");
        CheckThreads(options.InterOpThreads, "InferenceOptions.InterOpThreads");
        CheckThreads(options.Lanes, "InferenceOptions.Lanes");
    }

    /// <summary>Refuses a batch whose input or output buffer would hold more than <see cref="MaxBatchValues"/> values.</summary>
    /// <param name="path">The model, for the message.</param>
    /// <param name="batch">Tiles per call.</param>
    /// <param name="channels">The larger of the graph's input and output channels.</param>
    /// <param name="tile">Tile side.</param>
    /// <exception cref="InputException">The buffer is too large.</exception>
    internal static void CheckBuffer(string path, int batch, int channels, int tile)
    {
        var values = (long)batch * channels * tile * tile;
        if (values > MaxBatchValues)
            throw new InputException(Invariant(
                $"'{path}': a batch of {batch} tile(s) of {channels} x {tile} x {tile} needs {values * sizeof(float) >> 20} MiB per buffer; at most {MaxBatchValues * sizeof(float) >> 20} MiB: use a smaller batch or tile."));
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
