using Microsoft.ML.OnnxRuntime;

namespace WeiPian.Engine.Inference;

/// <summary>
/// A change-detection model loaded with ONNX Runtime, its <see cref="ModelCard"/> checked against the graph,
/// with fixed-shape input and output buffers it owns and reuses for every batch.
/// </summary>
/// <remarks>
/// <para>Per batch: write each tile's normalised before and after values (C x T x T float32, channel-major,
/// rows top to bottom) straight into <see cref="BeforeTile"/> and <see cref="AfterTile"/>, call
/// <see cref="Run(int)"/>, read <see cref="OutputTile"/>. The spans are views over pinned memory that ONNX Runtime
/// reads and writes in place, so a stacked model's 2C-channel tensor is assembled without a copy and the steady
/// state allocates nothing. A pipeline that fills the next batch while the model runs takes more sets of buffers
/// from <see cref="Batch"/> and runs them with <see cref="Run(TileBatch, int)"/>.</para>
/// <para>One instance is one inference lane: runs must not overlap. Spans obtained earlier stay valid (same memory)
/// until <see cref="Dispose"/>.</para>
/// </remarks>
public sealed partial class ChangeModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly TileBatch _default;
    private readonly List<TileBatch> _batches = [];
    private readonly Lock _batchesLock = new();
    private bool _disposed;

    private ChangeModel(string path, string? cardPath, ModelCard card, InferenceSession session, InferenceDevice device, int batchSize, bool fixedBatch, int tileSize, int halo, int lanes)
    {
        Lanes = lanes;
        ModelPath = path;
        Files = [path, cardPath is null ? SidecarPath(path) : Path.GetFullPath(cardPath)];
        Card = card;
        Device = device;
        BatchSize = batchSize;
        FixedBatch = fixedBatch;
        TileSize = tileSize;
        Halo = halo;
        BandCount = card.Input.BandCount;
        OutputChannels = card.Output.Channels;
        GraphTile = tileSize / card.Input.Block;
        var plane = GraphTile * GraphTile;
        TileLength = BandCount * plane;
        OutputTileLength = OutputChannels * plane;
        _session = session;
        _runOptions = new RunOptions();
        _default = new TileBatch(this, session);
        _batches.Add(_default);
    }

    /// <summary>Batches the detection pipeline runs at once (<see cref="InferenceOptions.Lanes"/>, resolved).</summary>
    public int Lanes { get; }

    /// <summary>The .onnx file (full path).</summary>
    public string ModelPath { get; }

    /// <summary>The files the model is read from: the .onnx, and the card file given apart from it or else its sidecar
    /// card (which may not exist). Outputs are checked against them, as against every other input.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The model's card, checked against the graph.</summary>
    public ModelCard Card { get; }

    /// <summary>Where the model runs.</summary>
    public InferenceDevice Device { get; }

    /// <summary>Tiles per run at most: the graph's fixed batch, or <see cref="InferenceOptions.BatchSize"/> for a dynamic one.</summary>
    public int BatchSize { get; }

    /// <summary>True when the graph fixes its batch size: a short batch is padded to <see cref="BatchSize"/> tiles.</summary>
    public bool FixedBatch { get; }

    /// <summary>Tile side T in pixels: <see cref="CardInput.Tile"/> unless <see cref="InferenceOptions.TileSize"/> chose another.</summary>
    public int TileSize { get; }

    /// <summary>Context margin in pixels discarded on each side of a tile: <see cref="CardInput.Halo"/> unless <see cref="InferenceOptions.Halo"/> chose another.</summary>
    public int Halo { get; }

    /// <summary>Pixels kept per tile side after the halos are discarded: <see cref="TileSize"/> - 2 x <see cref="Halo"/>.</summary>
    public int Kept => TileSize - 2 * Halo;

    /// <summary>Height = width of the graph's tensors for a tile: <see cref="TileSize"/>, or the blocks across it for a screen that takes block means (<see cref="InputForm.Blocks"/>).</summary>
    public int GraphTile { get; }

    /// <summary>Channels per date C.</summary>
    public int BandCount { get; }

    /// <summary>Floats in one date's tile: C x <see cref="GraphTile"/>².</summary>
    public int TileLength { get; }

    /// <summary>Output channels per tile: K for logits and probabilities, 1 for a change logit.</summary>
    public int OutputChannels { get; }

    /// <summary>Floats in one tile's output: <see cref="OutputChannels"/> x <see cref="GraphTile"/>².</summary>
    public int OutputTileLength { get; }

    /// <summary>The model's first batch, the one <see cref="BeforeTile"/>, <see cref="Run(int)"/> and <see cref="OutputTile"/> use.</summary>
    public TileBatch DefaultBatch => _default;

    /// <inheritdoc cref="TileBatch.BeforeTile"/>
    public Span<float> BeforeTile(int index) => DefaultBatch.BeforeTile(index);

    /// <inheritdoc cref="TileBatch.AfterTile"/>
    public Span<float> AfterTile(int index) => DefaultBatch.AfterTile(index);

    /// <summary>Runs the model on tiles 0 .. <paramref name="count"/> - 1 of <see cref="DefaultBatch"/>; see <see cref="Run(TileBatch, int)"/>.</summary>
    /// <param name="count">Tiles filled, 1 .. <see cref="BatchSize"/>.</param>
    /// <exception cref="InferenceException">ONNX Runtime failed (the message carries its reason).</exception>
    public void Run(int count) => Run(DefaultBatch, count);

    /// <summary>
    /// Runs the model on tiles 0 .. <paramref name="count"/> - 1 of a batch's input buffers into its output buffer. A
    /// fixed-batch graph always runs all <see cref="BatchSize"/> slots (the ones past <paramref name="count"/> hold
    /// whatever they held; their outputs are not exposed); a dynamic-batch graph runs exactly <paramref name="count"/>
    /// tiles. Runs of different batches may overlap in time (ONNX Runtime sessions take concurrent runs); one batch is
    /// in one run at a time.
    /// </summary>
    /// <param name="batch">A batch of this model (<see cref="DefaultBatch"/> or one from <see cref="Batch"/>).</param>
    /// <param name="count">Tiles filled, 1 .. <see cref="BatchSize"/>.</param>
    /// <exception cref="InferenceException">ONNX Runtime failed (the message carries its reason).</exception>
    public void Run(TileBatch batch, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.Belongs(this)) throw new ArgumentException($"The batch was made by another model than '{ModelPath}'.", nameof(batch));
        if (count < 1 || count > BatchSize)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A batch of '{ModelPath}' holds 1 to {BatchSize} tiles.");
        var run = FixedBatch ? BatchSize : count;
        var binding = batch.Prepare(run);
        try
        {
            _session.RunWithBinding(_runOptions, binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InferenceException(
                $"ONNX Runtime failed running '{ModelPath}' on {run} tile(s) of {Card.Input.GraphChannels} x {GraphTile} x {GraphTile} " +
                $"(output '{Card.Output.Name}' expected {run} x {OutputChannels} x {GraphTile} x {GraphTile}): {ex.Message.TrimEnd()}", ex);
        }
        batch.Completed(count);
    }

    /// <summary>
    /// The model's set of buffers number <paramref name="index"/> (pinned, bound once; 0 is <see cref="DefaultBatch"/>),
    /// made on first use and the same object ever after, for a pipeline that fills one batch while another runs. Every
    /// run of a detector asks for the same few, so they are made once per model. Disposed with the model.
    /// </summary>
    /// <param name="index">0 or more.</param>
    public TileBatch Batch(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        lock (_batchesLock)
        {
            while (_batches.Count <= index) _batches.Add(new TileBatch(this, _session));
            return _batches[index];
        }
    }

    /// <summary>Tiles in the last successful <see cref="Run(int)"/> (0 before the first).</summary>
    public int OutputCount => DefaultBatch.OutputCount;

    /// <inheritdoc cref="TileBatch.Output"/>
    public ReadOnlySpan<float> Output => DefaultBatch.Output;

    /// <inheritdoc cref="TileBatch.OutputTile"/>
    public ReadOnlySpan<float> OutputTile(int index) => DefaultBatch.OutputTile(index);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_batchesLock) foreach (var batch in _batches) batch.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{ModelPath}: {Card}; {Device}, batch {BatchSize}{(FixedBatch ? " (fixed)" : "")}";
}
