using System.Text.Json;
using NetTopologySuite.IO;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;
using WeiPian.Engine.Training;

namespace WeiPian.Engine.Tests.Training;

/// <summary>export-training on a synthesised history: the chips, masks, index and splits checked against GDAL and the truth.</summary>
public class TrainingExportTests(TrainingWorld world) : IClassFixture<TrainingWorld>
{
    private List<JsonElement> Rows => TrainingWorld.Rows(world.Export);

    private static PixelWindow Window(JsonElement row)
    {
        var w = row.GetProperty("window");
        return new PixelWindow(w.GetProperty("x").GetInt32(), w.GetProperty("y").GetInt32(), w.GetProperty("width").GetInt32(), w.GetProperty("height").GetInt32());
    }

    [Fact]
    public void WritesEveryKindInEverySplit()
    {
        var rows = Rows;
        Assert.Equal(world.Counts.Total, rows.Count);
        Assert.Equal(["false-change", "positive", "unchanged"], rows.Select(r => r.GetProperty("kind").GetString()).Distinct().Order());
        Assert.Equal(["test", "train", "validation"], rows.Select(r => r.GetProperty("split").GetString()).Distinct().Order());
        Assert.Equal(0, world.Counts.PolygonsOffImages);
        Assert.True(world.Counts.Of(ChipKind.Positive) >= 5, $"{world.Counts.Of(ChipKind.Positive)} positive chips, {world.Counts.Straddling} straddling, {world.Counts.Polygons} polygons");
    }

