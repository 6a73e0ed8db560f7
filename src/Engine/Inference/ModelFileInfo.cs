namespace WeiPian.Engine.Inference;

/// <summary>
/// What a model file holds, as <see cref="ChangeModel.Inspect"/> reads it for <c>weipian info</c>: the card the engine
/// would use, where it was found, and the graph's inputs and outputs.
/// </summary>
/// <param name="Path">The .onnx file, full path.</param>
/// <param name="Card">The card the engine uses: the embedded one, else the sidecar.</param>
/// <param name="Embedded">Whether the graph embeds a card (its <see cref="ModelCard.MetadataKey"/> metadata).</param>
/// <param name="Sidecar">The sidecar card beside the model, when there is one (it then agrees with an embedded card).</param>
/// <param name="Inputs">The graph's inputs: "'name' type [dims]".</param>
/// <param name="Outputs">The graph's outputs, likewise.</param>
public sealed record ModelFileInfo(string Path, ModelCard Card, bool Embedded, string? Sidecar,
    IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
