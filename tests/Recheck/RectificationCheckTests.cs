using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Recheck;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Tests.Recheck;

/// <summary>
/// The recheck's mechanics: shares and verdicts on a hand-made case, cloud and image edges, running only the covering
/// tiles against the whole scene and against the detector, streaming, outputs and bad input. The tiny test model's
/// classes mean nothing, so verdicts that rest on the model are tested in <see cref="RecheckAccuracyTests"/>.
/// </summary>
public class RectificationCheckTests(RecheckWorld world, RecheckSynthFixture synth) : IClassFixture<RecheckWorld>, IClassFixture<RecheckSynthFixture>
{
    private static async Task<Dictionary<string, RecheckResult>> ByJcbh(IAsyncEnumerable<RecheckResult> results)
    {
        var map = new Dictionary<string, RecheckResult>();
        await foreach (var r in results) map.Add(r.Jcbh, r);
        return map;
    }

    [Fact]
    public async Task IndicesAloneJudgeTheHandMadeCases()
    {
        var r = await ByJcbh(RectificationCheck.RunAsync(world.PolygonsPath, world.Newest, referenceImage: null, modelPath: null));
        Assert.Equal(RecheckWorld.Polygons.Select(p => p.Jcbh).Order(), r.Keys.Order());
        Assert.All(r.Values, x =>
        {
            Assert.Equal(RecheckBasis.Indices, x.Basis);
            Assert.Equal("indices", x.Method);
            Assert.Equal("20250620", x.NewestDate);
            Assert.Equal(1600, x.Pixels);
            Assert.Equal(1600 * 0.64, x.Area, 6);
            Assert.Equal("20", x.Polygon.Tblx);
            Assert.Equal("20240901", x.Polygon.Hsx);
            Assert.Empty(x.ClassShares);
        });

        Assert.Equal(RecheckVerdict.Restored, r["RESTORED"].Verdict);
        Assert.Equal((0.0, 0.0, 1.0, 1.0), (r["RESTORED"].ObscuredShare, r["RESTORED"].ChangedShare, r["RESTORED"].VegetationShare, r["RESTORED"].BackShare));

        Assert.Equal(RecheckVerdict.NotRestored, r["ROOF"].Verdict);
        Assert.Equal((1.0, 0.0), (r["ROOF"].ChangedShare, r["ROOF"].CultivatedShare));

        Assert.Equal(RecheckVerdict.PartlyRestored, r["HALF"].Verdict);
        Assert.Equal((0.5, 0.0, 0.5), (r["HALF"].ChangedShare, r["HALF"].VegetationShare, r["HALF"].CultivatedShare));

        // Cloud over a polygon is never "restored", whatever shows around it.
        Assert.Equal(RecheckVerdict.CannotTell, r["CLOUD"].Verdict);
        Assert.Equal(1.0, r["CLOUD"].ObscuredShare);
        Assert.True(double.IsNaN(r["CLOUD"].ChangedShare));

        // A little cloud is tolerated: judged on what shows.
        Assert.Equal(RecheckVerdict.Restored, r["SPECK"].Verdict);
        Assert.Equal(0.1, r["SPECK"].ObscuredShare, 12);

        // Off the image counts as obscured.
        Assert.Equal(RecheckVerdict.CannotTell, r["EDGE"].Verdict);
        Assert.Equal(0.5, r["EDGE"].ObscuredShare, 12);
        Assert.Equal(RecheckVerdict.CannotTell, r["OUTSIDE"].Verdict);
        Assert.Equal(1.0, r["OUTSIDE"].ObscuredShare);
    }