    [Fact]
    public void ChipsOpenInGdalWithTheCardsBandsNativeTypeAndGeoreference()
    {
        using var before = RasterDataset.Open(world.SceneFile("before.tif"));
        using var after = RasterDataset.Open(world.SceneFile("after.tif"));
        foreach (var row in Rows)
        {
            var window = Window(row);
            foreach (var (file, source) in new[] { (row.GetProperty("before").GetString()!, before), (row.GetProperty("after").GetString()!, after) })
            {
                using var chip = RasterDataset.Open(Path.Combine(world.Export, file));
                Assert.Equal((4, 64, 64), (chip.BandCount, chip.Width, chip.Height));
                Assert.Equal(["B", "G", "R", "NIR"], Enumerable.Range(1, 4).Select(chip.BandDescription));
                Assert.Equal([ColorInterpretation.Blue, ColorInterpretation.Green, ColorInterpretation.Red, ColorInterpretation.Undefined], Enumerable.Range(1, 4).Select(chip.ColorInterpretation));
                Assert.All(Enumerable.Range(1, 4), b => Assert.Equal(RasterDataType.UInt16, chip.DataType(b)));
                Assert.Equal(source.GeoTransform.Offset(window.X, window.Y), chip.GeoTransform);
                Assert.True(chip.SpatialReference!.IsSame(source.SpatialReference!));
                Assert.Equal(source.NoData(1), chip.NoData(1));
                var expected = new ushort[4 * 64 * 64];
                var actual = new ushort[4 * 64 * 64];
                source.ReadBands<ushort>(window, expected);
                chip.ReadBands<ushort>(chip.Extent, actual);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void MaskEqualsGdalRasterizeOfTheRealChangesExceptUnderNodata()
    {
        using var truth = VectorDataset.Open(world.SceneFile("truth.gpkg"));
        var source = truth.Layer("truth");
        using var mem = VectorDataset.CreateInMemory();
        var real = mem.CreateLayer("real", GeometryKind.MultiPolygon, source.SpatialReference, [new FieldDefinition("class_id", FieldKind.Integer)]);
        var i = 0;
        foreach (var f in source.Features())
            if (!TrainingWorld.IsFalse(i++)) real.Add(f.Wkb, [f.GetInt64("class_id")]);
        using var before = RasterDataset.Open(world.SceneFile("before.tif"));
        using var after = RasterDataset.Open(world.SceneFile("after.tif"));
        long changed = 0, ignored = 0;
        foreach (var row in Rows)
        {
            var window = Window(row);
            using var chip = RasterDataset.Open(Path.Combine(world.Export, row.GetProperty("mask").GetString()!));
            Assert.Equal((1, RasterDataType.Byte, 255.0), (chip.BandCount, chip.DataType(1), chip.NoData(1)));
            var mask = new byte[64 * 64];
            chip.Read<byte>(1, chip.Extent, mask);
            using var reference = RasterDataset.CreateInMemory(64, 64, 1, RasterDataType.Byte);
            reference.GeoTransform = chip.GeoTransform;
            GdalReference.RasterizeLayers(reference, 1, [real], [], attribute: "class_id");
            var gdal = new byte[64 * 64];
            reference.Read<byte>(1, reference.Extent, gdal);
            var validBefore = new byte[64 * 64];
            var validAfter = new byte[64 * 64];
            before.ReadMask(1, window, validBefore);
            after.ReadMask(1, window, validAfter);
            for (var p = 0; p < mask.Length; p++)
            {
                var nodata = validBefore[p] == 0 || validAfter[p] == 0;
                Assert.Equal(nodata ? (byte)255 : gdal[p], mask[p]);
                if (mask[p] is > 0 and < 255) changed++;
                if (mask[p] == 255) ignored++;
            }
        }
        Assert.True(changed > 1000, $"only {changed} changed pixels in the masks");
        Assert.True(world.Counts.Of(ChipKind.FalseChange) > 0);
    }

    [Fact]
    public void NoChipOfOneSplitOverlapsAChipOfAnother()
    {
        var rows = Rows.Select(r =>
        {
            var b = r.GetProperty("bounds").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            return (Split: r.GetProperty("split").GetString(), MinX: b[0], MinY: b[1], MaxX: b[2], MaxY: b[3]);
        }).ToList();
        var pairs = 0;
        foreach (var a in rows)
            foreach (var b in rows.Where(b => b.Split != a.Split))
            {
                pairs++;
                var overlap = Math.Min(a.MaxX, b.MaxX) > Math.Max(a.MinX, b.MinX) && Math.Min(a.MaxY, b.MaxY) > Math.Max(a.MinY, b.MinY);
                Assert.False(overlap, $"a {a.Split} chip overlaps a {b.Split} chip");
            }
        Assert.True(pairs > 0);
        Assert.True(world.Counts.Straddling > 0, "no chip straddled two splits: the test does not exercise the rule");
    }

    [Fact]
    public void IndexRowsMatchTheFilesAndTheSummary()
    {
        var rows = Rows;
        foreach (var sub in new[] { "before", "after", "mask" })
            Assert.Equal(rows.Count, Directory.GetFiles(Path.Combine(world.Export, sub)).Length);
        Assert.Equal(rows.Count, rows.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        foreach (var row in rows)
        {
            using var chip = RasterDataset.Open(Path.Combine(world.Export, row.GetProperty("mask").GetString()!));
            var mask = new byte[64 * 64];
            chip.Read<byte>(1, chip.Extent, mask);
            var counts = row.GetProperty("class_pixels");
            for (var c = 0; c < world.Card.ClassCount; c++)
                Assert.Equal(mask.Count(v => v == c), counts.GetProperty(c.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt64());
            Assert.Equal(mask.Count(v => v == 255), row.GetProperty("ignore_pixels").GetInt64());
            Assert.Equal("syn", row.GetProperty("scene").GetString());
            var kind = row.GetProperty("kind").GetString();
            Assert.Equal(kind == "unchanged", row.GetProperty("polygon").ValueKind == JsonValueKind.Null);
            if (kind == "unchanged") Assert.Equal(64 * 64 - mask.Count(v => v == 255), counts.GetProperty("0").GetInt64());
        }
        using var summary = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(world.Export, "export.json")));
        var chips = summary.RootElement.GetProperty("chips");
        foreach (var split in chips.EnumerateObject())
            foreach (var kind in split.Value.EnumerateObject())
                Assert.Equal(rows.Count(r => r.GetProperty("split").GetString() == split.Name && r.GetProperty("kind").GetString() == kind.Name), kind.Value.GetInt32());
        Assert.Equal("spectral-v1", summary.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void EdgeBandIsIgnoredAndTheRestOfTheMaskIsUnchanged()
    {
        var output = world.File("edge");
        TrainingExport.Run(world.Manifest, world.Verified, world.Card, output, TrainingWorld.Options with { EdgeIgnorePixels = 2 });
        var plain = Rows.Where(r => r.GetProperty("kind").GetString() == "positive").ToDictionary(r => r.GetProperty("id").GetString()!);
        var compared = 0;
        foreach (var row in TrainingWorld.Rows(output).Where(r => r.GetProperty("kind").GetString() == "positive"))
        {
            var without = plain[row.GetProperty("id").GetString()!];
            Assert.Equal(Window(without), Window(row));
            var a = ReadMask(Path.Combine(world.Export, without.GetProperty("mask").GetString()!));
            var b = ReadMask(Path.Combine(output, row.GetProperty("mask").GetString()!));
            for (var p = 0; p < a.Length; p++)
                if (b[p] != 255) Assert.Equal(a[p], b[p]);
            Assert.True(b.Count(v => v == 255) > a.Count(v => v == 255), "a positive chip with no edge band");
            compared++;
        }
        Assert.True(compared >= 3, $"{compared} positive chips compared");
    }

    [Fact]
    public void SameSeedGivesTheSameIndex()
    {
        var output = world.File("again");
        TrainingExport.Run(world.Manifest, world.Verified, world.Card, output, TrainingWorld.Options);
        Assert.Equal(File.ReadAllText(Path.Combine(world.Export, "index.jsonl")), File.ReadAllText(Path.Combine(output, "index.jsonl")));
    }

    private static byte[] ReadMask(string path)
    {
        using var chip = RasterDataset.Open(path);
        var mask = new byte[chip.Width * chip.Height];
        chip.Read<byte>(1, chip.Extent, mask);
        return mask;
    }
}

/// <summary>A pair whose after date is off the before date's grid, exported with the manifest's <c>align</c>.</summary>
public class AlignedTrainingExportTests(TrainingWorld world) : IClassFixture<TrainingWorld>
{
    [Fact]
    public void AlignedAfterChipsLieOnTheBeforeChipsGrid()
    {
        var shifted = world.File("after-shifted-align.tif");
        using (var after = RasterDataset.Open(world.SceneFile("after.tif"))) after.CopyToGeoTiff(shifted);
        using (var raster = RasterDataset.Open(shifted, update: true))
        {
            var t = raster.GeoTransform;
            raster.GeoTransform = t with { OriginX = t.OriginX + 0.4 * t.PixelWidth };
        }
        var manifest = world.File("aligned.csv");
        File.WriteAllText(manifest, $"key,before,after,align\nsyn,{world.SceneFile("before.tif")},{shifted},yes\n");
        var output = world.File("aligned");
        var counts = TrainingExport.Run(manifest, world.Verified, world.Card, output, TrainingWorld.Options);
        Assert.True(counts.Of(ChipKind.Positive) > 0);
        foreach (var row in TrainingWorld.Rows(output))
        {
            using var before = RasterDataset.Open(Path.Combine(output, row.GetProperty("before").GetString()!));
            using var after = RasterDataset.Open(Path.Combine(output, row.GetProperty("after").GetString()!));
            Assert.Equal(before.GeoTransform, after.GeoTransform);
            Assert.Equal(RasterDataType.UInt16, after.DataType(1));
            // The warped after date is near the original one, not a copy of the before date.
            var a = new ushort[64 * 64];
            var b = new ushort[64 * 64];
            after.Read<ushort>(4, after.Extent, a);
            before.Read<ushort>(4, before.Extent, b);
            Assert.NotEqual(a, b);
        }
    }
}
