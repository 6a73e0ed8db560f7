using Microsoft.ML.OnnxRuntime;

namespace WeiPian.Engine.Inference;

/// <summary>
/// A change-detection model loaded with ONNX Runtime, its <see cref="ModelCard"/> checked against the graph,
/// with fixed-shape input and output buffers it owns and reuses for every batch.
/// </summary>
/// <remarks>
/// <para>Per batch: write each tile's normalised before and after values (C x T x T float32, channel-major,
/// rows top to bottom) straight into <see cref="BeforeTile"/> and <see cref="AfterTile"/>, call
/// <see cref="Run"/>, read <see cref="OutputTile"/>. The spans are views over pinned memory that ONNX Runtime
/// reads and writes in place, so a stacked model's 2C-channel tensor is assembled without a copy and the steady
/// state allocates nothing.</para>
/// <para>Not thread-safe: one instance is one inference lane. Spans obtained earlier stay valid (same memory)
/// until <see cref="Dispose"/>.</para>
/// </remarks>
public sealed partial class ChangeModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtIoBinding _binding;

    // Pair: _input0 = before, _input1 = after, both BatchSize x C x T x T.
    // Stacked: _input0 = the stacked BatchSize x 2C x T x T tensor, _input1 = null.
    // Pinned (pinned object heap) so ONNX Runtime can keep pointers to them for the model's lifetime.
    private readonly float[] _input0;
    private readonly float[]? _input1;
    private readonly float[] _output;

    // OrtValues over prefixes of the buffers, by number of tiles; created on first use of a count, then reused.
    // A fixed-batch graph only ever uses [BatchSize].
    private readonly OrtValue?[] _input0Values;
    private readonly OrtValue?[] _input1Values;
    private readonly OrtValue?[] _outputValues;

    private readonly int _tileStride;   // floats from one tile to the next inside an input buffer
    private readonly int _beforeOffset; // floats from a tile's start to its before channels
    private readonly int _afterOffset;  // ... and to its after channels (in _input1 for a pair)
    private int _boundCount;
    private int _lastCount;
    private bool _disposed;

    private ChangeModel(string path, ModelCard card, InferenceSession session, InferenceDevice device, int batchSize, bool fixedBatch, int tileSize, int halo)
    {
        ModelPath = path;
        Card = card;
        Device = device;
        BatchSize = batchSize;
        FixedBatch = fixedBatch;
        TileSize = tileSize;
        Halo = halo;
        BandCount = card.Input.BandCount;
        OutputChannels = card.Output.Channels;
        var plane = TileSize * TileSize;
        TileLength = BandCount * plane;
        OutputTileLength = OutputChannels * plane;

        _session = session;
        if (card.Input.Form == InputForm.Pair)
        {
            _tileStride = TileLength;
            _input0 = GC.AllocateArray<float>(batchSize * TileLength, pinned: true);
            _input1 = GC.AllocateArray<float>(batchSize * TileLength, pinned: true);
        }
        else
        {
            _tileStride = 2 * TileLength;
            _input0 = GC.AllocateArray<float>(batchSize * 2 * TileLength, pinned: true);
            (_beforeOffset, _afterOffset) = card.Input.StackOrder == StackOrder.BeforeAfter ? (0, TileLength) : (TileLength, 0);
        }
        _output = GC.AllocateArray<float>(batchSize * OutputTileLength, pinned: true);
        _input0Values = new OrtValue?[batchSize + 1];
        _input1Values = new OrtValue?[batchSize + 1];
        _outputValues = new OrtValue?[batchSize + 1];
        _runOptions = new RunOptions();
        _binding = _session.CreateIoBinding();
    }

    /// <summary>The .onnx file (full path).</summary>
    public string ModelPath { get; }

    /// <summary>The model's card, checked against the graph.</summary>
    public ModelCard Card { get; }

    /// <summary>Where the model runs.</summary>
    public InferenceDevice Device { get; }

    /// <summary>Tiles per <see cref="Run"/> at most: the graph's fixed batch, or <see cref="InferenceOptions.BatchSize"/> for a dynamic one.</summary>
    public int BatchSize { get; }

    /// <summary>True when the graph fixes its batch size: a short batch is padded to <see cref="BatchSize"/> tiles.</summary>
    public bool FixedBatch { get; }

    /// <summary>Tile side T in pixels: <see cref="CardInput.Tile"/> unless <see cref="InferenceOptions.TileSize"/> chose another.</summary>
    public int TileSize { get; }

    /// <summary>Context margin in pixels discarded on each side of a tile: <see cref="CardInput.Halo"/> unless <see cref="InferenceOptions.Halo"/> chose another.</summary>
    public int Halo { get; }

    /// <summary>Pixels kept per tile side after the halos are discarded: <see cref="TileSize"/> - 2 x <see cref="Halo"/>.</summary>
    public int Kept => TileSize - 2 * Halo;

    /// <summary>Channels per date C.</summary>
    public int BandCount { get; }

    /// <summary>Floats in one date's tile: C x T x T.</summary>
    public int TileLength { get; }

    /// <summary>Output channels per tile: K for logits and probabilities, 1 for a change logit.</summary>
    public int OutputChannels { get; }

    /// <summary>Floats in one tile's output: <see cref="OutputChannels"/> x T x T.</summary>
    public int OutputTileLength { get; }

    /// <summary>
    /// Where tile <paramref name="index"/> of the next batch takes its before-date values: C x T x T floats,
    /// channel c (card band order) at [c x T x T, (c + 1) x T x T), row-major, already scaled
    /// (<see cref="CardScaling.Coefficients"/>). For a stacked model this is the before channel range of the
    /// stacked tensor itself.
    /// </summary>
    /// <param name="index">0 .. <see cref="BatchSize"/> - 1.</param>
    public Span<float> BeforeTile(int index)
    {
        CheckTileIndex(index, BatchSize);
        return _input0.AsSpan(index * _tileStride + _beforeOffset, TileLength);
    }

    /// <summary>Where tile <paramref name="index"/> of the next batch takes its after-date values; laid out like <see cref="BeforeTile"/>.</summary>
    /// <param name="index">0 .. <see cref="BatchSize"/> - 1.</param>
    public Span<float> AfterTile(int index)
    {
        CheckTileIndex(index, BatchSize);
        return _input1 is null
            ? _input0.AsSpan(index * _tileStride + _afterOffset, TileLength)
            : _input1.AsSpan(index * _tileStride, TileLength);
    }

    /// <summary>
    /// Runs the model on tiles 0 .. <paramref name="count"/> - 1 of the input buffers. A fixed-batch graph always
    /// runs all <see cref="BatchSize"/> slots (the ones past <paramref name="count"/> hold whatever they held; their
    /// outputs are not exposed); a dynamic-batch graph runs exactly <paramref name="count"/> tiles.
    /// </summary>
    /// <param name="count">Tiles filled, 1 .. <see cref="BatchSize"/>.</param>
    /// <exception cref="InferenceException">ONNX Runtime failed (the message carries its reason).</exception>
    public void Run(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count < 1 || count > BatchSize)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"A batch of '{ModelPath}' holds 1 to {BatchSize} tiles.");
        var run = FixedBatch ? BatchSize : count;
        if (run != _boundCount) Bind(run);
        _lastCount = 0;
        try
        {
            _session.RunWithBinding(_runOptions, _binding);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InferenceException(
                $"ONNX Runtime failed running '{ModelPath}' on {run} tile(s) of {Card.Input.GraphChannels} x {TileSize} x {TileSize} " +
                $"(output '{Card.Output.Name}' expected {run} x {OutputChannels} x {TileSize} x {TileSize}): {ex.Message.TrimEnd()}", ex);
        }
        _lastCount = count;
    }

    /// <summary>Tiles in the last successful <see cref="Run"/> (0 before the first).</summary>
    public int OutputCount => _lastCount;

    /// <summary>The last run's output for its tiles, tile after tile: <see cref="OutputCount"/> x <see cref="OutputTileLength"/> floats. Same memory on every run.</summary>
    public ReadOnlySpan<float> Output => _output.AsSpan(0, _lastCount * OutputTileLength);

    /// <summary>The last run's output for tile <paramref name="index"/>: K (or 1) x T x T floats, channel-major, as <see cref="CardOutput.Form"/> says.</summary>
    /// <param name="index">0 .. <see cref="OutputCount"/> - 1.</param>
    public ReadOnlySpan<float> OutputTile(int index)
    {
        CheckTileIndex(index, _lastCount);
        return _output.AsSpan(index * OutputTileLength, OutputTileLength);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding.Dispose();
        foreach (var v in _input0Values) v?.Dispose();
        foreach (var v in _input1Values) v?.Dispose();
        foreach (var v in _outputValues) v?.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{ModelPath}: {Card}; {Device}, batch {BatchSize}{(FixedBatch ? " (fixed)" : "")}";

    private void Bind(int count)
    {
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        var input = Card.Input;
        long[] inputShape = [count, input.GraphChannels, TileSize, TileSize];
        _binding.BindInput(input.Names[0], _input0Values[count] ??= Wrap(_input0, count * _tileStride, inputShape));
        if (_input1 is not null)
            _binding.BindInput(input.Names[1], _input1Values[count] ??= Wrap(_input1, count * _tileStride, inputShape));
        _binding.BindOutput(Card.Output.Name, _outputValues[count] ??= Wrap(_output, count * OutputTileLength, [count, OutputChannels, TileSize, TileSize]));
        _boundCount = count;
    }

    // A tensor over the first `length` floats of a pinned buffer: ONNX Runtime reads/writes the array in place.
    private static OrtValue Wrap(float[] buffer, int length, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, new Memory<float>(buffer, 0, length), shape);

    private void CheckTileIndex(int index, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(index), index, count == 0 ? "No tiles: run the model first." : $"Tile index must be 0 .. {count - 1}.");
    }
}
