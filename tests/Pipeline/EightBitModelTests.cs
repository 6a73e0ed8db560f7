using System.Text.Json.Nodes;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// A model of an 8-bit R,G,B world (tests/Fixtures/models/stacked-rgb8-change.onnx, card scaling min 0 max 255) through
/// the whole pipeline on 4-band B,G,R,NIR scenes: the red band is chosen by role, 8-bit scenes are scaled by the card's
/// 0..255, 10-bit scenes are refused under that card (most of their red would be clamped at 255) and match the 8-bit
/// result under a sidecar saying max 1023.
/// The model is a 1x1 convolution: change where red rises by at least a quarter of the card's range
/// (63.75 DN at 8 bits, 255.75 DN at 10 bits).
/// </summary>
public class EightBitModelTests
{
    private const int Block = 32, Columns = 3, Rows = 2;

    /// <summary>Red before/after and blue before/after (8-bit) per 32 x 32 block; blue moves where red does not, so a model fed the wrong band would flip them.</summary>
    private static readonly (int RedBefore, int RedAfter, int BlueBefore, int BlueAfter)[] Blocks =
    [
        (50, 200, 100, 100),  // red +150: change
        (100, 140, 20, 250),  // red +40: none (blue +230)
        (10, 80, 200, 10),    // red +70: change (blue falls)
        (120, 180, 60, 60),   // red +60: none, just under 63.75
        (200, 100, 30, 220),  // red falls: none (blue +190)
        (30, 255, 90, 90),    // red +225: change
    ];

    private static readonly bool[] ExpectedChange = [true, false, true, false, false, true];

    [Fact]
    public void EightBitSceneIsScaledByTheCardsRange()
    {
        using var dir = new TempDir();
        var pair = WritePair(dir, RasterDataType.Byte, scale: 1);
        AssertBlocks(ExpectedChange, ClassRaster(TestModels.StackedRgb8, pair, dir));
    }

    [Fact]
    public void TenBitSceneWithASidecarSayingMax1023GivesTheEightBitResult()
    {
        using var dir = new TempDir();
        var pair = WritePair(dir, RasterDataType.UInt16, scale: 4);
        var model = TestModels.CopyModel(TestModels.StackedRgb8, dir);
        var card = JsonNode.Parse(File.ReadAllText(ChangeModel.SidecarPath(TestModels.StackedRgb8)))!;
        card["input"]!["scaling"]!["max"] = new JsonArray(1023);
        File.WriteAllText(ChangeModel.SidecarPath(model), card.ToJsonString());
        Assert.Equal(1023, ChangeModel.ReadCard(model).Input.Scaling.Max[0]);
        AssertBlocks(ExpectedChange, ClassRaster(model, pair, dir));
    }

    [Fact]
    public void TenBitSceneUnderTheEightBitCardIsRefusedBeforeAnyTile()
    {
        using var dir = new TempDir();
        var pair = WritePair(dir, RasterDataType.UInt16, scale: 4);
        // Red at 4 x (50, 100, 10, 120, 200, 30): half the before date's red lies above the card's 255 and would be
        // clamped flat there (block 0's rise 200 -> 800 would read as +55), so the run stops before the model runs.
        var e = Assert.Throws<InputException>(() => ClassRaster(TestModels.StackedRgb8, pair, dir));
        Assert.Equal("Radiometry", e.Setting);
        Assert.Contains(pair.Before, e.Message, StringComparison.Ordinal);
        Assert.Contains("above the card's max 255", e.Message, StringComparison.Ordinal);
    }

    private static void AssertBlocks(bool[] expected, byte[] classes)
    {
        for (var k = 0; k < Blocks.Length; k++)
        {
            int x0 = k % Columns * Block, y0 = k / Columns * Block;
            var want = expected[k] ? (byte)1 : (byte)0;
            var wrong = 0;
            for (var y = y0; y < y0 + Block; y++)
                for (var x = x0; x < x0 + Block; x++)
                    if (classes[y * Columns * Block + x] != want) wrong++;
            Assert.True(wrong == 0, $"block {k} {Blocks[k]}: {wrong} pixels are not class {want}");
        }
    }

    /// <summary>Before and after 4-band B,G,R,NIR GeoTIFFs (1 m, EPSG:4546) with the blocks' values times <paramref name="scale"/>.</summary>
    private static ScenePair WritePair(TempDir dir, RasterDataType type, int scale)
    {
        string Write(string name, bool after)
        {
            int w = Columns * Block, h = Rows * Block;
            var bands = new ushort[4][];
            for (var b = 0; b < 4; b++) bands[b] = new ushort[w * h];
            for (var y = 0; y < h; y++)
                for (var x = 0; x < w; x++)
                {
                    var (rb, ra, bb, ba) = Blocks[y / Block * Columns + x / Block];
                    var i = y * w + x;
                    bands[0][i] = (ushort)(scale * (after ? ba : bb));
                    // Green and NIR, which the model does not read, carry a one-DN checkerboard: a constant band is refused as no data.
                    bands[1][i] = (ushort)(scale * (90 + ((x + y) & 1)));
                    bands[2][i] = (ushort)(scale * (after ? ra : rb));
                    bands[3][i] = (ushort)(scale * (120 + ((x + y) & 1)));
                }
            var path = dir.File(name);
            using var ds = RasterDataset.CreateGeoTiff(path, w, h, 4, type);
            ds.GeoTransform = GeoTransform.NorthUp(521000, 3374000, 1.0);
            ds.SpatialReference = SpatialReference.FromEpsg(4546);
            string[] roles = ["B", "G", "R", "NIR"];
            for (var b = 0; b < 4; b++)
            {
                ds.SetBandDescription(b + 1, roles[b]);
                if (type == RasterDataType.Byte) ds.Write<byte>(b + 1, ds.Extent, bands[b].Select(v => (byte)v).ToArray());
                else ds.Write<ushort>(b + 1, ds.Extent, bands[b]);
            }
            return path;
        }
        return new ScenePair(Write($"before-{type}.tif", after: false), Write($"after-{type}.tif", after: true))
        {
            BeforeDate = new DateOnly(2025, 4, 13), AfterDate = new DateOnly(2025, 8, 8),
        };
    }

    /// <summary>Band 1 (class) of the class raster of an all-land run at the card's tile.</summary>
    private static byte[] ClassRaster(string model, ScenePair pair, TempDir dir)
    {
        using var loaded = ChangeModel.Load(model, new InferenceOptions { IntraOpThreads = 1 });
        return ClassRasterRun.Band(loaded, pair, dir.File($"class-{Guid.NewGuid():N}.tif"));
    }
}