    [Fact]
    public async Task WithAReferenceTheModelJudgesAndObscuredStaysCannotTell()
    {
        var r = await ByJcbh(RectificationCheck.RunAsync(world.PolygonsPath, world.Newest, world.Reference, TestModels.PairLogits));
        Assert.All(r.Values, x =>
        {
            Assert.Equal(RecheckBasis.Model, x.Basis);
            Assert.Equal("test-pair-logits@1.0.0", x.Method);
            Assert.Equal("20240310", x.ReferenceDate);
        });
        foreach (var jcbh in new[] { "CLOUD", "EDGE", "OUTSIDE" }) Assert.Equal(RecheckVerdict.CannotTell, r[jcbh].Verdict);
        foreach (var x in r.Values.Where(x => x.ObscuredShare < 1))
        {
            Assert.Equal(4, x.ClassShares.Count);
            Assert.Equal(1.0, x.ModelRestoredShare + x.ClassShares.Sum(s => s.Share), 9);
            // Still changed: the model's change, or not back to cultivation by the indices.
            Assert.True(x.ChangedShare >= 1 - x.ModelRestoredShare - 1e-12 && x.ChangedShare >= 1 - x.BackShare - 1e-12);
        }
        Assert.Equal(1.0, r["ROOF"].ChangedShare);
    }

    [Fact]
    public async Task PolygonsInAnotherCrsAreReprojected()
    {
        var path = world.File("earlier-4490.gpkg");
        using (var ds = VectorDataset.Create(path, "GPKG"))
        {
            var layer = ds.CreateLayer("tuban", GeometryKind.Polygon, SpatialReference.FromEpsg(4490), [new FieldDefinition("JCBH", FieldKind.String, 30)]);
            using var t = new CoordinateTransform(SpatialReference.FromEpsg(4546), SpatialReference.FromEpsg(4490));
            var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
            foreach (var (jcbh, x, y, w, h) in RecheckWorld.Polygons)
            {
                var g = RecheckWorld.Rectangle(x, y, w, h).Copy();
                g.Apply(new Transformer(t));
                layer.Add(wkb.Write(g), [jcbh]);
            }
        }
        var projected = await ByJcbh(RectificationCheck.RunAsync(world.PolygonsPath, world.Newest, null, null));
        var geographic = await ByJcbh(RectificationCheck.RunAsync(path, world.Newest, null, null));
        foreach (var (jcbh, a) in projected)
        {
            Assert.Equal(a.Verdict, geographic[jcbh].Verdict);
            Assert.Equal(a.Area, geographic[jcbh].Area, 0);
        }
    }

