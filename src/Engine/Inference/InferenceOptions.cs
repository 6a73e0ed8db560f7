namespace WeiPian.Engine.Inference;

/// <summary>Where a model runs.</summary>
public enum InferenceDevice
{
    /// <summary>ONNX Runtime's CPU execution provider (always available).</summary>
    Cpu,
    /// <summary>
    /// ONNX Runtime's CUDA execution provider. Needs an engine built with <c>-p:Gpu=true</c> (which references
    /// Microsoft.ML.OnnxRuntime.Gpu.Linux) and, on the machine, CUDA 13 and cuDNN 9.
    /// </summary>
    Cuda,
}

/// <summary>How hard ONNX Runtime rewrites the graph when the model loads.</summary>
public enum GraphOptimization
{
    /// <summary>No rewriting.</summary>
    None,
    /// <summary>Semantics-preserving node removals and constant folding.</summary>
    Basic,
    /// <summary>Basic plus node fusions.</summary>
    Extended,
    /// <summary>Everything, layout changes included (the default; may be hardware-specific).</summary>
    All,
}

/// <summary>How a <see cref="ChangeModel"/> is loaded and run.</summary>
public sealed record InferenceOptions
{
    /// <summary>A device by the name users type: <c>cpu</c>, or <c>cuda</c> (also <c>gpu</c>), in any case.</summary>
    /// <param name="name">The name.</param>
    /// <param name="what">What the name was given as, for the message (an option, a field).</param>
    /// <exception cref="InputException">Any other name; the message names <paramref name="what"/> and the names known.</exception>
    public static InferenceDevice ParseDevice(string name, string what = "device") => name.ToLowerInvariant() switch
    {
        "cpu" => InferenceDevice.Cpu,
        "cuda" or "gpu" => InferenceDevice.Cuda,
        _ => throw new InputException($"{what} '{name}': use cpu or cuda."),
    };

    /// <summary>CPU (default) or CUDA.</summary>
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;

    /// <summary>CUDA device ordinal (0 = first GPU). Ignored on CPU.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator, per lane (<see cref="Lanes"/>); 0 (default) shares the cores among
    /// the lanes (<see cref="ForCores"/>).
    /// </summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// Batches the detection pipeline runs at once, each on its own thread (one ONNX Runtime session takes concurrent
    /// runs); 0 (default) chooses (<see cref="ForCores"/>). Small tiles leave a convolution's threads waiting on each
    /// other, so lanes of one thread beat fewer lanes of more threads at every core count measured (bench/RESULTS.md
    /// § GPU, CPU cores); CUDA runs one lane. The results do not depend on it. A caller of <see cref="ChangeModel.Run(int)"/> that runs one
    /// batch at a time should set 1, so its one lane gets every core.
    /// </summary>
    public int Lanes { get; init; }

    /// <summary>
    /// These options with <see cref="Lanes"/> and <see cref="IntraOpThreads"/> chosen for <paramref name="cores"/> cores
    /// where they are 0: on the CPU a lane of one thread per core up to 8 cores, and on more cores lanes for three
    /// quarters of them, the rest left to reading, scaling and classifying tiles (16 lanes on 16 cores starved those
    /// stages: bench/RESULTS.md § GPU, CPU cores and lanes); with a set thread count, as many lanes as the cores hold;
    /// on CUDA one lane.
    /// </summary>
    /// <param name="cores">The cores this model may use (the machine's, or a share of them).</param>
    public InferenceOptions ForCores(int cores)
    {
        cores = Math.Max(1, cores);
        if (Device != InferenceDevice.Cpu) return this with { Lanes = Lanes > 0 ? Lanes : 1 };
        var most = cores <= 8 ? cores : cores * 3 / 4;
        var lanes = Lanes > 0 ? Lanes : Math.Clamp(IntraOpThreads > 0 ? cores / IntraOpThreads : most, 1, most);
        return this with { Lanes = lanes, IntraOpThreads = IntraOpThreads > 0 ? IntraOpThreads : Math.Max(1, cores / lanes) };
    }

    /// <summary>Threads running independent graph branches in parallel; 0 (default) runs the graph sequentially, which suits the single-path networks used here.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's idle worker threads spin waiting for work. Off by default
    /// (<c>session.intra_op.allow_spinning = 0</c>) so the pipeline's other stages keep their cores;
    /// turn on only when inference has the machine to itself.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>Graph optimization level; <see cref="GraphOptimization.All"/> by default.</summary>
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;

