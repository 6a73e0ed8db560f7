using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Training;
using WeiPian.Engine.Vector;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Training;

/// <summary>
/// A synthesised 768² pair dense in changes, a "history" made from its truth (every fourth change judged 伪变化, the
/// polygons in CGCS2000 longitude/latitude rather than the scene's Gauss-Kruger zone), and one export of it with the edge
/// band off, shared by the training tests.
/// </summary>
public sealed class TrainingWorld : IDisposable
{
    private readonly TempDir _dir = new();

    public TrainingWorld()
    {
        Scene = SceneSynthesizer.Run(new SynthOptions { Size = 768, Seed = 1606, ChangesPerKm2 = 300, WriteShapefiles = false }, _dir.File("scene"));
        Card = ModelCard.ParseFile(Path.Combine(TestPaths.RepoRoot, "src", "Models", "spectral-v1.card.json"));
        Manifest = _dir.File("pairs.csv");
        System.IO.File.WriteAllText(Manifest, "key,before,after\nsyn,scene/before.tif,scene/after.tif\n");
        Verified = _dir.File("verified.gpkg");
        WriteHistory(Verified, epsg: 4490);
        Export = _dir.File("export");
        Counts = TrainingExport.Run(Manifest, Verified, Card, Export, Options);
    }

    /// <summary>The options of the shared export: small chips and blocks, and shares nearer even, so one small scene holds every split; no edge band.</summary>
    public static TrainingOptions Options { get; } = new() { ChipSize = 64, ChipsPerChange = 2, SplitBlockMetres = 100, SplitShares = (0.4, 0.3), EdgeIgnorePixels = 0, Seed = 7 };

    public SynthResult Scene { get; }

    public ModelCard Card { get; }

    public string Manifest { get; }

    public string Verified { get; }

    public string Export { get; }

    public TrainingCounts Counts { get; }

    public string File(string name) => _dir.File(name);

    public string SceneFile(string name) => Path.Combine(Scene.Directory, name);

    /// <summary>True for the truth features (in file order) the history calls false change.</summary>
    public static bool IsFalse(int index) => index % 4 == 0;

    /// <summary>Writes the truth as verified polygons (TBLX, PDLX) in <paramref name="epsg"/>, optionally moved east by <paramref name="shiftMetres"/> first.</summary>
    public void WriteHistory(string path, int epsg, string tblxOverride = "", double shiftMetres = 0)
    {
        using var truth = VectorDataset.Open(SceneFile("truth.gpkg"));
        var layer = truth.Layer("truth");
        var target = SpatialReference.FromEpsg(epsg);
        using var transform = new CoordinateTransform(layer.SpatialReference!, target);
        using var output = VectorDataset.Create(path, "GPKG");
        var verified = output.CreateLayer("verified", GeometryKind.MultiPolygon, target,
            [new FieldDefinition("TBLX", FieldKind.String, 8), new FieldDefinition("PDLX", FieldKind.String, 16)]);
        var reader = new WKBReader();
        var writer = new WKBWriter();
        var i = 0;
        foreach (var f in layer.Features())
        {
            var g = reader.Read(f.Wkb);
            if (shiftMetres != 0)
            {
                g = g.Copy();
                g.Apply(new NetTopologySuite.Geometries.Utilities.AffineTransformation().Translate(shiftMetres, 0));
            }
            var tblx = tblxOverride.Length > 0 ? tblxOverride : f.GetString("TBLX");
            verified.Add(writer.Write(Reprojection.Apply(g, transform)), [tblx, IsFalse(i++) ? "伪变化" : "属实"]);
        }
    }

    /// <summary>The index rows of an export.</summary>
    public static List<System.Text.Json.JsonElement> Rows(string export) =>
        System.IO.File.ReadAllLines(Path.Combine(export, "index.jsonl")).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();

    public void Dispose() => _dir.Dispose();
}
