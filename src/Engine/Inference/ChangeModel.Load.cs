using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace WeiPian.Engine.Inference;

public sealed partial class ChangeModel
{
    /// <summary>
    /// Loads a change model: reads its card (embedded, or the sidecar), checks the card against the graph,
    /// creates the ONNX Runtime session and the reusable buffers.
    /// </summary>
    /// <param name="onnxPath">The .onnx file.</param>
    /// <param name="options">Device, threads, batch size; null for the defaults (CPU).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelContractException">No card, an invalid card, or a card that contradicts the graph; the message names the file, what the card says and what the graph has.</exception>
    /// <exception cref="InputException">CUDA asked of a CPU build of the engine, <see cref="InferenceOptions.Fp16"/> asked of a graph the float16 rewrite does not handle, an option out of range or past <see cref="InferenceLimits"/>, a batch's buffers over <see cref="InferenceLimits.MaxBatchValues"/>, or <see cref="InferenceOptions.BatchSize"/> contradicting the graph's fixed batch; <see cref="InputException.Setting"/> names the option.</exception>
    /// <exception cref="InferenceException">ONNX Runtime cannot load the file or start the device.</exception>
    /// <exception cref="IOException">The optimised graph cannot be written to <see cref="InferenceOptions.OptimizedModelCachePath"/>.</exception>
    public static ChangeModel Load(string onnxPath, InferenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        options ??= new InferenceOptions();
        InferenceLimits.Check(options);
        CheckOptions(options);
        options = options.ForCores(Environment.ProcessorCount);
        var path = Path.GetFullPath(onnxPath);
        var session = CreateSession(path, options);
        try
        {
            var card = options.CardPath is { } cardPath ? ReadCardFile(cardPath) : ReadCard(session, path);
            CheckGraph(card, session, path);
            var fixedBatch = card.Input.Batch > 0;
            var batch = fixedBatch ? card.Input.Batch : options.BatchSize > 0 ? options.BatchSize : options.Device == InferenceDevice.Cuda ? 8 : 1;
            if (fixedBatch && options.BatchSize > 0 && options.BatchSize != card.Input.Batch)
                throw new InputException($"A batch of {options.BatchSize} tiles was asked, but '{path}' has a fixed batch of {card.Input.Batch}; leave the batch size at its default for this model.")
                {
                    Setting = nameof(InferenceOptions.BatchSize),
                };
            var tile = ChooseTile(card, session, path, options.TileSize);
            var halo = options.Halo > 0 ? options.Halo : card.Input.Halo;
            if (tile <= 2 * halo)
                throw new InputException($"Tile {tile} with a halo of {halo} px keeps no pixels for '{path}'; the tile must exceed twice the halo.") { Setting = nameof(InferenceOptions.TileSize) };
            var block = card.Input.Block;
            if (tile % block != 0 || halo % block != 0)
                throw new InputException($"Tile {tile} with a halo of {halo} px for '{path}', which takes means of {block} x {block} blocks: the tile and the halo must be whole blocks.") { Setting = nameof(InferenceOptions.TileSize) };
            InferenceLimits.CheckBuffer(path, batch, Math.Max(card.Input.GraphChannels, card.Output.Channels), tile / block);
            return new ChangeModel(path, options.CardPath, card, session, options.Device, batch, fixedBatch, tile, halo, options.Lanes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads a model whose classes are drawn as polygons, so it must give them per pixel: a screen that takes block
    /// means (<see cref="InputForm.Blocks"/>) is refused, naming where it belongs.
    /// </summary>
    internal static ChangeModel LoadPerPixel(string onnxPath, InferenceOptions? options)
    {
        var model = Load(onnxPath, options);
        if (model.Card.Input.Form != InputForm.Blocks) return model;
        model.Dispose();
        var block = model.Card.Input.Block;
        throw new ModelContractException(
            $"Model '{model.ModelPath}' takes block means (input.form \"blocks\"), so it gives one value per {block} x {block} block, not classes per pixel: " +
            "it is a screen, for --screen (InferenceOptions.ScreenModelPath), not a detection model.", model.Card.Source);
    }

    /// <summary>Reads and validates a model's card (embedded or sidecar) without checking it against the graph or preparing to run.</summary>
    /// <param name="onnxPath">The .onnx file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelContractException">No card, or an invalid one.</exception>
    /// <exception cref="InferenceException">ONNX Runtime cannot read the file.</exception>
    public static ModelCard ReadCard(string onnxPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        var path = Path.GetFullPath(onnxPath);
        using var session = CreateSession(path, new InferenceOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 });
        return ReadCard(session, path);
    }

    /// <summary>
    /// Reads a model's card (embedded and sidecar, checked against each other as <see cref="Load"/> does) and the
    /// graph's inputs and outputs, without checking the card against the graph or preparing to run.
    /// </summary>
    /// <param name="onnxPath">The .onnx file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelContractException">No card (the message lists the graph's inputs and outputs), an invalid
    /// one, or an embedded card and a sidecar that differ.</exception>
    /// <exception cref="InferenceException">ONNX Runtime cannot read the file.</exception>
    public static ModelFileInfo Inspect(string onnxPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        var path = Path.GetFullPath(onnxPath);
        using var session = CreateSession(path, new InferenceOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 });
        var card = ReadCard(session, path);
        var sidecar = SidecarPath(path);
        return new ModelFileInfo(path, card, session.ModelMetadata.CustomMetadataMap.ContainsKey(ModelCard.MetadataKey),
            File.Exists(sidecar) ? sidecar : null,
            [.. session.InputMetadata.Select(kv => Describe(kv.Key, kv.Value))],
            [.. session.OutputMetadata.Select(kv => Describe(kv.Key, kv.Value))]);
    }

    /// <summary>True when this build of the engine can run models on CUDA (built with <c>-p:Gpu=true</c>).</summary>
    public static bool SupportsCuda =>
#if WEIPIAN_GPU
        true;
#else
        false;
#endif

    /// <summary>Where a model's sidecar card lives: <c>model.onnx</c> → <c>model.card.json</c> in the same folder.</summary>
    public static string SidecarPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".card.json");

