using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Output;

/// <summary>
/// The 图斑 record is declared once (<see cref="TubanSchema"/>): every property of <see cref="Tuban"/> reaches the file,
/// every field the writer writes reads back (through the batch reader and through OGR) to the value written, a file that
/// lacks a field is refused by name, and docs/FIELDS.md shows the table the schema gives.
/// </summary>
public sealed class TubanSchemaTests : IDisposable
{
    private static readonly GeometryFactory F = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // Every value at its field's precision, so that Shapefile's text numbers read back exactly.
    private static Tuban Sample(int n) => new()
    {
        Jcbh = $"420506WP250000{n}", Xzqdm = "420506", Xzqmc = "夷陵区", Tblx = "KT", Qsx = "20250413", Hsx = "20250808",
        Qqjh = "GF2_PMS1_E111.3_N30.7_前", Dqjh = "GF2_PMS2_E111.3_N30.7_后", Jcmj = 1234.56 * n, Jcgdmj = 234.5, Yjjbntmj = 12.25,
        Sfyn = n % 2 == 1, X = 500123.457, Y = 3395000.125, Lzb = 111.12345678, Bzb = 30.87654321, Zdbh = "unet@1.2", Zdlx = "坑塘",
        Fxfs = "WeiPian.Engine 1.0.0 / unet@1.2", Confidence = 0.8765, ClassId = 2 + n, ClassName = "pond",
        Geometry = F.CreatePolygon([new(500000, 3395000), new(500000 + 40 * n, 3395000), new(500000 + 40 * n, 3395030), new(500000, 3395030), new(500000, 3395000)]),
    };

