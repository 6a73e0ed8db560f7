using NetTopologySuite.IO;
using SkiaSharp;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Output;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Output;

public class ChipWriterTests
{
    [Fact]
    public void AChipThatFailsOnItsThreadIsThrownByFinish()
    {
        using var dir = new TempDir();
        var folder = Path.Combine(dir.Path, "chips");
        using var chips = new ChipWriter(folder, Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif"));
        Directory.Delete(folder); // the renderers can no longer create their files
        foreach (var t in SampleTruthAsTubans().Take(3)) chips.Add(t);
        var e = Assert.Throws<InputException>(chips.Finish);
        Assert.Contains($"the folder '{folder}' does not exist", e.Message);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void DisposedWithoutFinishItStopsAndLeavesOnlyWholeChips()
    {
        using var dir = new TempDir();
        var tubans = SampleTruthAsTubans().ToList();
        using (var chips = new ChipWriter(dir.Path, Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif")))
            foreach (var t in tubans) chips.Add(t);
        // A stopped run: no index, and whatever chips were drawn are complete PNGs under their final names.
        Assert.False(File.Exists(dir.File("index.html")));
        foreach (var f in Directory.GetFiles(dir.Path))
        {
            Assert.EndsWith(".png", f);
            using var png = SKBitmap.Decode(f);
            Assert.Equal((256, 256), (png.Width, png.Height));
        }
    }

    [Fact]
    public void WritesFourChipsPerPolygonAndAnIndex()
    {
        using var dir = new TempDir();
        var tubans = SampleTruthAsTubans().Take(3).ToList();
        using (var chips = new ChipWriter(dir.Path, Path.Combine(TestPaths.SampleTiles, "before.tif"), Path.Combine(TestPaths.SampleTiles, "after.tif")))
        {
            foreach (var t in tubans) chips.Add(t);
            chips.Finish();
        }
        var html = File.ReadAllText(dir.File("index.html"));
        foreach (var t in tubans)
        {
            Assert.Contains(t.Jcbh, html);
            var names = ChipWriter.FileNames(t.Jcbh);
            foreach (var f in new[] { names.Before, names.After, names.BeforeNir, names.AfterNir })
            {
                Assert.Contains(f, html);
                using var png = SKBitmap.Decode(dir.File(f));
                Assert.Equal((256, 256), (png.Width, png.Height));
            }
            // The before and after chips of a planted change must differ: the change is there after only.
            using var before = SKBitmap.Decode(dir.File(names.Before));
            using var after = SKBitmap.Decode(dir.File(names.After));
            var differing = 0;
            for (var y = 32; y < 224; y += 4)
                for (var x = 32; x < 224; x += 4)
                    if (before.GetPixel(x, y) != after.GetPixel(x, y)) differing++;
            Assert.True(differing > 100, $"{t.Jcbh}: before and after chips look the same");
        }
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*partial*"));
    }

    internal static IEnumerable<Tuban> SampleTruthAsTubans()
    {
        using var ds = VectorDataset.Open(Path.Combine(TestPaths.SampleTiles, "truth.gpkg"));
        var reader = new WKBReader();
        var i = 0;
        foreach (var f in ds.Layer("truth").Features().ToList())
        {
            var g = reader.Read(f.Wkb);
            var p = g.InteriorPoint;
            yield return new Tuban
            {
                Jcbh = $"420583WP25{++i:00000}", Xzqdm = "420583", Tblx = f.GetString("TBLX")!, Qsx = "20250413", Hsx = "20250808",
                Qqjh = "before", Dqjh = "after", Jcmj = g.Area, Jcgdmj = g.Area, Yjjbntmj = 0, Sfyn = false, X = p.X, Y = p.Y,
                Lzb = 111.5, Bzb = 30.5, Zdbh = "truth", Zdlx = f.GetString("class_name")!, Fxfs = "test",
                Confidence = 1, ClassId = (int)f.GetInt64("class_id")!.Value, ClassName = f.GetString("class_name")!, Geometry = g,
            };
        }
    }
}