    /// <summary>
    /// Optional file that keeps ONNX Runtime's optimised graph of the model between loads: the first load optimises
    /// and writes it (with a <c>.key</c> file beside it), later loads of the same model with the same options, ONNX
    /// Runtime version and CPU read it instead of optimising again. A stale or unreadable file is replaced, never used.
    /// Saves the optimisation time of every session (worth it for large graphs and many short scenes); the bundled
    /// models optimise in a fraction of a second.
    /// </summary>
    public string? OptimizedModelCachePath { get; init; }

    /// <summary>
    /// Tiles per run for graphs with a dynamic batch dimension; 0 (default) means 1 on CPU and 8 on CUDA.
    /// Ignored (must be 0 or equal) when the graph fixes its batch size.
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Tile side in pixels; 0 (default) takes the card's <see cref="CardInput.Tile"/>. Another size needs a graph whose
    /// height and width are symbolic (fully convolutional models exported with dynamic H and W), and must exceed twice
    /// the card's halo. Larger tiles waste less on halos; the card's size is what the model was made for.
    /// </summary>
    public int TileSize { get; init; }

    /// <summary>
    /// Context margin per tile side in pixels; 0 (default) takes the card's <see cref="CardInput.Halo"/>. A larger halo
    /// costs time and is always safe; a smaller one than the card's lets the model see less context than it was made
    /// for, so seams may appear.
    /// </summary>
    public int Halo { get; init; }

    /// <summary>
    /// Computes in float16: the float32 graph is rewritten when it loads (weights and activations float16, inputs
    /// and outputs still float32, so tiles, kernels and the card are unchanged). Meant for CUDA, where tensor cores
    /// run float16 convolutions several times faster and batches take half the memory; on the CPU ONNX Runtime runs
    /// most float16 operators through casts to float32 (as fast as float32 for a convolutional net, a few times slower
    /// for a graph of element-wise operators such as spectral-v1), useful to see what float16 does to a model's classes.
    /// Graphs with control flow, custom-domain operators or external weights are refused (<see cref="InputException"/>
    /// from <see cref="ChangeModel.Load"/>).
    /// </summary>
    /// <remarks>Small models with hand-set epsilons (spectral indices) can lose them below float16's 6e-8; compare a
    /// scene's classes in both precisions before trusting float16 for a new model (<c>bench/gpu/check.sh</c> does).</remarks>
    public bool Fp16 { get; init; }

    /// <summary>
    /// A card file that replaces the model's own card (embedded and sidecar alike), e.g. to state the bit depth or
    /// scaling mode a bundled model's embedded card lacks without re-exporting it; null (default) reads the model's card,
    /// where an embedded card and a differing sidecar are refused. The card is still checked against the graph.
    /// </summary>
    public string? CardPath { get; init; }

    /// <summary>
    /// A cheap model (.onnx with its card, e.g. the bundled spectral-v1) run on every tile before this model, so that
    /// this model runs only where the screen sees possible change: the first stage of a screening cascade. Most of a real
    /// enforcement scene is unchanged (about 0.4 suspected changes per km²), and the expensive model's time is the run's;
    /// the screen costs a fraction of it. The screen runs on its own card's tiles, scaling and bands, on the same device,
    /// in float32, its lanes chosen for the cores; a tile of this model runs when a pixel inside it, or within this model's
    /// halo of it (so an object across a tile edge is whole), has a change probability of at least
    /// <see cref="ScreenThreshold"/> by the screen; the other tiles are "no change" without this model. Null (default): no
    /// screen, every tile runs.
    /// </summary>
    public string? ScreenModelPath { get; init; }

    /// <summary>
    /// The change probability (1 - the screen's probability of "no change") at or above which a pixel of the screen flags
    /// its tile, in (0, 0.5]: tuned for recall, not precision, since a tile the screen misses is a change lost while a
    /// tile it flags in vain only costs time. At 0.5 a pixel flags when the screen's class map calls it change.
    /// </summary>
    public double ScreenThreshold { get; init; } = DefaultScreenThreshold;

    /// <summary>The default <see cref="ScreenThreshold"/>, measured on synthesised pairs for spectral-v1 screening fusion-unet-v1 (bench/RESULTS.md § screening cascade).</summary>
    public const double DefaultScreenThreshold = 0.35;
}
