using System.Security.Cryptography;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Synth;

/// <summary>
/// One 1024 x 1024 scene with nuisances (seed 8 at 150 per km², so every kind occurs: 1 to 14 each) and the same seed
/// without them, shared by the nuisance tests.
/// </summary>
public sealed class NuisanceSynthFixture : IDisposable
{
    private readonly TempDir _with = new();
    private readonly TempDir _without = new();

    public NuisanceSynthFixture()
    {
        var options = new SynthOptions { Size = 1024, Seed = 8, WriteShapefiles = false };
        With = SceneSynthesizer.Run(options with { Nuisances = 150 }, _with.Path);
        Without = SceneSynthesizer.Run(options, _without.Path);
        Before = ReadBands(File("before.tif"));
        After = ReadBands(File("after.tif"));
        BeforeWithout = ReadBands(FileWithout("before.tif"));
        AfterWithout = ReadBands(FileWithout("after.tif"));
        using var truth = RasterDataset.Open(File("truth.tif"));
        Transform = truth.GeoTransform;
        Nuisances = ReadPolygons(File("nuisance.gpkg"), "nuisance", "KIND", "DATE");
        Truth = ReadPolygons(File("truth.gpkg"), "truth", "class_name", "STAGE");
        Clouds = new byte[Width * Width];
        using var clouds = RasterDataset.Open(File("after_clouds.tif"));
        clouds.Read<byte>(1, clouds.Extent, Clouds);
    }

    public const int Width = 1024;

    public SynthResult With { get; }
    public SynthResult Without { get; }
    /// <summary>Four bands each (B, G, R, NIR), row-major.</summary>
    public ushort[][] Before { get; }
    public ushort[][] After { get; }
    public ushort[][] BeforeWithout { get; }
    public ushort[][] AfterWithout { get; }
    public GeoTransform Transform { get; }
    /// <summary>Geometry and two fields of each feature (nuisance: KIND, DATE; truth: class_name, STAGE).</summary>
    public IReadOnlyList<(Geometry Geometry, string? A, string? B)> Nuisances { get; }
    public IReadOnlyList<(Geometry Geometry, string? A, string? B)> Truth { get; }
    /// <summary>after_clouds.tif: 1 cloud, 2 shadow.</summary>
    public byte[] Clouds { get; }

    public string File(string name) => Path.Combine(With.Directory, name);

    public string FileWithout(string name) => Path.Combine(Without.Directory, name);

    /// <summary>A mask of the pixels whose centre the geometries (each grown by <paramref name="buffer"/> metres) hold.</summary>
    public byte[] Mask(IEnumerable<Geometry> geometries, double buffer = 0)
    {
        var mask = new byte[Width * Width];
        foreach (var g in geometries) PolygonRasterizer.Burn(buffer > 0 ? g.Buffer(buffer) : g, Transform, Width, Width, mask);
        return mask;
    }

    private static ushort[][] ReadBands(string path)
    {
        using var ds = RasterDataset.Open(path);
        var bands = new ushort[4][];
        for (var b = 0; b < 4; b++)
        {
            bands[b] = new ushort[ds.Width * ds.Height];
            ds.Read<ushort>(b + 1, ds.Extent, bands[b]);
        }
        return bands;
    }

    private static List<(Geometry, string?, string?)> ReadPolygons(string path, string layer, string a, string b)
    {
        using var ds = VectorDataset.Open(path);
        var reader = new WKBReader();
        var l = ds.Layer(layer);
        var hasB = l.FieldIndex(b) >= 0;
        return l.Features().Select(f => (reader.Read(f.Wkb), f.GetString(a), hasB ? f.GetString(b) : null)).ToList();
    }

    public void Dispose()
    {
        _with.Dispose();
        _without.Dispose();
    }
}

