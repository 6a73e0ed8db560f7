using System.Text.Json;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Inference;

/// <summary>
/// The contract between a change model and the engine: what the two dates' inputs look like, how raw
/// pixels are scaled, the tile and halo, what the output means and which classes it has.
/// </summary>
/// <remarks>
/// Travels inside the ONNX file as the metadata_props entry <c>weipian.card</c>, or for a third-party model
/// in a sidecar <c>&lt;model&gt;.card.json</c> next to the <c>.onnx</c>. The JSON schema is in
/// docs/MODEL_CARD.md. A parsed card is internally consistent (band counts, scaling lengths, halo, classes
/// contiguous from 0); whether it matches the graph is checked by <see cref="ChangeModel.Load"/>.
/// Immutable.
/// </remarks>
public sealed partial class ModelCard
{
    /// <summary>The ONNX metadata_props key that holds the embedded card.</summary>
    public const string MetadataKey = "weipian.card";

    private ModelCard(string source, string name, string version, string description, CardInput input, CardOutput output, CardClass[] classes)
    {
        Source = source;
        Name = name;
        Version = version;
        Description = description;
        Input = input;
        Output = output;
        Classes = classes;
    }

    /// <summary>Where the card was read from (the model or sidecar file), as given to <see cref="Parse"/>; used in messages.</summary>
    public string Source { get; }

    /// <summary>Model name ("spectral-v1"); written to the polygons' discovery method with <see cref="Version"/>.</summary>
    public string Name { get; }

    /// <summary>Model version ("1.0.0").</summary>
    public string Version { get; }

    /// <summary>Free text; empty when the card has none.</summary>
    public string Description { get; }

    /// <summary>How the two dates are fed to the graph.</summary>
    public CardInput Input { get; }

    /// <summary>Which output to read and what it means.</summary>
    public CardOutput Output { get; }

    /// <summary>Output classes, indexed by id (0 = no change).</summary>
    public IReadOnlyList<CardClass> Classes { get; }

    /// <summary>
    /// The card's <c>clouds</c>: the model was made for imagery whose clouds and shadows nobody flagged, so the engine's
    /// cloud screen runs by default (<see cref="Pipeline.DetectionOptions.CloudScreen"/>); false when the card omits it.
    /// </summary>
    public bool Clouds { get; private init; }

    /// <summary>Number of classes K, "no change" included.</summary>
    public int ClassCount => Classes.Count;

    /// <summary>
    /// Most classes a card may list: class ids are bytes, and the class raster keeps 255 for pixels without a result.
    /// </summary>
    public const int MaxClasses = 255;

    /// <summary>
    /// Maps the card's bands onto a scene's bands: for each card band, in channel order, the 1-based
    /// scene band holding that role. An R,G,B model on a B,G,R,NIR scene gets [3, 2, 1].
    /// </summary>
    /// <param name="sceneRoles">The scene's band roles, index 0 = band 1 (<see cref="Scene.BandRoles"/>).</param>
    /// <param name="scenePath">The scene's file, for messages.</param>
    /// <returns>1-based scene band numbers, one per card band.</returns>
    /// <exception cref="ModelContractException">The scene lacks a role the model needs, or holds it in more than one band.</exception>
    public int[] BindBands(IReadOnlyList<BandRole> sceneRoles, string scenePath)
    {
        ArgumentNullException.ThrowIfNull(sceneRoles);
        var bands = new int[Input.BandCount];
        var missing = new List<BandRole>();
        for (var i = 0; i < bands.Length; i++)
        {
            var role = Input.Bands[i];
            for (var j = 0; j < sceneRoles.Count; j++)
            {
                if (sceneRoles[j] != role) continue;
                if (bands[i] != 0)
                    throw new ModelContractException(
                        $"Model '{Name}' ({Source}) needs one {BandOrder.ShortName(role)} band, but scene '{scenePath}' has " +
                        $"{BandOrder.ShortName(role)} in bands {bands[i]} and {j + 1} (its bands are {FormatRoles(sceneRoles)}). " +
                        "Give the scene's band order explicitly.", scenePath)
                    { Setting = "Bands" };
                bands[i] = j + 1;
            }
            if (bands[i] == 0) missing.Add(role);
        }
        if (missing.Count > 0)
        {
            var unknown = sceneRoles.Any(r => r == BandRole.Unknown)
                ? " Bands shown as ? have no known role: give the scene's band order explicitly."
                : "";
            throw new ModelContractException(
                $"Model '{Name}' ({Source}) needs bands {BandOrder.Format(Input.Bands)}, but scene '{scenePath}' has " +
                $"{FormatRoles(sceneRoles)} (no {BandOrder.Format(missing)}).{unknown}", scenePath)
            {
                Setting = "Bands",
            };
        }
        return bands;
    }

