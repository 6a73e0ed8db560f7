using System.Security.Cryptography;
using System.Text;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Synth;

public class SceneSynthesizerTests(SynthFixture fx) : IClassFixture<SynthFixture>
{
    [Fact]
    public void SameSeedGivesIdenticalBytes()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var options = new SynthOptions { Size = 300, Height = 260, Seed = 99 };
        SceneSynthesizer.Run(options, a.Path);
        SceneSynthesizer.Run(options, b.Path);
        var filesA = Hashes(a.Path);
        var filesB = Hashes(b.Path);
        Assert.Equal(filesA.Keys.Order(), filesB.Keys.Order());
        Assert.Contains("before.tif", filesA.Keys);
        Assert.Contains(Path.Combine("survey_shp", "DLTB.dbf"), filesA.Keys);
        foreach (var (name, hash) in filesA) Assert.True(hash == filesB[name], $"{name} differs between two runs with the same seed");
    }

    [Fact]
    public void AFolderWithAUsersFileUnderASceneNameIsRefusedAndAnEarlierSceneReplaced()
    {
        using var dir = new TempDir();
        var options = new SynthOptions { Size = 64, Seed = 5, WriteShapefiles = false };
        File.WriteAllText(dir.File("before.tif"), "the county's own image");
        File.WriteAllText(dir.File("notes.txt"), "notes");

        var e = Assert.Throws<InputException>(() => SceneSynthesizer.Run(options, dir.Path));
        Assert.Contains("'before.tif'", e.Message);
        Assert.Equal("the county's own image", File.ReadAllText(dir.File("before.tif")));
        Assert.Equal(["before.tif", "notes.txt"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());

        // Another folder with other files only, then a second scene into it over the first.
        var scene = dir.File("scene");
        Directory.CreateDirectory(scene);
        File.WriteAllText(Path.Combine(scene, "notes.txt"), "notes");
        SceneSynthesizer.Run(options, scene);
        SceneSynthesizer.Run(options with { Seed = 6 }, scene);
        Assert.Contains("\"seed\": 6", File.ReadAllText(Path.Combine(scene, "scene.json")));
        Assert.Equal("notes", File.ReadAllText(Path.Combine(scene, "notes.txt")));
    }

    [Fact]
    public void DifferentSeedsGiveDifferentScenes()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = 128, Seed = 1, WriteShapefiles = false }, a.Path);
        SceneSynthesizer.Run(new SynthOptions { Size = 128, Seed = 2, WriteShapefiles = false }, b.Path);
        Assert.NotEqual(Hashes(a.Path)["before.tif"], Hashes(b.Path)["before.tif"]);
    }

    [Fact]
    public void ScenesAreFourBandTenBitGaofenGeoTiffs()
    {
        foreach (var name in new[] { "before.tif", "after.tif" })
        {
            using var scene = Scene.Open(fx.File(name));
            Assert.Equal(1024, scene.Width);
            Assert.Equal(RasterDataType.UInt16, scene.DataType);
            Assert.Equal(BandOrder.GaofenMultispectral, scene.BandRoles);
            Assert.All(scene.NoData, n => Assert.Equal(0, n));
            Assert.Equal(4546, scene.Grid.Crs!.Epsg);
            Assert.Equal(0.8, scene.Grid.PixelSizeX, 12);
            var buffer = new ushort[4 * 256 * 1024];
            scene.ReadBands<ushort>(new PixelWindow(0, 0, 1024, 256), buffer);
            Assert.True(buffer.Max() <= 1023, "values must fit 10 bits");
        }
        using var before = RasterDataset.Open(fx.File("before.tif"));
        Assert.Equal(fx.Result.BeforeDate.ToString("yyyy-MM-dd"), before.MetadataItem("ACQUISITION_DATE"));
        Assert.Equal(fx.Result.BeforeSceneId, before.MetadataItem("SCENE_ID"));
        Assert.Equal("DEFLATE", before.MetadataItem("COMPRESSION", "IMAGE_STRUCTURE"));
        Assert.Equal((256, 256), before.BlockSize(1));
    }

    [Fact]
    public void CloudAndItsShadowAreNodataInTheAfterDateOnly()
    {
        Assert.True(fx.Result.Clouds >= 1);
        Assert.Equal(0, CountNoData(fx.File("before.tif")));
        Assert.True(CountNoData(fx.File("after.tif")) > 1000, "the after date carries at least one cloud and its shadow as nodata");
    }

    [Fact]
    public void TruthRasterEqualsTruthPolygonsRasterised()
    {
        using var truth = RasterDataset.Open(fx.File("truth.tif"));
        using var reference = RasterDataset.CreateInMemory(truth.Width, truth.Height, 1, RasterDataType.Byte);
        reference.GeoTransform = truth.GeoTransform;
        reference.SpatialReference = truth.SpatialReference;
        using var polygons = VectorDataset.Open(fx.File("truth.gpkg"));
        var layer = polygons.Layer("truth");
        Assert.Equal(fx.Result.Changes.Values.Sum(), layer.FeatureCount);
        GdalReference.RasterizeLayers(reference, 1, [layer], [], attribute: "class_id");

        var a = new byte[truth.Width * truth.Height];
        var b = new byte[a.Length];
        truth.Read<byte>(1, truth.Extent, a);
        reference.Read<byte>(1, reference.Extent, b);
        var differing = a.Zip(b).Count(p => p.First != p.Second);
        Assert.True(a.Count(v => v != 0) > 5000, "the truth raster holds change");
        Assert.Equal(0, differing);
        foreach (var c in ChangeClasses.All.Where(c => fx.Result.Changes[c] > 0))
            Assert.Contains((byte)c, a);
    }

    [Fact]
    public void TruthFieldsAreThoseOtherToolsRead()
    {
        using var ds = VectorDataset.Open(fx.File("truth.gpkg"));
        var layer = ds.Layer("truth");
        Assert.Equal(GeometryKind.Polygon, layer.GeometryType);
        var names = layer.Fields.Select(f => f.Name).ToList();
        Assert.Contains("class_id", names);
        Assert.Contains("class_name", names);
        Assert.Contains("TBLX", names);
        foreach (var f in layer.Features())
        {
            var c = (ChangeClass)f.GetInt64("class_id")!.Value;
            Assert.Equal(ChangeClasses.Name(c), f.GetString("class_name"));
            Assert.Equal(ChangeClasses.Tblx(c), f.GetString("TBLX"));
        }
    }

    [Fact]
    public void ChangesLieOnAndOffFarmlandAsTheSurveySays()
    {
        using var survey = VectorDataset.Open(fx.File("survey.gpkg"));
        using var truth = VectorDataset.Open(fx.File("truth.gpkg"));
        using var grid = RasterDataset.Open(fx.File("truth.tif"));
        var farmland = Rasterise(grid, survey.Layer("DLTB"), "DLBM IN ('0101','0102','0103')");
        var onFarmland = 0;
        var offFarmland = 0;
        var layer = truth.Layer("truth");
        foreach (var f in layer.Features().ToList())
        {
            var mask = Rasterise(grid, layer, $"fid = {f.Fid}");
            var pixels = Enumerable.Range(0, mask.Length).Where(i => mask[i] != 0).ToList();
            Assert.NotEmpty(pixels);
            var share = pixels.Count(i => farmland[i] != 0) / (double)pixels.Count;
            if (f.GetInt64("on_farmland") == 1) { onFarmland++; Assert.Equal(1.0, share); }
            else { offFarmland++; Assert.Equal(0.0, share); }
        }
        Assert.True(onFarmland > 0 && offFarmland > 0, $"changes on farmland {onFarmland}, off farmland {offFarmland}");
        Assert.Equal(fx.Result.ChangesOnFarmland, onFarmland);
    }

    [Fact]
    public void SurveyCoversTheSceneWithChineseNamesInGpkgAndGbkShapefile()
    {
        using var gpkg = VectorDataset.Open(fx.File("survey.gpkg"));
        var dltb = gpkg.Layer("DLTB");
        foreach (var field in new[] { "BSM", "DLBM", "DLMC", "ZLDWDM", "TBMJ" }) Assert.True(dltb.FieldIndex(field) >= 0, field);
        var features = dltb.Features().ToList();
        var sceneArea = 1024 * 0.8 * 1024 * 0.8;
        Assert.Equal(sceneArea, features.Sum(f => f.GetDouble("TBMJ")!.Value), sceneArea * 1e-6);
        Assert.Contains(features, f => f.GetString("DLMC") == "水田" || f.GetString("DLMC") == "旱地" || f.GetString("DLMC") == "水浇地");
        Assert.All(features, f => Assert.Equal(19, f.GetString("ZLDWDM")!.Length));

        var basic = gpkg.Layer("YJJBNTTB").Features().ToList();
        Assert.NotEmpty(basic);
        Assert.All(basic, f => Assert.Contains(f.GetString("DLBM"), new[] { "0101", "0102", "0103" }));

        var counties = gpkg.Layer("XZQ").Features().ToList();
        Assert.True(counties.Count >= 2, "two counties");
        Assert.Equal(sceneArea, counties.Sum(f => f.GetDouble("DCMJ")!.Value), sceneArea * 1e-6);
        Assert.All(counties, c => Assert.Contains(c.GetString("XZQDM"), fx.Result.Counties));

        var shpDir = fx.File("survey_shp");
        Assert.Equal("GBK", File.ReadAllText(Path.Combine(shpDir, "DLTB.cpg")).Trim());
        using var shp = VectorDataset.Open(Path.Combine(shpDir, "DLTB.shp"));
        var names = shp.Layer(0).Features().Select(f => f.GetString("DLMC")).ToList();
        Assert.Equal(features.Select(f => f.GetString("DLMC")), names);
        var dbf = File.ReadAllBytes(Path.Combine(shpDir, "DLTB.dbf"));
        Assert.False(ContainsUtf8(dbf, names[0]!), "the .dbf must hold GBK, not UTF-8");
    }

    private static byte[] Rasterise(RasterDataset grid, VectorLayer layer, string where)
    {
        using var mem = RasterDataset.CreateInMemory(grid.Width, grid.Height, 1, RasterDataType.Byte);
        mem.GeoTransform = grid.GeoTransform;
        mem.SpatialReference = grid.SpatialReference;
        layer.SetAttributeFilter(where);
        try { GdalReference.RasterizeLayers(mem, 1, [layer], [1.0]); }
        finally { layer.SetAttributeFilter(null); }
        var pixels = new byte[grid.Width * grid.Height];
        mem.Read<byte>(1, mem.Extent, pixels);
        return pixels;
    }

    private static int CountNoData(string path)
    {
        using var ds = RasterDataset.Open(path);
        var band = new ushort[ds.Width * ds.Height];
        ds.Read<ushort>(1, ds.Extent, band);
        return band.Count(v => v == 0);
    }

    private static bool ContainsUtf8(byte[] haystack, string text) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