    private static void CheckOptions(InferenceOptions o)
    {
        if (o.IntraOpThreads < 0) throw new InputException($"{o.IntraOpThreads} inference threads: use 0 (the cores shared among the lanes) or more.") { Setting = nameof(o.IntraOpThreads) };
        if (o.Lanes < 0) throw new InputException($"{o.Lanes} inference lanes: use 0 (automatic) or more.") { Setting = nameof(o.Lanes) };
        if (o.InterOpThreads < 0) throw new InputException($"{o.InterOpThreads} inter-operator threads: use 0 (sequential) or more.") { Setting = nameof(o.InterOpThreads) };
        if (o.Halo < 0) throw new InputException($"A halo of {o.Halo} px: use 0 (the card's halo) or a positive margin.") { Setting = nameof(o.Halo) };
        if (o.TileSize < 0) throw new InputException($"A tile of {o.TileSize} px: use 0 (the card's tile) or a positive size.") { Setting = nameof(o.TileSize) };
        if (o.BatchSize < 0) throw new InputException($"A batch of {o.BatchSize} tiles: use 0 (default) or more.") { Setting = nameof(o.BatchSize) };
        if (o.CudaDeviceId < 0) throw new InputException($"CUDA device {o.CudaDeviceId}: CUDA devices are numbered from 0.") { Setting = nameof(o.CudaDeviceId) };
#if !WEIPIAN_GPU
        if (o.Device == InferenceDevice.Cuda)
            throw new InputException(
                "This build of WeiPian.Engine runs models on the CPU only. For CUDA rebuild with `dotnet build -p:Gpu=true` " +
                "(references Microsoft.ML.OnnxRuntime.Gpu.Linux instead of Microsoft.ML.OnnxRuntime); the GPU machine then needs CUDA 13 and cuDNN 9.")
            {
                Setting = nameof(o.Device),
            };
#endif
    }

    private static InferenceSession CreateSession(string path, InferenceOptions options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        var graph = options.Fp16 ? Float16Graph(path) : null;
        var cache = options.OptimizedModelCachePath is { Length: > 0 } cachePath
            ? OptimizedModelCache.For(cachePath, graph ?? File.ReadAllBytes(path), options)
            : null;
        if (cache is { IsCurrent: true })
        {
            try
            {
                // Optimising again would redo the work the cache saves; the graph is already optimised.
                return NewSession(path, cache.FilePath, null, options with { Optimization = GraphOptimization.None }, optimizedTo: null);
            }
            catch (InferenceException)
            {
                cache.Discard(current: true);
            }
        }
        var session = NewSession(path, path, graph, options, cache?.WritePath);
        try
        {
            cache?.Commit();
            return session;
        }
        catch
        {
            cache?.Discard(current: false);
            session.Dispose();
            throw;
        }
    }

    // path names the model in messages; the session reads file (or graph, when given).
    private static InferenceSession NewSession(string path, string file, byte[]? graph, InferenceOptions options, string? optimizedTo)
    {
        using var so = CreateSessionOptions(path, options, optimizedTo);
        try
        {
            return graph is not null ? new InferenceSession(graph, so) : new InferenceSession(file, so);
        }
        catch (OnnxRuntimeException ex)
        {
            var hint = options.Device == InferenceDevice.Cuda ? " " + CudaHint : "";
            var what = file == path ? $"'{path}'" : $"'{path}' (its optimised graph '{file}')";
            throw new InferenceException($"ONNX Runtime cannot load {what}: {ex.Message.TrimEnd()}{hint}", ex);
        }
    }