    [Fact]
    public async Task CoveringTilesGiveTheWholeSceneResultsWithFewerTiles()
    {
        using var dir = new TempDir();
        using var check = new RectificationCheck(TestModels.PairLogits);
        var images = new RecheckImages(synth.File("newest.tif")) { Reference = synth.File("before.tif") };
        var polygons = synth.File("recheck_truth.gpkg");
        var some = new RecheckOptions { Layer = "recheck_truth" };
        var tiles = await check.CheckToFileAsync(polygons, images, dir.File("tiles.gpkg"), some);
        var whole = await check.CheckToFileAsync(polygons, images, dir.File("whole.gpkg"), some with { WholeScene = true });

        Assert.Equal(whole.TilesInScene, whole.TilesRun);
        Assert.True(tiles.TilesRun < tiles.TilesInScene, $"{tiles.TilesRun} tiles run of {tiles.TilesInScene}");
        Assert.True(tiles.Results.Count >= 10);
        var a = tiles.Results.OrderBy(r => r.Jcbh).ToList();
        var b = whole.Results.OrderBy(r => r.Jcbh).ToList();
        Assert.Equal(a.Select(r => r.Jcbh), b.Select(r => r.Jcbh));
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Verdict, b[i].Verdict);
            Assert.Equal(a[i].ChangedShare, b[i].ChangedShare);
            Assert.Equal(a[i].MarginChangedShare, b[i].MarginChangedShare);
            Assert.Equal(a[i].ClassShares, b[i].ClassShares);
        }
    }

    [Fact]
    public async Task ClassesEqualTheDetectorsWholeSceneRun()
    {
        using var dir = new TempDir();
        var classRaster = dir.File("classes.tif");
        using (var detector = new ChangeDetector(TestModels.PairLogits))
            await detector.DetectToFileAsync(new ScenePair(synth.File("before.tif"), synth.File("newest.tif")), null, dir.File("t.gpkg"),
                new DetectionOptions { AllLand = true, ClassRasterPath = classRaster });
        var results = await ByJcbh(RectificationCheck.RunAsync(synth.File("recheck_truth.gpkg"), synth.File("newest.tif"), synth.File("before.tif"),
            TestModels.PairLogits, new RecheckOptions { Layer = "recheck_truth" }));

        using var classes = RasterDataset.Open(classRaster);
        using var newest = RasterDataset.Open(synth.File("newest.tif"));
        var checkedShares = 0;
        foreach (var r in results.Values)
        {
            var e = r.Geometry.EnvelopeInternal;
            var t = classes.GeoTransform;
            var (c0, r0) = t.WorldToPixel(e.MinX, e.MaxY);
            var (c1, r1) = t.WorldToPixel(e.MaxX, e.MinY);
            var w = new PixelWindow((int)Math.Floor(c0), (int)Math.Floor(r0), (int)Math.Ceiling(c1) - (int)Math.Floor(c0), (int)Math.Ceiling(r1) - (int)Math.Floor(r0));
            var n = (int)w.PixelCount;
            var mask = new byte[n];
            PolygonRasterizer.Burn(r.Geometry, t.Offset(w.X, w.Y), w.Width, w.Height, mask);
            var cls = new byte[n];
            var blue = new ushort[n];
            classes.Read<byte>(1, w, cls);
            newest.Read<ushort>(1, w, blue);
            var counts = new long[5];
            long visible = 0;
            for (var i = 0; i < n; i++)
            {
                if (mask[i] == 0 || blue[i] == 0) continue;
                visible++;
                counts[cls[i] == ClassRasterLegend.NotAssessed ? 0 : cls[i]]++; // no result: no change, as the recheck counts it
            }
            Assert.Equal(r.Pixels, mask.Count(m => m != 0));
            if (visible == 0) continue;
            foreach (var s in r.ClassShares) Assert.Equal((double)counts[s.ClassId] / visible, s.Share, 12);
            checkedShares++;
        }
        Assert.True(checkedShares >= 10);
    }

    [Fact]
    public void ResultsStreamOutBeforeTheLastTile()
    {
        using var model = ChangeModel.Load(TestModels.PairLogits);
        var images = new RecheckImages(synth.File("newest.tif")) { Reference = synth.File("before.tif") };
        using var run = new RecheckRun(model, null, synth.File("recheck_truth.gpkg"), images, new RecheckOptions { Layer = "recheck_truth" });
        var tilesWhenJudged = new List<long>();
        run.Execute(_ => tilesWhenJudged.Add(run.TilesRun), null, CancellationToken.None);
        Assert.Equal(run.Polygons.Count, tilesWhenJudged.Count);
        Assert.Equal(run.TilesPlanned, run.TilesRun);
        Assert.True(tilesWhenJudged[0] < run.TilesPlanned / 2, $"first polygon judged after {tilesWhenJudged[0]} of {run.TilesPlanned} tiles");
        Assert.Equal(tilesWhenJudged.Order(), tilesWhenJudged);
    }

    [Fact]
    public async Task StoppingEarlyStopsTheWork()
    {
        using var check = new RectificationCheck(TestModels.PairLogits);
        var images = new RecheckImages(synth.File("newest.tif")) { Reference = synth.File("before.tif") };
        await foreach (var _ in check.CheckAsync(synth.File("recheck_truth.gpkg"), images, new RecheckOptions { Layer = "recheck_truth" })) break;
        // The instance is free again, and a second check runs to the end.
        var n = 0;
        await foreach (var _ in check.CheckAsync(synth.File("recheck_truth.gpkg"), images, new RecheckOptions { Layer = "recheck_truth" })) n++;
        Assert.True(n >= 10);
    }

    [Fact]
    public async Task WritesGeoPackageShapefileAndChips()
    {
        using var dir = new TempDir();
        using var check = new RectificationCheck(TestModels.PairLogits);
        var images = new RecheckImages(world.Newest) { Reference = world.Reference, After = world.Newest };
        var chips = dir.File("chips");
        var summary = await check.CheckToFileAsync(world.PolygonsPath, images, dir.File("recheck.gpkg"), new RecheckOptions { ChipsDirectory = chips });
        await check.CheckToFileAsync(world.PolygonsPath, images, dir.File("recheck.shp"));
        Assert.Equal(RecheckWorld.Polygons.Count, summary.Results.Count);
        Assert.Equal(3, summary.ByVerdict[RecheckVerdict.CannotTell]);

        using (var gpkg = VectorDataset.Open(dir.File("recheck.gpkg")))
        {
            var layer = gpkg.Layer(RecheckWriter.LayerName);
            Assert.Equal(RecheckWorld.Polygons.Count, layer.FeatureCount);
            var card = ChangeModel.ReadCard(TestModels.PairLogits);
            Assert.Equal(RecheckWriter.Fields(card).Select(f => f.Name), layer.Fields.Select(f => f.Name));
            var cloud = layer.Features().Single(f => f.GetString("JCBH") == "CLOUD");
            Assert.Equal("cannot tell", cloud.GetString("verdict"));
            Assert.Equal("无法判断", cloud.GetString("ZGZT"));
            Assert.Null(cloud["changed"]);
            Assert.Equal(1.0, cloud.GetDouble("obscured"));
        }
        using (var shp = VectorDataset.Open(dir.File("recheck.shp")))
        {
            var layer = shp.Layer(0);
            Assert.All(layer.Fields, f => Assert.True(f.Name.Length <= 10));
            Assert.Equal(RecheckWriter.Fields(ChangeModel.ReadCard(TestModels.PairLogits)).Select(f => f.Name), layer.Fields.Select(f => f.Name));
            Assert.Equal("未整改", layer.Features().Single(f => f.GetString("JCBH") == "ROOF").GetString("ZGZT"));
        }
        foreach (var (jcbh, _, _, _, _) in RecheckWorld.Polygons)
            foreach (var suffix in new[] { "reference", "after", "newest", "newest_nir" })
                Assert.True(File.Exists(Path.Combine(chips, $"{jcbh}_{suffix}.png")), $"{jcbh}_{suffix}.png");
        var html = File.ReadAllText(Path.Combine(chips, "index.html"));
        Assert.Contains("ROOF_newest.png", html);
        Assert.Contains("未整改", html);
    }

    [Fact]
    public async Task BadInputIsRefusedBeforeWorkWithTheFileNamed()
    {
        using var dir = new TempDir();
        var e1 = await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var _ in RectificationCheck.RunAsync(world.PolygonsPath, world.Newest, world.Reference, modelPath: null)) { }
        });
        Assert.Contains("model", e1.Message);

        var e2 = await Assert.ThrowsAsync<FileNotFoundException>(async () =>
        {
            await foreach (var _ in RectificationCheck.RunAsync(world.PolygonsPath, dir.File("missing.tif"), null, null)) { }
        });
        Assert.Contains("missing.tif", e2.Message);

        var e3 = await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var _ in RectificationCheck.RunAsync(world.PolygonsPath, world.Newest, null, null, new RecheckOptions { Layer = "nope" })) { }
        });
        Assert.Contains("nope", e3.Message);

        // A reference off the newest's pixel grid by half a pixel.
        var shifted = dir.File("shifted.tif");
        using (var src = RasterDataset.Open(world.Reference)) src.CopyToGeoTiff(shifted);
        using (var ds = RasterDataset.Open(shifted, update: true))
            ds.GeoTransform = GeoTransform.NorthUp(RecheckWorld.Left + 0.4, RecheckWorld.Top, RecheckWorld.Gsd);
        var e4 = await Assert.ThrowsAsync<PixelGridException>(async () =>
        {
            await foreach (var _ in RectificationCheck.RunAsync(world.PolygonsPath, world.Newest, shifted, TestModels.PairLogits)) { }
        });
        Assert.Contains("shifted.tif", e4.Message);
    }

    private sealed class Transformer(CoordinateTransform t) : NetTopologySuite.Geometries.ICoordinateSequenceFilter
    {
        public bool Done => false;
        public bool GeometryChanged => true;

        public void Filter(NetTopologySuite.Geometries.CoordinateSequence seq, int i)
        {
            var (x, y) = t.Transform(seq.GetX(i), seq.GetY(i));
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
