using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Training;

/// <summary>A change polygon (图斑) a county has verified: its outline, and whether the change was real and of which class.</summary>
/// <param name="Id">The feature id in its source, for messages and the index.</param>
/// <param name="Geometry">The polygon in the source layer's CRS.</param>
/// <param name="ClassId">The card's class id of a real change; 0 for a false change.</param>
/// <param name="IsFalseChange">The county judged it false change (伪变化): the detector's mistake, a hard negative.</param>
internal sealed record VerifiedPolygon(long Id, Geometry Geometry, int ClassId, bool IsFalseChange);

/// <summary>The verified polygons of a training export, read from any vector source GDAL opens, and their CRS.</summary>
internal sealed class VerifiedPolygons
{
    private VerifiedPolygons(string path, IReadOnlyList<VerifiedPolygon> polygons, SpatialReference crs)
    {
        Path = path;
        Polygons = polygons;
        Crs = crs;
    }

    /// <summary>The source file.</summary>
    public string Path { get; }

    /// <summary>Every polygon with an area, in source order.</summary>
    public IReadOnlyList<VerifiedPolygon> Polygons { get; }

    /// <summary>The source layer's CRS.</summary>
    public SpatialReference Crs { get; }

    /// <summary>
    /// Reads the layer <see cref="TrainingOptions.Layer"/> (else the first), mapping each real change's class field to the
    /// card's class id (a TBLX code or a class name of the card, case-insensitive) and each verdict to real or false
    /// change. Invalid rings are repaired (buffer 0); features without an area are skipped.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing at <paramref name="path"/>.</exception>
    /// <exception cref="InputException">No such layer, no CRS, a missing field, a real change without a class or with a
    /// class the card does not know, or no polygon at all.</exception>
    public static VerifiedPolygons Read(string path, ModelCard card, TrainingOptions options)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"Verified polygons '{path}' do not exist.", path);
        using var ds = VectorDataset.Open(path);
        if (ds.LayerCount == 0) throw new InputException($"Verified polygons '{path}' hold no layer.");
        var layer = options.Layer is not { } name ? ds.Layer(0)
            : ds.HasLayer(name) ? ds.Layer(name)
            : throw new InputException($"Verified polygons '{path}' have no layer '{name}'; its layers are {string.Join(", ", ds.Layers.Select(l => l.Name))}.")
            {
                Setting = nameof(TrainingOptions.Layer),
            };
        var where = $"Verified polygons '{path}', layer '{layer.Name}'";
        var crs = layer.SpatialReference ?? throw new InputException($"{where} has no CRS; the polygons cannot be placed on the images.");
        if (layer.GeometryType is not (GeometryKind.Polygon or GeometryKind.MultiPolygon or GeometryKind.Unknown))
            throw new InputException($"{where} holds {layer.GeometryType}, not polygons.");
        var fields = layer.Fields.Count == 0 ? "it has no attribute fields" : "its fields are " + string.Join(", ", layer.Fields.Select(f => f.Name));
        if (layer.FieldIndex(options.ClassField) < 0)
            throw new InputException($"{where} has no class field '{options.ClassField}'; {fields}.") { Setting = nameof(TrainingOptions.ClassField) };
        var verdictField = options.VerdictField ?? (layer.FieldIndex("PDLX") >= 0 ? "PDLX" : null);
        if (verdictField is not null && layer.FieldIndex(verdictField) < 0)
            throw new InputException($"{where} has no verdict field '{verdictField}'; {fields}.") { Setting = nameof(TrainingOptions.VerdictField) };
        var falseValues = options.FalseChangeValues.Select(v => v.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reader = new WKBReader();
        var list = new List<VerifiedPolygon>();
        foreach (var f in layer.Features())
        {
            if (f.Wkb is null || Reprojection.ReadSurface(reader, f.Wkb, null) is not { } g) continue;
            var isFalse = verdictField is not null && f.GetString(verdictField) is { } verdict && falseValues.Contains(verdict.Trim());
            var classId = isFalse ? 0 : ClassId(card, f.GetString(options.ClassField), $"{where}, feature {f.Fid.ToString(CultureInfo.InvariantCulture)}", options.ClassField);
            list.Add(new VerifiedPolygon(f.Fid, g, classId, isFalse));
        }
        if (list.Count == 0) throw new InputException($"{where} holds no polygon with an area.");
        return new VerifiedPolygons(path, list, crs);
    }

    /// <summary>The card's class id for a class field's value: a TBLX code of the card, else one of its class names.</summary>
    /// <exception cref="InputException">No value, "no change" (class 0), or a value the card does not know.</exception>
    internal static int ClassId(ModelCard card, string? value, string where, string field)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
            throw new InputException($"{where}: a real change with no {field}; give its change type, or mark it false change.") { Setting = nameof(TrainingOptions.ClassField) };
        var match = card.Classes.FirstOrDefault(c => c.Id > 0 && string.Equals(c.Tblx, text, StringComparison.OrdinalIgnoreCase))
            ?? card.Classes.FirstOrDefault(c => c.Id > 0 && string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase));
        return match?.Id ?? throw new InputException(
            $"{where}: {field} '{text}' is no class of model '{card.Name}' ({card.Source}); its classes are {string.Join(", ", card.Classes.Where(c => c.Id > 0).Select(c => $"{c.Tblx} {c.Name}"))}.")
        {
            Setting = nameof(TrainingOptions.ClassField),
        };
    }
}