    private static byte[] Float16Graph(string path)
    {
        try
        {
            return Fp16Graph.Convert(File.ReadAllBytes(path), path);
        }
        catch (InvalidDataException ex)
        {
            throw new InferenceException($"'{path}' is not an ONNX model: {ex.Message}", ex);
        }
    }

    private const string CudaHint =
        "The CUDA provider needs the NVIDIA driver, CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) " +
        "and cuDNN 9 (libcudnn.so.9) findable through LD_LIBRARY_PATH.";

    private static SessionOptions CreateSessionOptions(string path, InferenceOptions o, string? optimizedTo)
    {
        var so = new SessionOptions();
        try
        {
            so.LogId = "weipian";
            // Errors only, or less when the caller quieted ONNX Runtime's environment (the command line does, unless WEIPIAN_TRACE=1).
            so.LogSeverityLevel = (OrtLoggingLevel)Math.Max((int)OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, (int)OrtEnv.Instance().EnvLogLevel);
            so.GraphOptimizationLevel = o.Optimization switch
            {
                GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            so.IntraOpNumThreads = o.IntraOpThreads;
            so.InterOpNumThreads = o.InterOpThreads;
            so.ExecutionMode = o.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL;
            var spin = o.AllowSpinning ? "1" : "0";
            so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin);
            so.AddSessionConfigEntry("session.inter_op.allow_spinning", spin);
            if (optimizedTo is not null) so.OptimizedModelFilePath = optimizedTo;
            if (o.Device == InferenceDevice.Cuda) AppendCuda(so, path, o);
            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

#if WEIPIAN_GPU
    private static void AppendCuda(SessionOptions so, string path, InferenceOptions o)
    {
        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = o.CudaDeviceId.ToString(CultureInfo.InvariantCulture),
                // Tile shapes are fixed, so the exhaustive cuDNN search runs once per shape and pays off.
                ["cudnn_conv_algo_search"] = "EXHAUSTIVE",
                ["do_copy_in_default_stream"] = "1",
            });
            so.AppendExecutionProvider_CUDA(cuda);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InferenceException($"Cannot start ONNX Runtime's CUDA provider (device {o.CudaDeviceId}) for '{path}': {ex.Message.TrimEnd()} {CudaHint}", ex);
        }
    }
#else
    private static void AppendCuda(SessionOptions so, string path, InferenceOptions o) =>
        throw new InputException($"'{path}': CUDA asked of a CPU-only build (device {o.CudaDeviceId.ToString(CultureInfo.InvariantCulture)}); rebuild with -p:Gpu=true.");
#endif

    // An explicit card overrides whatever the model carries; a missing file is named as the card, not as a model.
    private static ModelCard ReadCardFile(string cardPath) =>
        File.Exists(cardPath)
            ? ModelCard.ParseFile(cardPath)
            : throw new InputException($"Card file '{cardPath}' does not exist.") { Setting = nameof(InferenceOptions.CardPath) };

    private static ModelCard ReadCard(InferenceSession session, string path)
    {
        var sidecar = SidecarPath(path);
        session.ModelMetadata.CustomMetadataMap.TryGetValue(ModelCard.MetadataKey, out var embeddedJson);
        var embedded = embeddedJson is null ? null : ModelCard.Parse(embeddedJson, path);
        var side = File.Exists(sidecar) ? ModelCard.ParseFile(sidecar) : null;
        if (embedded is not null && side is not null)
        {
            var differ = ModelCard.Differences(embedded, side);
            if (differ.Count > 0)
                throw new ModelContractException(
                    $"'{path}' embeds a model card ('{ModelCard.MetadataKey}' metadata) and the sidecar '{sidecar}' also exists, " +
                    $"but they differ in: {string.Join(", ", differ)}. The embedded card is the one the model was exported with: " +
                    "delete the sidecar, or make it say the same.", sidecar);
        }
        return embedded ?? side ?? throw new ModelContractException(
            $"'{path}' has no model card: no '{ModelCard.MetadataKey}' entry in its ONNX metadata and no sidecar '{sidecar}'. " +
            $"Write the sidecar next to the model, describing its inputs, scaling, tile, output and classes (schema in docs/MODEL_CARD.md). " +
            $"The graph's inputs are {DescribeAll(session.InputMetadata)}; its outputs are {DescribeAll(session.OutputMetadata)}.", path);
    }
}
