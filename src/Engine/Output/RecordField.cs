using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Output;

/// <summary>
/// One attribute of a record as a vector file holds it: its field (name, OGR type, width, precision), what it means,
/// the value written for a record and how a feature's value is put back into a record. A schema is a list of these, so
/// the writer, the reader and the field table in docs/FIELDS.md cannot disagree on a field.
/// </summary>
/// <typeparam name="T">The record type (<see cref="Tuban"/>, or BatchTuban for the batch's own fields).</typeparam>
public sealed class RecordField<T>
{
    private readonly Func<T, object?> _value;
    private readonly Func<T, VectorFeature, T>? _read;

    private RecordField(FieldDefinition definition, string meaning, Func<T, object?> value, Func<T, VectorFeature, T>? read)
    {
        Definition = definition;
        Meaning = meaning;
        _value = value;
        _read = read;
    }

    /// <summary>The field as created in the file.</summary>
    public FieldDefinition Definition { get; }

    /// <summary>The field name (the national abbreviation, e.g. JCBH).</summary>
    public string Name => Definition.Name;

    /// <summary>What the field holds, with its Chinese name and unit (one line, for the field table).</summary>
    public string Meaning { get; }

    /// <summary>
    /// False for a field computed from other fields when written (TBLXMC from TBLX, JCMJ_MU from JCMJ): it is not read
    /// back, and a file without it still reads.
    /// </summary>
    public bool IsReadBack => _read is not null;

    /// <summary>The value written for <paramref name="record"/> (rounded as the field stores it).</summary>
    public object? ValueOf(T record) => _value(record);

    /// <summary>
    /// <paramref name="record"/> with this field's value from <paramref name="feature"/>; an unset value reads as
    /// empty text, 0 or "N". A derived field returns the record unchanged.
    /// </summary>
    public T ReadInto(T record, VectorFeature feature) => _read is null ? record : _read(record, feature);

    /// <summary>A text field.</summary>
    public static RecordField<T> Text(string name, int width, string meaning, Func<T, string> value, Func<T, string, T> read) =>
        new(new(name, FieldKind.String, width), meaning, value, (r, f) => read(r, f.GetString(name) ?? ""));

    /// <summary>A yes/no field stored as "Y" or "N".</summary>
    public static RecordField<T> Flag(string name, string meaning, Func<T, bool> value, Func<T, bool, T> read) =>
        new(new(name, FieldKind.String, 1), meaning, r => value(r) ? "Y" : "N", (r, f) => read(r, f.GetString(name) == "Y"));

    /// <summary>A real field; <paramref name="value"/> gives the number as stored (rounded where the record wants it).</summary>
    public static RecordField<T> Real(string name, int width, int precision, string meaning, Func<T, double> value, Func<T, double, T> read) =>
        new(new(name, FieldKind.Real, width, precision), meaning, r => value(r), (r, f) => read(r, f.GetDouble(name) ?? 0));

    /// <summary>A 32-bit integer field.</summary>
    public static RecordField<T> Integer(string name, string meaning, Func<T, int> value, Func<T, int, T> read) =>
        new(new(name, FieldKind.Integer), meaning, r => value(r), (r, f) => read(r, (int)(f.GetInt64(name) ?? 0)));

    /// <summary>A field computed from others when written and not read back (see <see cref="IsReadBack"/>).</summary>
    public static RecordField<T> Derived(FieldDefinition definition, string meaning, Func<T, object?> value) =>
        new(definition, meaning, value, null);
}

/// <summary>Writing and reading records through a list of <see cref="RecordField{T}"/>.</summary>
internal static class RecordFields
{
    /// <summary>The field definitions, in order, to create a layer with.</summary>
    public static IReadOnlyList<FieldDefinition> Definitions<T>(this IReadOnlyList<RecordField<T>> fields) =>
        [.. fields.Select(f => f.Definition)];

    /// <summary>A record's values in field order, as written.</summary>
    public static object?[] Values<T>(this IReadOnlyList<RecordField<T>> fields, T record)
    {
        var values = new object?[fields.Count];
        for (var i = 0; i < values.Length; i++) values[i] = fields[i].ValueOf(record);
        return values;
    }

    /// <summary><paramref name="record"/> with every read-back field's value from <paramref name="feature"/>.</summary>
    public static T ReadInto<T>(this IReadOnlyList<RecordField<T>> fields, T record, VectorFeature feature)
    {
        foreach (var field in fields) record = field.ReadInto(record, feature);
        return record;
    }

    /// <summary>The read-back fields that <paramref name="layer"/> lacks (matched case-insensitively, as OGR does).</summary>
    public static List<string> MissingFrom<T>(this IReadOnlyList<RecordField<T>> fields, VectorLayer layer) =>
        [.. fields.Where(f => f.IsReadBack && layer.FieldIndex(f.Name) < 0).Select(f => f.Name)];
}
