using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Inference;

// Checking a card against the graph it describes: every disagreement is one message saying what the card
// says and what the graph has.
public sealed partial class ChangeModel
{
    internal static void CheckGraph(ModelCard card, InferenceSession session, string path)
    {
        var input = card.Input;
        var bands = $"{input.BandCount} band(s) per date ({BandOrder.Format(input.Bands)})";
        var channelsWhy = input.Form == InputForm.Pair ? bands : $"{bands}, stacked to {input.GraphChannels} channels";

        var graphInputs = session.InputMetadata;
        var formHint = (input.Form, graphInputs.Count) switch
        {
            (InputForm.Pair, 1) => " The graph has a single input: if it takes both dates stacked, set input.form to \"stacked\".",
            (not InputForm.Pair, 2) => " The graph has two inputs: if they are the before and after images, set input.form to \"pair\".",
            (not InputForm.Blocks, 3) => " The graph has three inputs: if they are a screen's block means (before, after, difference), set input.form to \"blocks\".",
            _ => "",
        };
        foreach (var name in input.Names)
            if (!graphInputs.ContainsKey(name))
                throw Mismatch(path, card, $"the card's input.names has '{name}' but the graph has no such input; its inputs are {DescribeAll(graphInputs)}.{formHint}");
        var extra = graphInputs.Keys.Where(k => !input.Names.Contains(k)).ToList();
        foreach (var name in input.Names)
            CheckTensor(path, card, "input", name, graphInputs[name], input.GraphChannels, channelsWhy);
        if (extra.Count > 0)
            throw Mismatch(path, card,
                $"the graph has input(s) the card does not name: {string.Join(", ", extra.Select(k => Describe(k, graphInputs[k])))}; " +
                $"the card's input.names are {string.Join(", ", input.Names)} and the engine feeds only those.{formHint}");

        var output = card.Output;
        if (!session.OutputMetadata.TryGetValue(output.Name, out var outMeta))
            throw Mismatch(path, card, $"the card's output.name is '{output.Name}' but the graph has no such output; its outputs are {DescribeAll(session.OutputMetadata)}.");
        var outWhy = output.Form == OutputForm.ChangeLogit
            ? "output.form \"change-logit\" (one channel)"
            : $"{card.ClassCount} classes and output.form \"{CardForms.Name(output.Form)}\"";
        CheckTensor(path, card, "output", output.Name, outMeta, output.Channels, outWhy);
    }

    /// <summary>The tile side to run at: the card's, or a requested one when every graph input leaves H and W symbolic.</summary>
    internal static int ChooseTile(ModelCard card, InferenceSession session, string path, int requested)
    {
        var input = card.Input;
        if (requested == 0 || requested == input.Tile) return input.Tile;
        foreach (var name in input.Names)
        {
            var meta = session.InputMetadata[name];
            if (meta.Dimensions[2] >= 0 || meta.Dimensions[3] >= 0)
                throw new InputException(
                    $"'{path}' fixes its input {Describe(name, meta)}, so it runs only at its card's tile {input.Tile}; tile {requested} needs a graph exported with dynamic height and width.")
                {
                    Setting = nameof(InferenceOptions.TileSize),
                };
        }
        return requested;
    }

    private static void CheckTensor(string path, ModelCard card, string kind, string name, NodeMetadata meta, int channels, string channelsWhy)
    {
        var tile = card.Input.GraphTile;
        var tileWhy = card.Input.Form == InputForm.Blocks ? $"input.tile {card.Input.Tile} in blocks of {card.Input.Block} is {tile}" : $"input.tile is {tile}";
        var shape = Describe(name, meta);
        if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Float)
            throw Mismatch(path, card, $"graph {kind} {shape} is not a float32 tensor; the engine feeds and reads float32 N x C x H x W (float16 is not yet supported).");
        var dims = meta.Dimensions;
        if (dims.Length != 4)
            throw Mismatch(path, card, $"graph {kind} {shape} has rank {dims.Length}; expected rank 4: N x {channels} x {tile} x {tile}.");
        if (dims[1] >= 0 && dims[1] != channels)
            throw Mismatch(path, card, $"the card says {channelsWhy}, so graph {kind} '{name}' should have {channels} channels (dimension 1), but the graph has {shape}.");
        if ((dims[2] >= 0 && dims[2] != tile) || (dims[3] >= 0 && dims[3] != tile))
            throw Mismatch(path, card, $"the card's {tileWhy} but graph {kind} {shape} fixes height x width at {DimText(meta, 2)} x {DimText(meta, 3)}.");
        var batch = card.Input.Batch;
        if (dims[0] >= 0 && dims[0] != batch)
            throw Mismatch(path, card,
                $"the card's input.batch is {batch}{(batch == 0 ? " (dynamic)" : "")} but graph {kind} {shape} has a fixed batch of {dims[0]}; set input.batch to {dims[0]}.");
        // Exporters often leave an output's batch symbolic even when the inputs fix it; only inputs must agree here
        // (a wrong output batch still fails at the first Run, with ONNX Runtime's message).
        if (dims[0] < 0 && batch > 0 && kind == "input")
            throw Mismatch(path, card,
                $"the card's input.batch is {batch} (fixed) but graph {kind} {shape} has a dynamic batch dimension '{DimText(meta, 0)}'; set input.batch to 0.");
    }

    private static ModelContractException Mismatch(string path, ModelCard card, string what)
    {
        var from = card.Source == path ? "its embedded card" : $"its card '{card.Source}'";
        return new ModelContractException($"Model '{path}' does not match {from}: {what}", card.Source);
    }

    private static string DescribeAll(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "(none)" : string.Join(", ", nodes.Select(kv => Describe(kv.Key, kv.Value)));

    /// <summary>"'images' float32 [batch x 8 x height x width]".</summary>
    private static string Describe(string name, NodeMetadata meta)
    {
        if (!meta.IsTensor) return $"'{name}' ({meta.OnnxValueType})";
        var dims = string.Join(" x ", Enumerable.Range(0, meta.Dimensions.Length).Select(i => DimText(meta, i)));
        return $"'{name}' {TypeName(meta.ElementDataType)} [{dims}]";
    }

    private static string DimText(NodeMetadata meta, int i)
    {
        var d = meta.Dimensions[i];
        if (d >= 0) return d.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var symbolic = meta.SymbolicDimensions;
        return i < symbolic.Length && !string.IsNullOrEmpty(symbolic[i]) ? symbolic[i] : "?";
    }

    private static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.BFloat16 => "bfloat16",
        TensorElementType.Double => "float64",
        _ => type.ToString().ToLowerInvariant(),
    };
}
