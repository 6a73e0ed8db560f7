using System.Globalization;

namespace WeiPian.Engine.Gdal;

/// <summary>
/// A layer of a <see cref="VectorDataset"/> (borrowed from it: valid while the dataset is open).
/// Reads features with their attributes and WKB geometry, and writes new ones.
/// </summary>
public sealed class VectorLayer
{
    private readonly VectorDataset _dataset;
    private readonly nint _layer;
    private List<FieldDefinition>? _fields;

    internal VectorLayer(VectorDataset dataset, nint layer)
    {
        _dataset = dataset;
        _layer = layer;
        Name = GdalNative.Utf8(GdalNative.OGR_L_GetName(layer)) ?? "";
    }

    /// <summary>The layer's name.</summary>
    public string Name { get; }

    /// <summary>The data source holding this layer.</summary>
    public VectorDataset Dataset => _dataset;

    /// <summary>The declared geometry type (Z/M flags dropped).</summary>
    public GeometryKind GeometryType
    {
        get
        {
            var t = (uint)GdalNative.OGR_L_GetGeomType(Handle);
            if (t == 100) return GeometryKind.None;
            var flat = (int)((t & 0x7fffffffu) % 1000);
            return flat is >= 0 and <= 6 ? (GeometryKind)flat : GeometryKind.Unknown;
        }
    }

    /// <summary>The layer's CRS, or null when it has none.</summary>
    public SpatialReference? SpatialReference => SpatialReference.FromBorrowedHandle(GdalNative.OGR_L_GetSpatialRef(Handle));

    /// <summary>The attribute fields in order.</summary>
    public IReadOnlyList<FieldDefinition> Fields => _fields ??= ReadFields();

    /// <summary>Number of features (counted when the driver does not know it; honours filters).</summary>
    /// <exception cref="GdalException">OGR could not count them (it returns -1), e.g. a GeoPackage
    /// whose attribute filter SQLite rejects.</exception>
    public long FeatureCount
    {
        get
        {
            GdalLibrary.ResetError();
            var count = GdalNative.OGR_L_GetFeatureCount(Handle, 1);
            if (count < 0) throw GdalLibrary.Failure($"count features of layer '{Name}' in", _dataset.Path);
            return count;
        }
    }

    /// <summary>The bounding rectangle of all features.</summary>
    /// <exception cref="GdalException">OGR cannot compute it, e.g. the layer is empty (Shapefile reports 0,0,0,0 instead).</exception>
    public unsafe BoundingBox Extent
    {
        get
        {
            var e = stackalloc double[4];
            GdalLibrary.ResetError();
            if (GdalNative.OGR_L_GetExtent(Handle, e, 1) != 0)
            {
                // Most drivers fail without a message when there is nothing to measure.
                var why = GdalLibrary.LastErrorMessage();
                GdalLibrary.ResetError();
                if (string.IsNullOrWhiteSpace(why) && GdalNative.OGR_L_GetFeatureCount(Handle, 1) == 0)
                    why = "the layer has no features (under its current filters), so it has no extent";
                throw new GdalException($"compute extent of layer '{Name}' in", _dataset.Path, why);
            }
            return new BoundingBox(e[0], e[2], e[1], e[3]);
        }
    }

    /// <summary>Index of a field by name, or -1.</summary>
    public int FieldIndex(string name) => GdalNative.OGR_FD_GetFieldIndex(GdalNative.OGR_L_GetLayerDefn(Handle), name);

    /// <summary>Adds an attribute field.</summary>
    public void CreateField(FieldDefinition field)
    {
        if (field.Kind == FieldKind.Other) throw new ArgumentException($"Field '{field.Name}': choose a concrete field kind to create it.");
        var f = GdalNative.OGR_Fld_Create(field.Name, (int)field.Kind);
        try
        {
            if (field.Width > 0) GdalNative.OGR_Fld_SetWidth(f, field.Width);
            if (field.Precision > 0) GdalNative.OGR_Fld_SetPrecision(f, field.Precision);
            GdalLibrary.ResetError();
            GdalLibrary.Check(GdalNative.OGR_L_CreateField(Handle, f, 1), $"create field '{field.Name}' in layer '{Name}' of", _dataset.Path);
        }
        finally
        {
            GdalNative.OGR_Fld_Destroy(f);
        }
        _fields = null;
    }

