namespace WeiPian.Engine.Gdal;

/// <summary>
/// One feature read from a layer: its id, its attribute values in field order and its geometry as
/// ISO WKB (little-endian). Values are <see cref="long"/> for integers, <see cref="double"/> for
/// reals, <see cref="string"/> for text, <see cref="DateTime"/> for dates (OGR's text for a stored date
/// that is no calendar date, e.g. "2023/02/31"), or null when unset.
/// </summary>
public sealed class VectorFeature
{
    internal VectorFeature(long fid, IReadOnlyList<FieldDefinition> fields, object?[] values, byte[]? wkb)
    {
        Fid = fid;
        Fields = fields;
        Values = values;
        Wkb = wkb;
    }

    /// <summary>The feature id in its source.</summary>
    public long Fid { get; }

    /// <summary>The layer's fields, in the order of <see cref="Values"/>.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; }

    /// <summary>Attribute values in field order.</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <summary>The geometry as ISO WKB, or null when the feature has none.</summary>
    public byte[]? Wkb { get; }

    /// <summary>The value of a field by name (exact, then case-insensitive), or null when unset.</summary>
    /// <exception cref="KeyNotFoundException">The layer has no such field.</exception>
    public object? this[string field] => Values[IndexOf(field)];

    /// <summary>A field as text (numbers formatted invariantly), or null when unset.</summary>
    public string? GetString(string field) => this[field] switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        var o => o.ToString(),
    };

    /// <summary>A numeric field as a double, or null when unset.</summary>
    public double? GetDouble(string field) => this[field] switch
    {
        null => null,
        long l => l,
        double d => d,
        string s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
        var o => throw new InvalidCastException($"Field '{field}' holds {o.GetType().Name}, not a number."),
    };

    /// <summary>An integer field, or null when unset.</summary>
    public long? GetInt64(string field) => this[field] switch
    {
        null => null,
        long l => l,
        double d => (long)d,
        string s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture),
        var o => throw new InvalidCastException($"Field '{field}' holds {o.GetType().Name}, not an integer."),
    };

    private int IndexOf(string field)
    {
        for (var i = 0; i < Fields.Count; i++) if (Fields[i].Name == field) return i;
        for (var i = 0; i < Fields.Count; i++) if (string.Equals(Fields[i].Name, field, StringComparison.OrdinalIgnoreCase)) return i;
        throw new KeyNotFoundException($"No field '{field}'; fields are {string.Join(", ", Fields.Select(f => f.Name))}.");
    }
}
