using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Files;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Batch;

/// <summary>
/// A change polygon of the year-end reprocessing: the national record (<see cref="Tuban"/>) and what reprocessing
/// adds: the scenes it was seen in, its standing in the current land survey, and the earlier polygon at its place.
/// </summary>
/// <param name="Tuban">The national record; its geometry is in the batch's CRS.</param>
public sealed record BatchTuban(Tuban Tuban)
{
    /// <summary>SCENES: the keys of the scenes that saw it, in manifest order, joined by ';'.</summary>
    public string Scenes { get; init; } = "";

    /// <summary>DLBM_NOW: the land-class code (DLBM) of the current survey covering most of the polygon; empty when no parcel covers it.</summary>
    public string DlbmNow { get; init; } = "";

    /// <summary>BCTB: a supplementary polygon (补充图斑) candidate: construction, pond or mining on land the current survey still records as farmland.</summary>
    public bool Bctb { get; init; }

    /// <summary>YBG (已变更): the current survey already records the land use the change type turns land into (DLBM_NOW says which).</summary>
    public bool Ybg { get; init; }

    /// <summary>TYWZJCTBWQBH: the JCBH of an earlier polygon at the same place, or empty.</summary>
    public string Tywzjctbwqbh { get; init; } = "";
}

/// <summary>
/// Reads and writes <see cref="BatchTuban"/> layers (GeoPackage, layer <c>tuban</c>): the national fields of
/// <see cref="TubanSchema"/> followed by TYWZJCTBWQBH, BCTB, DLBM_NOW, YBG and SCENES. Writes go to a temporary
/// name renamed into place, with a fixed GeoPackage timestamp so that the same polygons give the same bytes.
/// </summary>
public static class BatchTubanFile
{
    /// <summary>The fields after the national ones (<see cref="TubanSchema.Fields"/>).</summary>
    public static IReadOnlyList<RecordField<BatchTuban>> ExtraFields { get; } =
    [
        RecordField<BatchTuban>.Text("TYWZJCTBWQBH", 30, "JCBH of an earlier polygon at the same place, or empty",
            p => p.Tywzjctbwqbh, (p, v) => p with { Tywzjctbwqbh = v }),
        RecordField<BatchTuban>.Flag("BCTB", "补充图斑: Y for a supplementary-polygon candidate", p => p.Bctb, (p, v) => p with { Bctb = v }),
        RecordField<BatchTuban>.Text("DLBM_NOW", 8, "DLBM of the current survey under most of the polygon", p => p.DlbmNow, (p, v) => p with { DlbmNow = v }),
        RecordField<BatchTuban>.Flag("YBG", "已变更: Y when the current survey already records the change", p => p.Ybg, (p, v) => p with { Ybg = v }),
        RecordField<BatchTuban>.Text("SCENES", 254, "keys of the scenes that saw it, ';'-separated", p => p.Scenes, (p, v) => p with { Scenes = v }),
    ];

    /// <summary>All fields in order.</summary>
    public static IReadOnlyList<FieldDefinition> Fields { get; } = [.. TubanSchema.Definitions, .. ExtraFields.Definitions()];

    /// <summary>The GeoPackage timestamp written (gpkg_contents.last_change): fixed, so files are reproducible.</summary>
    public const string Timestamp = "2000-01-01T00:00:00Z";

    /// <summary>Writes the polygons to <paramref name="path"/> (a .gpkg) atomically, in the order given.</summary>
    /// <returns>Polygons written.</returns>
    public static int Write(string path, SpatialReference crs, IEnumerable<BatchTuban> polygons)
    {
        using var output = AtomicOutput.Begin(path);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false);
        var count = 0;
        // GDAL reads the option on the thread that creates and closes the file: keep it to this thread.
        GdalLibrary.SetThreadLocalConfigOption("OGR_CURRENT_DATE", Timestamp);
        try
        {
            using (var ds = VectorDataset.Create(output.TempPath, "GPKG"))
            {
                var layer = ds.CreateLayer(TubanWriter.LayerName, GeometryKind.Polygon, crs, Fields);
                using var tx = ds.BeginTransaction();
                foreach (var p in polygons)
                {
                    layer.Add(wkb.Write(p.Tuban.Geometry), [.. TubanSchema.Values(p.Tuban), .. ExtraFields.Values(p)]);
                    count++;
                }
                tx.Commit();
            }
            output.Commit();
        }
        finally
        {
            GdalLibrary.SetThreadLocalConfigOption("OGR_CURRENT_DATE", null);
        }
        return count;
    }

    /// <summary>
    /// Reads a layer written by <see cref="Write"/>, or a detection's output (the national fields only: the batch's
    /// fields then read empty), in file order, with its CRS.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="GdalException">OGR cannot read it.</exception>
    /// <exception cref="InputException">The layer lacks a national field or some of the batch's fields; a feature has
    /// no geometry or an unreadable one.</exception>
    public static (SpatialReference? Crs, List<BatchTuban> Polygons) Read(string path, string layerName = TubanWriter.LayerName)
    {
        using var ds = VectorDataset.Open(path);
        var layer = ds.HasLayer(layerName) ? ds.Layer(layerName) : ds.Layer(0);
        TubanSchema.EnsureFields(layer, path);
        var missing = ExtraFields.MissingFrom(layer);
        if (missing.Count > 0 && missing.Count < ExtraFields.Count)
            throw new InputException($"'{path}': layer '{layer.Name}' has some of the batch's fields but not {string.Join(", ", missing)}.");
        IReadOnlyList<RecordField<BatchTuban>> extras = missing.Count == 0 ? ExtraFields : [];
        var reader = new WKBReader();
        var list = new List<BatchTuban>();
        foreach (var f in layer.Features())
        {
            if (f.Wkb is null) throw new InputException($"'{path}': feature {f.Fid} has no geometry.");
            Geometry g;
            try { g = reader.Read(f.Wkb); }
            catch (ParseException e) { throw new InputException($"'{path}': feature {f.Fid} has an unreadable geometry ({e.Message})."); }
            list.Add(extras.ReadInto(new BatchTuban(TubanSchema.Read(f, g)), f));
        }
        return (layer.SpatialReference, list);
    }

    /// <summary>SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }
}