    /// <summary>The card as indented JSON in the card schema (scaling arrays written out per band).</summary>
    public string ToJson() => JsonSerializer.Serialize(ToDto(), CardJsonContext.Default.CardDto);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} {Version}: {CardForms.Name(Input.Form)} {BandOrder.Format(Input.Bands)}, tile {Input.Tile} halo {Input.Halo}, " +
        $"{CardForms.Name(Output.Form)} '{Output.Name}', {ClassCount} classes";

    /// <summary>The top-level card fields (name, version, description, input, output, classes, clouds) whose content differs; empty when the cards say the same.</summary>
    internal static List<string> Differences(ModelCard a, ModelCard b)
    {
        var x = a.ToDto();
        var y = b.ToDto();
        var ctx = CardJsonContext.Default;
        var diff = new List<string>();
        if (x.Name != y.Name) diff.Add("name");
        if (x.Version != y.Version) diff.Add("version");
        if (x.Description != y.Description) diff.Add("description");
        if (JsonSerializer.Serialize(x.Input, ctx.CardInputDto) != JsonSerializer.Serialize(y.Input, ctx.CardInputDto)) diff.Add("input");
        if (JsonSerializer.Serialize(x.Output, ctx.CardOutputDto) != JsonSerializer.Serialize(y.Output, ctx.CardOutputDto)) diff.Add("output");
        if (JsonSerializer.Serialize(x.Classes, ctx.ListCardClassDto) != JsonSerializer.Serialize(y.Classes, ctx.ListCardClassDto)) diff.Add("classes");
        if (x.Clouds != y.Clouds) diff.Add("clouds");
        return diff;
    }

    /// <summary>True when two cards scale pixels alike: the same scaling, radiometry and bit depth, band for band.</summary>
    internal static bool SameScaling(ModelCard a, ModelCard b)
    {
        var (x, y) = (a.ToDto().Input!, b.ToDto().Input!);
        var ctx = CardJsonContext.Default;
        return x.BitDepth == y.BitDepth && x.Bands!.SequenceEqual(y.Bands!)
            && JsonSerializer.Serialize(x.Scaling, ctx.CardScalingDto) == JsonSerializer.Serialize(y.Scaling, ctx.CardScalingDto);
    }

    private static string FormatRoles(IReadOnlyList<BandRole> roles) => roles.Count == 0 ? "no bands" : BandOrder.Format(roles);

    private CardDto ToDto()
    {
        var dto = Dto();
        Input.Scaling.Radiometry.Write(dto.Input!, dto.Input!.Scaling!);
        return dto;
    }

    private CardDto Dto() => new()
    {
        Name = Name,
        Version = Version,
        Description = Description.Length == 0 ? null : Description,
        Input = new CardInputDto
        {
            Form = CardForms.Name(Input.Form),
            Names = [.. Input.Names],
            StackOrder = Input.Form == InputForm.Stacked ? CardForms.Name(Input.StackOrder) : null,
            Bands = [.. Input.Bands.Select(BandOrder.ShortName)],
            Scaling = new CardScalingDto
            {
                Min = [.. Input.Scaling.Min],
                Max = [.. Input.Scaling.Max],
                Mean = [.. Input.Scaling.Mean],
                Std = [.. Input.Scaling.Std],
            },
            Tile = Input.Tile,
            Block = Input.Form == InputForm.Blocks ? Input.Block : null,
            Halo = Input.Halo,
            Batch = Input.Batch,
            Gsd = Input.Gsd,
        },
        Output = new CardOutputDto
        {
            Name = Output.Name,
            Form = CardForms.Name(Output.Form),
            Threshold = Output.Threshold,
            ChangeClass = Output.ChangeClass,
        },
        Classes = [.. Classes.Select(c => new CardClassDto { Id = c.Id, Name = c.Name, Tblx = c.Tblx, LocalTblx = c.LocalTblx ? true : null, MinArea = c.MinimumArea })],
        Clouds = Clouds ? true : null,
    };
}
