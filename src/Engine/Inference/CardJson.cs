using System.Text.Json.Serialization;

namespace WeiPian.Engine.Inference;

// The card as it is written in JSON: everything optional here, so that ModelCard.Parse can say
// exactly which field is missing or wrong instead of surfacing a serializer message.

internal sealed class CardDto
{
    public string? Name { get; set; }
    public string? Version { get; set; }
    public string? Description { get; set; }
    public CardInputDto? Input { get; set; }
    public CardOutputDto? Output { get; set; }
    public List<CardClassDto?>? Classes { get; set; }
    public bool? Clouds { get; set; }
}

internal sealed class CardInputDto
{
    public string? Form { get; set; }
    public List<string?>? Names { get; set; }
    public string? StackOrder { get; set; }
    public List<string?>? Bands { get; set; }
    public CardScalingDto? Scaling { get; set; }
    public int? Tile { get; set; }
    public int? Block { get; set; }
    public int? Halo { get; set; }
    public int? Batch { get; set; }
    public double? Gsd { get; set; }
    public int? BitDepth { get; set; }
}

internal sealed class CardScalingDto
{
    public double[]? Min { get; set; }
    public double[]? Max { get; set; }
    public double[]? Mean { get; set; }
    public double[]? Std { get; set; }
    public string? Mode { get; set; }
    public double[]? Percentiles { get; set; }
    public CardReferenceDto? Reference { get; set; }
}

internal sealed class CardReferenceDto
{
    public CardPercentileValuesDto? Before { get; set; }
    public CardPercentileValuesDto? After { get; set; }
}

internal sealed class CardPercentileValuesDto
{
    public double[]? Low { get; set; }
    public double[]? High { get; set; }
}

internal sealed class CardOutputDto
{
    public string? Name { get; set; }
    public string? Form { get; set; }
    public double? Threshold { get; set; }
    public int? ChangeClass { get; set; }
}

internal sealed class CardClassDto
{
    public int? Id { get; set; }
    public string? Name { get; set; }

    // Written even when null: class 0 reads {"id":0,"name":"no change","tblx":null}.
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Tblx { get; set; }

    public bool? LocalTblx { get; set; }

    public double? MinArea { get; set; }
}

/// <summary>Source-generated (AOT-safe) JSON for model cards: camelCase, comments and trailing commas allowed, unknown fields rejected.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    AllowDuplicateProperties = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(CardDto))]
internal sealed partial class CardJsonContext : JsonSerializerContext;
