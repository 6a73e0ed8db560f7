using System.Security.Cryptography;
using System.Text.Json;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Recheck;

/// <summary>
/// One synthesised 512 x 512 case with the third date, dense in changes, shared by the recheck tests (seed chosen so
/// that every fate occurs: 2 restored, 3 partly, 4 untouched, 2 rubble, 1 clouded).
/// </summary>
public sealed class RecheckSynthFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public RecheckSynthFixture()
    {
        Result = SceneSynthesizer.Run(new SynthOptions { Size = 512, Seed = 4246, ChangesPerKm2 = 60, WriteShapefiles = false, RecheckDate = true }, _dir.Path);
    }

    public SynthResult Result { get; }

    public string File(string name) => Path.Combine(Result.Directory, name);

    public void Dispose() => _dir.Dispose();
}

/// <summary>The synthesiser's third date: opt-in, leaving every existing output as it was, with consistent truth.</summary>
public class RecheckSynthTests(RecheckSynthFixture fx) : IClassFixture<RecheckSynthFixture>
{
    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void ThirdDateLeavesEveryExistingOutputByteIdentical()
    {
        using var plain = new TempDir();
        using var third = new TempDir();
        var options = new SynthOptions { Size = 300, Height = 260, Seed = 99 };
        SceneSynthesizer.Run(options, plain.Path);
        var r = SceneSynthesizer.Run(options with { RecheckDate = true }, third.Path);
        var a = Hashes(plain.Path);
        var b = Hashes(third.Path);
        Assert.Contains("before.tif", a.Keys);
        foreach (var (name, hash) in a) Assert.True(b.TryGetValue(name, out var other) && other == hash, $"{name} differs when the third date is added");
        Assert.Equal(["newest.tif", "recheck.json", "recheck_truth.gpkg", "recheck_truth.tif"], b.Keys.Except(a.Keys).Order());
        Assert.NotNull(r.NewestDate);
    }

    [Fact]
    public void SameSeedGivesIdenticalBytesWithTheThirdDate()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        var options = new SynthOptions { Size = 256, Seed = 7, ChangesPerKm2 = 120, WriteShapefiles = false, RecheckDate = true };
        SceneSynthesizer.Run(options, a.Path);
        SceneSynthesizer.Run(options, b.Path);
        var ha = Hashes(a.Path);
        Assert.Equal(ha, Hashes(b.Path));
        Assert.Contains("newest.tif", ha.Keys);
    }

    [Fact]
    public void NewestIsALaterDateWithItsOwnSceneId()
    {
        using var newest = RasterDataset.Open(fx.File("newest.tif"));
        using var after = RasterDataset.Open(fx.File("after.tif"));
        Assert.Equal(fx.Result.NewestDate!.Value.ToString("yyyy-MM-dd"), newest.MetadataItem("ACQUISITION_DATE"));
        Assert.True(fx.Result.NewestDate > fx.Result.AfterDate);
        Assert.Equal(fx.Result.NewestSceneId, newest.MetadataItem("SCENE_ID"));
        Assert.NotEqual(after.MetadataItem("SCENE_ID"), newest.MetadataItem("SCENE_ID"));
        using var json = JsonDocument.Parse(File.ReadAllBytes(fx.File("recheck.json")));
        Assert.Equal(fx.Result.NewestDate.Value.ToString("yyyyMMdd"), json.RootElement.GetProperty("newest").GetProperty("date").GetString());
        Assert.Equal(fx.Result.Changes.Values.Sum(), json.RootElement.GetProperty("fates").EnumerateObject().Sum(p => p.Value.GetInt32()));
    }

    [Fact]
    public void TruthAgreesWithTheNewestRasters()
    {
        var fates = fx.Result.Fates;
        foreach (var f in new[] { RecheckFate.Restored, RecheckFate.Partly, RecheckFate.Untouched, RecheckFate.Rubble, RecheckFate.Clouded })
            Assert.True(fates[f] > 0, $"the fixture has no {f} change");

        using var truth = RasterDataset.Open(fx.File("recheck_truth.tif"));
        using var newest = RasterDataset.Open(fx.File("newest.tif"));
        using var polygons = VectorDataset.Open(fx.File("recheck_truth.gpkg"));
        var layer = polygons.Layer("recheck_truth");
        Assert.Equal(fx.Result.Changes.Values.Sum(), layer.FeatureCount);
        var reader = new NetTopologySuite.IO.WKBReader();
        foreach (var f in layer.Features())
        {
            var g = reader.Read(f.Wkb);
            var e = g.EnvelopeInternal;
            var t = truth.GeoTransform;
            var (c0, r0) = t.WorldToPixel(e.MinX, e.MaxY);
            var (c1, r1) = t.WorldToPixel(e.MaxX, e.MinY);
            var w = new PixelWindow((int)c0, (int)r0, (int)Math.Ceiling(c1) - (int)c0, (int)Math.Ceiling(r1) - (int)r0).Intersect(truth.Extent);
            var n = (int)w.PixelCount;
            var mask = new byte[n];
            PolygonRasterizer.Burn(g, t.Offset(w.X, w.Y), w.Width, w.Height, mask);
            var standing = new byte[n];
            truth.Read<byte>(1, w, standing);
            var blue = new ushort[n];
            newest.Read<ushort>(1, w, blue);
            long pixels = 0, still = 0, nodata = 0;
            for (var i = 0; i < n; i++)
            {
                if (mask[i] == 0) continue;
                pixels++;
                if (standing[i] != 0) { still++; Assert.Equal(f.GetInt64("class_id"), standing[i]); }
                if (blue[i] == 0) nodata++;
            }
            var jcbh = f.GetString("JCBH");
            Assert.Equal(f.GetInt64("pixels"), pixels);
            Assert.Equal(Math.Round(1 - (double)still / pixels, 4), f.GetDouble("restored_share")!.Value, 4);
            var fate = f.GetString("fate");
            var verdict = f.GetString("verdict");
            switch (fate)
            {
                case "restored":
                    Assert.Equal(0, still);
                    Assert.Equal("restored", verdict);
                    break;
                case "partly":
                    Assert.InRange((double)still / pixels, 0.3, 0.7);
                    Assert.Equal("partly restored", verdict);
                    break;
                case "untouched" or "rubble":
                    Assert.Equal(pixels, still);
                    Assert.Equal("not restored", verdict);
                    break;
                case "clouded":
                    Assert.Equal(1.0, f.GetDouble("cloud_share"));
                    Assert.True(nodata >= pixels - 2, $"{jcbh}: {nodata} of {pixels} pixels under cloud");
                    Assert.Equal("cannot tell", verdict);
                    break;
                default:
                    Assert.Fail($"{jcbh}: unknown fate {fate}");
                    break;
            }
            if (fate != "clouded")
            {
                Assert.Equal(0.0, f.GetDouble("cloud_share"));
                Assert.Equal(0, nodata);
            }
        }
    }
}