    public static TheoryData<string> Settable() =>
        [.. typeof(Tuban).GetProperties().Where(p => p.SetMethod is not null && p.Name != nameof(Tuban.Geometry)).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Settable))]
    public void EveryPropertyOfTheRecordIsWritten(string property)
    {
        var sample = Sample(1);
        var changed = sample with { };
        var p = typeof(Tuban).GetProperty(property)!;
        p.SetValue(changed, p.GetValue(sample) switch
        {
            string s => s + "1",
            double d => d + 1,
            bool b => !b,
            int i => i + 1,
            var o => throw new NotSupportedException($"{property} is a {o?.GetType().Name}: teach this test to change it"),
        });
        Assert.NotEqual(TubanSchema.Values(sample), TubanSchema.Values(changed));
    }

    [Theory]
    [InlineData("tuban.gpkg")]
    [InlineData("tuban.shp")]
    public void EveryFieldReadsBackAsWritten(string file)
    {
        var path = _dir.File(file);
        Tuban[] written = [Sample(1), Sample(2)];
        TubanWriter.Write(path, SpatialReference.FromEpsg(4546), written);

        var (crs, read) = BatchTubanFile.Read(path);
        Assert.Equal(4546, crs!.Epsg);
        Assert.Equal(written.Length, read.Count);
        foreach (var (t, b) in written.Zip(read))
        {
            Assert.Equal(t, b.Tuban with { Geometry = t.Geometry });
            Assert.True(t.Geometry.EqualsTopologically(b.Tuban.Geometry), $"{file}: {t.Jcbh} geometry");
            Assert.Equal(new BatchTuban(b.Tuban), b);
        }

        using var ds = VectorDataset.Open(path);
        var layer = ds.Layer(0);
        Assert.Equal(TubanSchema.Fields.Select(f => (f.Name, f.Definition.Kind)), layer.Fields.Select(f => (f.Name, f.Kind)));
        Assert.All(TubanSchema.Fields.Where(f => f.Definition.Kind == FieldKind.String),
            f => Assert.Equal(f.Definition.Width, layer.Fields.Single(l => l.Name == f.Name).Width));
        foreach (var (t, feature) in written.Zip(layer.Features()))
            foreach (var field in TubanSchema.Fields)
                Assert.Equal(Text(field.ValueOf(t)), Text(feature[field.Name]));
    }

    [Fact]
    public void BatchFieldsReadBackAsWritten()
    {
        var path = _dir.File("batch.gpkg");
        BatchTuban[] written =
        [
            new(Sample(1)) { Scenes = "S01;S02", DlbmNow = "0101", Bctb = true, Ybg = false, Tywzjctbwqbh = "420506WP2400007" },
            new(Sample(2)) { Scenes = "S02", DlbmNow = "", Bctb = false, Ybg = true },
        ];
        BatchTubanFile.Write(path, SpatialReference.FromEpsg(4546), written);
        var (_, read) = BatchTubanFile.Read(path);
        Assert.Equal(written, read.Zip(written, (r, w) => r with { Tuban = r.Tuban with { Geometry = w.Tuban.Geometry } }));
    }

    public static TheoryData<string> ReadBack() => [.. TubanSchema.Fields.Where(f => f.IsReadBack).Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(ReadBack))]
    public void LayerWithoutAFieldIsRefusedNamingIt(string missing)
    {
        var path = _dir.File("short.gpkg");
        WriteWithout(path, TubanSchema.Fields.Where(f => f.Name != missing).ToList());
        var e = Assert.Throws<InputException>(() => BatchTubanFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DerivedFieldsAreNotNeededToRead()
    {
        var path = _dir.File("derived.gpkg");
        WriteWithout(path, TubanSchema.Fields.Where(f => f.IsReadBack).ToList());
        Assert.Equal(Sample(1), BatchTubanFile.Read(path).Polygons.Single().Tuban with { Geometry = Sample(1).Geometry });
    }

    [Fact]
    public void LayerWithSomeBatchFieldsIsRefusedNamingTheOthers()
    {
        var path = _dir.File("some.gpkg");
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            var scenes = BatchTubanFile.ExtraFields.Single(f => f.Name == "SCENES");
            var layer = ds.CreateLayer(TubanWriter.LayerName, GeometryKind.Polygon, SpatialReference.FromEpsg(4546),
                [.. TubanSchema.Definitions, scenes.Definition]);
            var t = Sample(1);
            layer.Add(new WKBWriter().Write(t.Geometry), [.. TubanSchema.Values(t), "S01"]);
        }
        var e = Assert.Throws<InputException>(() => BatchTubanFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.All(BatchTubanFile.ExtraFields.Where(f => f.Name != "SCENES"), f => Assert.Contains(f.Name, e.Message, StringComparison.Ordinal));
    }

    /// <summary>docs/FIELDS.md holds the tables the schemas give; when they differ the message is the fresh text.</summary>
    [Theory]
    [InlineData(nameof(TubanSchema))]
    [InlineData(nameof(BatchTubanFile))]
    public void FieldTableInTheDocsIsTheSchemas(string schema)
    {
        var docs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "FIELDS.md")).ReplaceLineEndings("\n");
        var block = Regex.Match(docs, $@"<!-- table:{schema} -->\n(.*?)<!-- /table -->", RegexOptions.Singleline);
        Assert.True(block.Success, $"docs/FIELDS.md has no <!-- table:{schema} --> ... <!-- /table --> block");
        var fresh = schema == nameof(TubanSchema) ? Table(TubanSchema.Fields) : Table(BatchTubanFile.ExtraFields);
        Assert.True(fresh == block.Groups[1].Value, $"docs/FIELDS.md is out of date; its {schema} table is now:\n{fresh}");
    }

    private static string Table<T>(IReadOnlyList<RecordField<T>> fields)
    {
        var sb = new StringBuilder("| field | OGR type | width | precision | read back | meaning |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var f in fields)
        {
            var d = f.Definition;
            sb.Append(CultureInfo.InvariantCulture,
                $"| {d.Name} | {d.Kind} | {(d.Width > 0 ? d.Width : "")} | {(d.Precision > 0 ? d.Precision : "")} | {(f.IsReadBack ? "yes" : "no (derived)")} | {f.Meaning} |\n");
        }
        return sb.ToString();
    }

    private static void WriteWithout(string path, List<RecordField<Tuban>> fields)
    {
        using var ds = VectorDataset.Create(path, "GPKG");
        var layer = ds.CreateLayer(TubanWriter.LayerName, GeometryKind.Polygon, SpatialReference.FromEpsg(4546), fields.Definitions());
        var t = Sample(1);
        layer.Add(new WKBWriter().Write(t.Geometry), fields.Values(t));
    }

    private static string? Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);
}