    /// <summary>Keeps only features whose geometry meets the rectangle (null clears the filter).</summary>
    public void SetSpatialFilter(BoundingBox? rectangle)
    {
        if (rectangle is { } r) GdalNative.OGR_L_SetSpatialFilterRect(Handle, r.MinX, r.MinY, r.MaxX, r.MaxY);
        else GdalNative.OGR_L_SetSpatialFilter(Handle, 0);
    }

    /// <summary>Keeps only features matching an OGR SQL where-clause, e.g. <c>DLBM IN ('0101','0102')</c> (null clears it).</summary>
    public void SetAttributeFilter(string? where)
    {
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.OGR_L_SetAttributeFilter(Handle, where), $"set filter \"{where}\" on layer '{Name}' of", _dataset.Path);
    }

    /// <summary>Reads all features (honouring filters) from the start. One reader at a time per layer.</summary>
    public IEnumerable<VectorFeature> Features()
    {
        var fields = Fields;
        GdalNative.OGR_L_ResetReading(Handle);
        while (true)
        {
            GdalLibrary.ResetError();
            var f = GdalNative.OGR_L_GetNextFeature(Handle);
            if (f == 0)
            {
                GdalLibrary.CheckLastError($"read layer '{Name}' of", _dataset.Path);
                yield break;
            }
            using var feature = new FeatureHandle(f);
            yield return ReadFeature(f, fields);
        }
    }

    /// <summary>
    /// Writes one feature: <paramref name="wkb"/> (WKB, empty for none) and values in field order
    /// (<see cref="long"/>/<see cref="int"/>, <see cref="double"/>, <see cref="string"/>, <see cref="DateTime"/>,
    /// <see cref="DateOnly"/> or null). Returns the new feature id.
    /// </summary>
    public unsafe long Add(ReadOnlySpan<byte> wkb, ReadOnlySpan<object?> values)
    {
        var fields = Fields;
        if (values.Length > fields.Count)
            throw new ArgumentException($"{values.Length} values for layer '{Name}' with {fields.Count} fields.");
        // OGR clamps a 64-bit value set on a 32-bit Integer field, with only a warning: refuse it instead.
        for (var i = 0; i < values.Length; i++)
            if (fields[i].Kind == FieldKind.Integer && values[i] is long n and (< int.MinValue or > int.MaxValue))
                throw new ArgumentOutOfRangeException(nameof(values), n,
                    $"Field '{fields[i].Name}' of layer '{Name}' in '{_dataset.Path}' is a 32-bit Integer and cannot hold {n}; create it as Integer64.");
        using var feature = new FeatureHandle(GdalNative.OGR_F_Create(GdalNative.OGR_L_GetLayerDefn(Handle)));
        var f = feature.DangerousGetHandle();
        for (var i = 0; i < values.Length; i++) SetField(f, i, values[i]);
        if (!wkb.IsEmpty)
        {
            nint geometry = 0;
            GdalLibrary.ResetError();
            fixed (byte* p = wkb)
                GdalLibrary.Check(GdalNative.OGR_G_CreateFromWkb(p, 0, &geometry, wkb.Length), $"parse WKB for layer '{Name}' of", _dataset.Path);
            GdalNative.OGR_F_SetGeometryDirectly(f, geometry);
        }
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.OGR_L_CreateFeature(Handle, f), $"write feature to layer '{Name}' of", _dataset.Path);
        return GdalNative.OGR_F_GetFID(f);
    }

    internal nint Handle
    {
        get
        {
            _ = _dataset.Handle; // throws when the dataset is closed
            return _layer;
        }
    }

    private static void SetField(nint f, int i, object? value)
    {
        switch (value)
        {
            case null: GdalNative.OGR_F_SetFieldNull(f, i); break;
            case string s: GdalNative.OGR_F_SetFieldString(f, i, s); break;
            case int n: GdalNative.OGR_F_SetFieldInteger64(f, i, n); break;
            case long n: GdalNative.OGR_F_SetFieldInteger64(f, i, n); break;
            case short n: GdalNative.OGR_F_SetFieldInteger64(f, i, n); break;
            case byte n: GdalNative.OGR_F_SetFieldInteger64(f, i, n); break;
            case double d: GdalNative.OGR_F_SetFieldDouble(f, i, d); break;
            case float d: GdalNative.OGR_F_SetFieldDouble(f, i, d); break;
            case bool b: GdalNative.OGR_F_SetFieldInteger64(f, i, b ? 1 : 0); break;
            case DateOnly d: GdalNative.OGR_F_SetFieldDateTimeEx(f, i, d.Year, d.Month, d.Day, 0, 0, 0, 0); break;
            case DateTime t:
                GdalNative.OGR_F_SetFieldDateTimeEx(f, i, t.Year, t.Month, t.Day, t.Hour, t.Minute,
                    t.Second + t.Millisecond / 1000f, t.Kind == DateTimeKind.Utc ? 100 : 0);
                break;
            case IFormattable x: GdalNative.OGR_F_SetFieldString(f, i, x.ToString(null, CultureInfo.InvariantCulture)); break;
            default: GdalNative.OGR_F_SetFieldString(f, i, value.ToString() ?? ""); break;
        }
    }

    private static unsafe VectorFeature ReadFeature(nint f, IReadOnlyList<FieldDefinition> fields)
    {
        var values = new object?[fields.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (GdalNative.OGR_F_IsFieldSetAndNotNull(f, i) == 0) continue;
            values[i] = fields[i].Kind switch
            {
                FieldKind.Integer or FieldKind.Integer64 => GdalNative.OGR_F_GetFieldAsInteger64(f, i),
                FieldKind.Real => GdalNative.OGR_F_GetFieldAsDouble(f, i),
                FieldKind.Date or FieldKind.DateTime => ReadDate(f, i),
                _ => GdalNative.Utf8(GdalNative.OGR_F_GetFieldAsString(f, i)),
            };
        }
        byte[]? wkb = null;
        var g = GdalNative.OGR_F_GetGeometryRef(f);
        if (g != 0)
        {
            wkb = new byte[GdalNative.OGR_G_WkbSize(g)];
            fixed (byte* p = wkb) GdalNative.OGR_G_ExportToIsoWkb(g, 1, p);
        }
        return new VectorFeature(GdalNative.OGR_F_GetFID(f), fields, values, wkb);
    }

    private static unsafe object? ReadDate(nint f, int i)
    {
        int y, mo, d, h, mi, tz;
        float s;
        if (GdalNative.OGR_F_GetFieldAsDateTimeEx(f, i, &y, &mo, &d, &h, &mi, &s, &tz) == 0) return null;
        // OGR keeps dates it was given without checking the calendar (a Shapefile or GeoPackage can hold
        // "2023/02/31"); such a value is returned as OGR's text rather than failing the whole read.
        if (y is < 1 or > 9999 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo)
            || h is < 0 or > 23 || mi is < 0 or > 59 || !(s >= 0 && s < 60))
            return GdalNative.Utf8(GdalNative.OGR_F_GetFieldAsString(f, i));
        return new DateTime(y, mo, d, h, mi, 0, tz == 100 ? DateTimeKind.Utc : DateTimeKind.Unspecified)
            .AddMilliseconds(Math.Round(s * 1000.0));
    }

    private List<FieldDefinition> ReadFields()
    {
        var defn = GdalNative.OGR_L_GetLayerDefn(Handle);
        var n = GdalNative.OGR_FD_GetFieldCount(defn);
        var list = new List<FieldDefinition>(n);
        for (var i = 0; i < n; i++)
        {
            var fd = GdalNative.OGR_FD_GetFieldDefn(defn, i);
            var type = GdalNative.OGR_Fld_GetType(fd);
            var kind = type is 0 or 2 or 4 or 9 or 11 or 12 ? (FieldKind)type : FieldKind.Other;
            list.Add(new FieldDefinition(GdalNative.Utf8(GdalNative.OGR_Fld_GetNameRef(fd)) ?? "", kind,
                GdalNative.OGR_Fld_GetWidth(fd), GdalNative.OGR_Fld_GetPrecision(fd)));
        }
        return list;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({GeometryType}, {Fields.Count} fields)";
}