/// <summary>
/// The synthesiser's nuisances (issue 16 §3): change between the dates that is not a violation, written to
/// nuisance.gpkg, clear of every true change and cloud, really rendered, and leaving the rest of the scene as it was.
/// </summary>
public class NuisanceSynthTests(NuisanceSynthFixture fx) : IClassFixture<NuisanceSynthFixture>
{
    private const int Width = NuisanceSynthFixture.Width;

    // The kinds that replace the ground (all but haze, which adds to it).
    private static readonly string[] GroundKinds = ["mulch", "paddy_flooded", "pond_drained", "pond_refilled", "season_swap", "road", "rubble"];

    [Fact]
    public void NuisanceLayerHoldsEveryKindInTheTruthsCrsWithTheDatesItAlters()
    {
        using var nuisance = VectorDataset.Open(fx.File("nuisance.gpkg"));
        using var truth = VectorDataset.Open(fx.File("truth.gpkg"));
        var layer = nuisance.Layer("nuisance");
        Assert.Equal(GeometryKind.Polygon, layer.GeometryType);
        Assert.True(layer.SpatialReference!.IsSame(truth.Layer("truth").SpatialReference!), "nuisance.gpkg must be in truth.gpkg's CRS");
        Assert.Equal(fx.With.Nuisances.Values.Sum(), layer.FeatureCount);

        var kinds = fx.Nuisances.GroupBy(n => n.A!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var kind in NuisanceKinds.All.Select(NuisanceKinds.Name))
            Assert.True(kinds.GetValueOrDefault(kind) > 0, $"no {kind} in the fixture");
        Assert.Equal(NuisanceKinds.All.Select(NuisanceKinds.Name).Order(), kinds.Keys.Order());
        foreach (var (_, kind, date) in fx.Nuisances)
        {
            string[] expected = kind switch
            {
                "mulch" or "pond_drained" or "road" or "rubble" => ["after"],
                "pond_refilled" => ["before"],
                "season_swap" => ["both"],
                _ => ["before", "after"],
            };
            Assert.Contains(date, expected);
        }
    }

    [Fact]
    public void NuisancesKeepTenMetresFromEveryTruthPolygonAndCloud()
    {
        Assert.True(fx.With.Changes.Values.Sum() > 10 && fx.With.Clouds > 0, "the fixture has changes and a cloud");
        foreach (var (n, kind, _) in fx.Nuisances)
            foreach (var (t, cls, _) in fx.Truth)
            {
                Assert.False(n.Intersects(t), $"a {kind} nuisance intersects a {cls} change");
                Assert.True(n.Distance(t) >= Layout.NuisanceMargin - 1e-6, $"a {kind} nuisance lies {n.Distance(t):0.0} m from a {cls} change");
            }
        // Clouds and their shadows (as after_clouds.tif records them) stay out of every nuisance grown by 9 m.
        var near = fx.Mask(fx.Nuisances.Select(n => n.Geometry), buffer: 9);
        Assert.Equal(0, Enumerable.Range(0, near.Length).Count(i => near[i] != 0 && fx.Clouds[i] != 0));
        Assert.Contains(fx.Clouds, v => v != 0);
    }

