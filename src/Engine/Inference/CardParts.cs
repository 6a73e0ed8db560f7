using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Inference;

/// <summary>The card's <c>input.scaling</c>: per-band clamp range and standardisation, broadcast to one value per band.</summary>
public sealed class CardScaling
{
    internal CardScaling(double[] min, double[] max, double[] mean, double[] std, CardRadiometry radiometry)
    {
        Radiometry = radiometry;
        Min = min;
        Max = max;
        Mean = mean;
        Std = std;
        Coefficients = new BandScaling(min, max, mean, std);
    }

    /// <summary>Lower clamp per band, raw pixel units.</summary>
    public IReadOnlyList<double> Min { get; }

    /// <summary>Upper clamp per band, raw pixel units; (x - min) / (max - min) maps the clamped range to 0..1.</summary>
    public IReadOnlyList<double> Max { get; }

    /// <summary>Mean subtracted from the 0..1 value, per band (0 when the card omits it).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Standard deviation divided into the centred value, per band (1 when the card omits it).</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>The same scaling as one affine map per band, computed once; what the normalisation kernels use.</summary>
    public BandScaling Coefficients { get; }

    /// <summary>The training data's bit depth and how scenes are brought onto this scaling (<c>input.bitDepth</c>, <c>scaling.mode</c>).</summary>
    public CardRadiometry Radiometry { get; }
}

/// <summary>The card's <c>input</c>: how the two dates are fed to the graph.</summary>
public sealed class CardInput
{
    internal CardInput(InputForm form, string[] names, StackOrder stackOrder, BandRole[] bands, CardScaling scaling, int tile, int halo, int batch, int block = 1)
    {
        Block = block;
        Form = form;
        Names = names;
        StackOrder = stackOrder;
        Bands = bands;
        Scaling = scaling;
        Tile = tile;
        Halo = halo;
        Batch = batch;
    }

    /// <summary>Two inputs (pair), one stacked input, or three of block means (blocks).</summary>
    public InputForm Form { get; }

    /// <summary>ONNX input names: [before, after] for a pair, [name] for a stacked input, [before, after, difference] for blocks.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The ONNX input holding the before date (the stacked input's name for a stacked model).</summary>
    public string BeforeName => Names[0];

    /// <summary>The ONNX input holding the after date (the stacked input's name for a stacked model).</summary>
    public string AfterName => Names[Form == InputForm.Blocks ? 1 : ^1];

    /// <summary>Whose channels come first in a stacked input; <see cref="StackOrder.BeforeAfter"/> for a pair model (unused).</summary>
    public StackOrder StackOrder { get; }

    /// <summary>Band roles in channel order, per date.</summary>
    public IReadOnlyList<BandRole> Bands { get; }

    /// <summary>Channels per date (C).</summary>
    public int BandCount => Bands.Count;

    /// <summary>Channels of each graph input: C for a pair or blocks, 2C for a stacked input.</summary>
    public int GraphChannels => Form == InputForm.Stacked ? 2 * BandCount : BandCount;

    /// <summary>Side in pixels of the square blocks one graph value stands for: <c>input.block</c> for blocks, 1 otherwise.</summary>
    public int Block { get; }

    /// <summary>Height = width of the graph's input and output tensors for a tile: <see cref="Tile"/> / <see cref="Block"/>.</summary>
    public int GraphTile => Tile / Block;

    /// <summary>Raw pixel value to model value, per band.</summary>
    public CardScaling Scaling { get; }

    /// <summary>Tile side in pixels (model input H = W).</summary>
    public int Tile { get; }

    /// <summary>Pixels discarded on each side of a tile's output.</summary>
    public int Halo { get; }

    /// <summary>Side of the kept centre of a tile, pixels: <see cref="Tile"/> - 2 x <see cref="Halo"/> (always &gt; 0).</summary>
    public int Kept => Tile - 2 * Halo;

    /// <summary>The graph's fixed batch size, or 0 when its batch dimension is dynamic.</summary>
    public int Batch { get; }

    /// <summary>
    /// The ground sample distance the model was trained at, in metres; null when the card does not say. Objects keep
    /// their size in pixels only at this GSD, so a scene more than 10 % finer or coarser is refused unless resampled to it.
    /// </summary>
    public double? Gsd { get; internal init; }
}

/// <summary>The card's <c>output</c>: which graph output to read and what it means.</summary>
public sealed class CardOutput
{
    internal CardOutput(string name, OutputForm form, double? threshold, int? changeClass, int classCount)
    {
        Name = name;
        Form = form;
        Threshold = threshold;
        ChangeClass = changeClass;
        Channels = form == OutputForm.ChangeLogit ? 1 : classCount;
    }

    /// <summary>The ONNX output name.</summary>
    public string Name { get; }

    /// <summary>Logits, probabilities or a single change logit.</summary>
    public OutputForm Form { get; }

    /// <summary>Change-logit models only: sigmoid(x) &gt;= threshold means change; in (0, 1). Null for the other forms.</summary>
    public double? Threshold { get; }

    /// <summary>Change-logit models only: the class id a detected change gets (1..K-1). Null for the other forms.</summary>
    public int? ChangeClass { get; }

    /// <summary>Change-logit models only: the threshold on the raw logit, ln(t / (1 - t)), so x &gt;= it means change without a sigmoid. Null for the other forms.</summary>
    public double? LogitThreshold => Threshold is { } t ? Math.Log(t / (1 - t)) : null;

    /// <summary>Output channels: K for logits and probabilities, 1 for a change logit.</summary>
    public int Channels { get; }
}

/// <summary>One output class of the card's <c>classes</c>; its <see cref="Id"/> is its index.</summary>
public sealed class CardClass
{
    internal CardClass(int id, string name, string? tblx, bool localTblx = false, double? minimumArea = null)
    {
        Id = id;
        Name = name;
        Tblx = tblx;
        LocalTblx = localTblx;
        MinimumArea = minimumArea;
    }

    /// <summary>Class id, 0..K-1; 0 is "no change".</summary>
    public int Id { get; }

    /// <summary>Human name ("building", "pond", ...).</summary>
    public string Name { get; }

    /// <summary>The national change-type code written to the polygon's TBLX field ("20", "KT", "CK", ...); null for "no change".</summary>
    public string? Tblx { get; }

    /// <summary>The card marks <see cref="Tblx"/> as a local code (<c>"localTblx": true</c>), one outside the national list the engine knows (<see cref="Output.ChangeTypes"/>).</summary>
    public bool LocalTblx { get; }

    /// <summary>
    /// The card's <c>minArea</c>: the smallest polygon of this class worth reporting, m², for a model whose makers know
    /// the size of what it finds reliably; null leaves it to the DOMAIN table. The user's minimum area wins over it
    /// (<see cref="Pipeline.DetectionOptions.MinimumAreaFor(CardClass)"/>).
    /// </summary>
    public double? MinimumArea { get; }

    /// <inheritdoc />
    public override string ToString() => Tblx is null ? $"{Id} {Name}" : $"{Id} {Name} (TBLX {Tblx})";
}
