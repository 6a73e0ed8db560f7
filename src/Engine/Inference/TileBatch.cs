using Microsoft.ML.OnnxRuntime;

namespace WeiPian.Engine.Inference;

/// <summary>
/// One batch's worth of a <see cref="ChangeModel"/>'s fixed-shape buffers: pinned input and output tensors, wrapped
/// by ONNX Runtime values and bound once, reused for every run. Several batches let a pipeline fill one, run another
/// and read a third at the same time; get them from <see cref="ChangeModel.Batch"/> and run them with
/// <see cref="ChangeModel.Run(TileBatch, int)"/>.
/// </summary>
/// <remarks>
/// Write each tile's normalised before and after values (C x T x T float32, channel-major, rows top to bottom)
/// straight into <see cref="BeforeTile"/> and <see cref="AfterTile"/>; after a run read <see cref="OutputTile"/>. The
/// spans are views over pinned memory that ONNX Runtime reads and writes in place, so a stacked model's 2C-channel
/// tensor is assembled without a copy and the steady state allocates nothing. A batch belongs to one thread at a time;
/// it is disposed with its model.
/// </remarks>
public sealed class TileBatch : IDisposable
{
    private readonly ChangeModel _model;
    private readonly OrtIoBinding _binding;

    // Pair: _input0 = before, _input1 = after, both BatchSize x C x T x T; _input2 = null.
    // Stacked: _input0 = the stacked BatchSize x 2C x T x T tensor, _input1 and _input2 = null.
    // Blocks: _input0, _input1, _input2 = before, after and difference, each BatchSize x C x T/b x T/b.
    // Pinned (pinned object heap) so ONNX Runtime can keep pointers to them for the batch's lifetime.
    private readonly float[] _input0;
    private readonly float[]? _input1;
    private readonly float[]? _input2;
    private readonly float[] _output;

    // OrtValues over prefixes of the buffers, by number of tiles; created on first use of a count, then reused.
    // A fixed-batch graph only ever uses [BatchSize].
    private readonly OrtValue?[] _input0Values;
    private readonly OrtValue?[] _input1Values;
    private readonly OrtValue?[] _input2Values;
    private readonly OrtValue?[] _outputValues;

    private readonly int _tileStride;   // floats from one tile to the next inside an input buffer
    private readonly int _beforeOffset; // floats from a tile's start to its before channels
    private readonly int _afterOffset;  // ... and to its after channels (in _input1 for a pair)
    private int _boundCount;
    private int _lastCount;
    private bool _disposed;

    internal TileBatch(ChangeModel model, InferenceSession session)
    {
        _model = model;
        var batch = model.BatchSize;
        if (model.Card.Input.Form != InputForm.Stacked)
        {
            _tileStride = model.TileLength;
            _input0 = GC.AllocateArray<float>(batch * model.TileLength, pinned: true);
            _input1 = GC.AllocateArray<float>(batch * model.TileLength, pinned: true);
            if (model.Card.Input.Form == InputForm.Blocks) _input2 = GC.AllocateArray<float>(batch * model.TileLength, pinned: true);
        }
        else
        {
            _tileStride = 2 * model.TileLength;
            _input0 = GC.AllocateArray<float>(batch * 2 * model.TileLength, pinned: true);
            (_beforeOffset, _afterOffset) = model.Card.Input.StackOrder == StackOrder.BeforeAfter ? (0, model.TileLength) : (model.TileLength, 0);
        }
        _output = GC.AllocateArray<float>(batch * model.OutputTileLength, pinned: true);
        _input0Values = new OrtValue?[batch + 1];
        _input1Values = new OrtValue?[batch + 1];
        _input2Values = new OrtValue?[batch + 1];
        _outputValues = new OrtValue?[batch + 1];
        _binding = session.CreateIoBinding();
    }

    /// <summary>
    /// Where tile <paramref name="index"/> of the next run takes its before-date values: C x T x T floats,
    /// channel c (card band order) at [c x T x T, (c + 1) x T x T), row-major, already scaled
    /// (<see cref="CardScaling.Coefficients"/>). For a stacked model this is the before channel range of the
    /// stacked tensor itself.
    /// </summary>
    /// <param name="index">0 .. <see cref="ChangeModel.BatchSize"/> - 1.</param>
    public Span<float> BeforeTile(int index)
    {
        CheckTileIndex(index, _model.BatchSize);
        return _input0.AsSpan(index * _tileStride + _beforeOffset, _model.TileLength);
    }