    [Fact]
    public void PixelsUnderANuisanceChangeBetweenTheDatesMoreThanUnchangedFarmlandAndThanWithout()
    {
        var outside = Outside();
        var farmland = Farmland();
        var (farmSum, farmCount) = (0.0, 0L);
        for (var i = 0; i < farmland.Length; i++)
            if (farmland[i] != 0 && outside[i] && fx.Clouds[i] == 0 && Valid(i)) { farmSum += Diff(fx.Before, fx.After, i); farmCount++; }
        Assert.True(farmCount > 100_000, $"{farmCount} unchanged farmland pixels");
        var farm = farmSum / farmCount;

        foreach (var kind in GroundKinds)
        {
            var mask = fx.Mask(fx.Nuisances.Where(n => n.A == kind).Select(n => n.Geometry));
            double with = 0, without = 0;
            long count = 0;
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] == 0 || !Valid(i)) continue;
                with += Diff(fx.Before, fx.After, i);
                without += Diff(fx.BeforeWithout, fx.AfterWithout, i);
                count++;
            }
            Assert.True(count > 100, $"{kind}: {count} pixels");
            with /= count;
            without /= count;
            Assert.True(with > 1.3 * farm, $"{kind}: mean |after - before| {with:0} DN (4 bands summed), unchanged farmland {farm:0}");
            Assert.True(with > 1.3 * without, $"{kind}: mean |after - before| {with:0} DN, {without:0} without the nuisance");
        }
    }

    [Fact]
    public void EachNuisanceAltersItsDatesAndOnlyThem()
    {
        foreach (var (g, kind, date) in fx.Nuisances)
        {
            var mask = fx.Mask([g]);
            long pixels = 0, beforeAltered = 0, afterAltered = 0;
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] == 0) continue;
                pixels++;
                if (Differs(fx.Before, fx.BeforeWithout, i)) beforeAltered++;
                if (Differs(fx.After, fx.AfterWithout, i)) afterAltered++;
            }
            Assert.True(pixels > 20, $"{kind}: {pixels} pixels");
            // Haze fades to nothing at its rim, so its outer ring may round to the same DN.
            var least = kind == "haze" ? 0.5 : 0.8;
            if (date is "before" or "both") Assert.True(beforeAltered >= least * pixels, $"{kind} ({date}): {beforeAltered} of {pixels} before-date pixels altered");
            else Assert.Equal(0, beforeAltered);
            if (date is "after" or "both") Assert.True(afterAltered >= least * pixels, $"{kind} ({date}): {afterAltered} of {pixels} after-date pixels altered");
            else Assert.Equal(0, afterAltered);
        }
    }

    [Fact]
    public void HazeBrightensBlueMoreThanNir()
    {
        foreach (var (g, _, date) in fx.Nuisances.Where(n => n.A == "haze"))
        {
            var (hazy, clear) = date == "before" ? (fx.Before, fx.BeforeWithout) : (fx.After, fx.AfterWithout);
            var mask = fx.Mask([g]);
            double blue = 0, nir = 0;
            long count = 0;
            for (var i = 0; i < mask.Length; i++)
            {
                if (mask[i] == 0 || hazy[0][i] == 0) continue;
                blue += hazy[0][i] - clear[0][i];
                nir += hazy[3][i] - clear[3][i];
                count++;
            }
            blue /= count;
            nir /= count;
            Assert.True(blue > 4, $"haze ({date}) adds {blue:0.0} DN of blue on average");
            Assert.True(blue > 2 * nir, $"haze ({date}) adds {blue:0.0} DN of blue and {nir:0.0} of NIR");
        }
    }

    [Fact]
    public void OutsideNuisancesAndChangesTheScenesEqualTheSameSeedWithout()
    {
        // The same changes, clouds, truth raster and survey; stages only alter building changes (and their shadows).
        Assert.Equal(fx.Without.Changes, fx.With.Changes);
        Assert.Equal(fx.Without.Clouds, fx.With.Clouds);
        foreach (var name in new[] { "truth.tif", "after_clouds.tif", "survey.gpkg" })
            Assert.True(Hash(fx.File(name)) == Hash(fx.FileWithout(name)), $"{name} differs with nuisances");
        Assert.Equal(fx.Truth.Select(t => t.Geometry.AsText()), ReadTruthWithout().Select(g => g.AsText()));

        var outside = Outside();
        long compared = 0, differing = 0;
        for (var i = 0; i < outside.Length; i++)
        {
            if (!outside[i]) continue;
            compared++;
            if (Differs(fx.Before, fx.BeforeWithout, i) || Differs(fx.After, fx.AfterWithout, i)) differing++;
        }
        Assert.True(compared > Width * Width / 2, $"{compared} pixels compared");
        Assert.Equal(0, differing);
    }

    [Fact]
    public void BuildingChangesCarryAStageOnlyWithNuisances()
    {
        Assert.All(fx.Truth, t => Assert.Equal(t.A == "building", t.B is not null));
        var stages = fx.Truth.Where(t => t.A == "building").Select(t => t.B!).ToList();
        Assert.All(stages, s => Assert.Contains(s, BuildingStages.All.Select(BuildingStages.Name)));
        Assert.Contains("cleared", stages);
        Assert.Contains("foundation", stages);
        Assert.Equal(fx.With.BuildingStages.Values.Sum(), stages.Count);

        using var without = VectorDataset.Open(fx.FileWithout("truth.gpkg"));
        Assert.True(without.Layer("truth").FieldIndex("STAGE") < 0, "truth.gpkg gains STAGE only with nuisances");
        Assert.False(System.IO.File.Exists(fx.FileWithout("nuisance.gpkg")));
        Assert.DoesNotContain("nuisances", System.IO.File.ReadAllText(fx.FileWithout("scene.json")));
        Assert.Empty(fx.Without.Nuisances);
        Assert.Contains("\"nuisancesPerKm2\": 150", System.IO.File.ReadAllText(fx.File("scene.json")));
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesWithNuisances()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var options = new SynthOptions { Size = 256, Seed = 9, WriteShapefiles = false, Nuisances = 300 };
        SceneSynthesizer.Run(options, a.Path);
        SceneSynthesizer.Run(options, b.Path);
        var files = Directory.EnumerateFiles(a.Path).Select(Path.GetFileName).Order().ToList();
        Assert.Contains("nuisance.gpkg", files);
        Assert.Equal(files, Directory.EnumerateFiles(b.Path).Select(Path.GetFileName).Order());
        foreach (var f in files) Assert.True(Hash(Path.Combine(a.Path, f!)) == Hash(Path.Combine(b.Path, f!)), $"{f} differs between two runs with the same seed");
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(SynthOptions.MaxNuisancesPerKm2 + 1)]
    public void ANuisanceDensityOutOfRangeIsRefusedNamingTheOption(double density)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InputException>(() => SceneSynthesizer.Run(new SynthOptions { Size = 64, Nuisances = density }, dir.File("scene")));
        Assert.Contains("--nuisances", e.Message);
    }

    // Pixels clear of every nuisance (grown by 2 m: the after date's misregistration) and every change (grown by 12 m: stages drop shadows).
    private bool[] Outside()
    {
        var nuisances = fx.Mask(fx.Nuisances.Select(n => n.Geometry), buffer: 2);
        var changes = fx.Mask(fx.Truth.Select(t => t.Geometry), buffer: 12);
        return Enumerable.Range(0, nuisances.Length).Select(i => nuisances[i] == 0 && changes[i] == 0).ToArray();
    }

    private byte[] Farmland()
    {
        using var survey = VectorDataset.Open(fx.File("survey.gpkg"));
        var reader = new WKBReader();
        return fx.Mask(survey.Layer("DLTB").Features()
            .Where(f => f.GetString("DLBM") is "0101" or "0102" or "0103").Select(f => reader.Read(f.Wkb)).ToList());
    }

    private List<Geometry> ReadTruthWithout()
    {
        using var ds = VectorDataset.Open(fx.FileWithout("truth.gpkg"));
        var reader = new WKBReader();
        return ds.Layer("truth").Features().Select(f => reader.Read(f.Wkb)).ToList();
    }

    private bool Valid(int i) => fx.Before[0][i] != 0 && fx.After[0][i] != 0;

    private static double Diff(ushort[][] a, ushort[][] b, int i)
    {
        var sum = 0;
        for (var band = 0; band < 4; band++) sum += Math.Abs(a[band][i] - b[band][i]);
        return sum;
    }

    private static bool Differs(ushort[][] a, ushort[][] b, int i) =>
        a[0][i] != b[0][i] || a[1][i] != b[1][i] || a[2][i] != b[2][i] || a[3][i] != b[3][i];

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(path)));
}