    /// <summary>Where tile <paramref name="index"/> of the next run takes its after-date values; laid out like <see cref="BeforeTile"/>.</summary>
    /// <param name="index">0 .. <see cref="ChangeModel.BatchSize"/> - 1.</param>
    public Span<float> AfterTile(int index)
    {
        CheckTileIndex(index, _model.BatchSize);
        return _input1 is null
            ? _input0.AsSpan(index * _tileStride + _afterOffset, _model.TileLength)
            : _input1.AsSpan(index * _tileStride, _model.TileLength);
    }

    /// <summary>
    /// Where tile <paramref name="index"/> of the next run takes the block means of |after - before| (a screen that takes
    /// block means, <see cref="InputForm.Blocks"/>); laid out like <see cref="BeforeTile"/>, whose values are then the
    /// before date's block means.
    /// </summary>
    /// <param name="index">0 .. <see cref="ChangeModel.BatchSize"/> - 1.</param>
    /// <exception cref="InvalidOperationException">The model does not take block means.</exception>
    public Span<float> DifferenceTile(int index)
    {
        CheckTileIndex(index, _model.BatchSize);
        return _input2 is null
            ? throw new InvalidOperationException($"'{_model.ModelPath}' takes {CardForms.Name(_model.Card.Input.Form)} input, not block means: it has no difference input.")
            : _input2.AsSpan(index * _tileStride, _model.TileLength);
    }

    /// <summary>Tiles in the last successful run of this batch (0 before the first).</summary>
    public int OutputCount => _lastCount;

    /// <summary>The last run's output for its tiles, tile after tile: <see cref="OutputCount"/> x <see cref="ChangeModel.OutputTileLength"/> floats. Same memory on every run.</summary>
    public ReadOnlySpan<float> Output => _output.AsSpan(0, _lastCount * _model.OutputTileLength);

    /// <summary>The last run's output for tile <paramref name="index"/>: K (or 1) x T x T floats (T / b for block means), channel-major, as <see cref="CardOutput.Form"/> says.</summary>
    /// <param name="index">0 .. <see cref="OutputCount"/> - 1.</param>
    public ReadOnlySpan<float> OutputTile(int index)
    {
        CheckTileIndex(index, _lastCount);
        return _output.AsSpan(index * _model.OutputTileLength, _model.OutputTileLength);
    }

    /// <summary>True when <paramref name="model"/> made this batch.</summary>
    internal bool Belongs(ChangeModel model) => ReferenceEquals(model, _model);

    /// <summary>Binds the first <paramref name="count"/> tiles (the graph's batch for a fixed one) and forgets the last output.</summary>
    /// <remarks>
    /// On the CPU a binding reads the pinned buffers in place, so binding once serves every run. On another device
    /// ONNX Runtime copies an input to the device when it is bound (IOBinding::BindInput), not when the graph runs: a
    /// binding kept from an earlier run would feed that run's tiles again, so there the inputs are bound anew for each run.
    /// </remarks>
    internal OrtIoBinding Prepare(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count != _boundCount) Bind(count);
        else if (_model.Device != InferenceDevice.Cpu) BindInputs(count);
        _lastCount = 0;
        return _binding;
    }

    /// <summary>Marks a successful run of <paramref name="count"/> tiles.</summary>
    internal void Completed(int count) => _lastCount = count;

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _binding.Dispose();
        foreach (var v in _input0Values) v?.Dispose();
        foreach (var v in _input1Values) v?.Dispose();
        foreach (var v in _input2Values) v?.Dispose();
        foreach (var v in _outputValues) v?.Dispose();
    }

    private void Bind(int count)
    {
        BindInputs(count);
        _binding.ClearBoundOutputs();
        var t = _model.GraphTile;
        _binding.BindOutput(_model.Card.Output.Name,
            _outputValues[count] ??= Wrap(_output, count * _model.OutputTileLength, [count, _model.OutputChannels, t, t]));
        _boundCount = count;
    }

    private void BindInputs(int count)
    {
        _binding.ClearBoundInputs();
        var input = _model.Card.Input;
        var t = _model.GraphTile;
        long[] inputShape = [count, input.GraphChannels, t, t];
        _binding.BindInput(input.Names[0], _input0Values[count] ??= Wrap(_input0, count * _tileStride, inputShape));
        if (_input1 is not null)
            _binding.BindInput(input.Names[1], _input1Values[count] ??= Wrap(_input1, count * _tileStride, inputShape));
        if (_input2 is not null)
            _binding.BindInput(input.Names[2], _input2Values[count] ??= Wrap(_input2, count * _tileStride, inputShape));
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
