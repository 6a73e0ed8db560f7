using WeiPian.Engine.Gdal;
using WeiPian.Engine.Masks;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Masks;

/// <summary>
/// A pair showing clouds that nobody said whether to screen is refused before any tile; bright new surfaces with sharp
/// edges (roofs, greenhouses) are not taken for clouds, and saying either way runs.
/// </summary>
public sealed class CloudCheckTests(CloudedPairFixture fx) : IClassFixture<CloudedPairFixture>
{
    private const int Size = 512;

    [Fact]
    public async Task UnscreenedCloudsAreRefusedNamingTheCloudyDateAndSayingEitherWayRuns()
    {
        using var detector = new ChangeDetector(SampleDetection.Model);
        var e = await Assert.ThrowsAsync<InputException>(() => Count(detector, fx.Pair, new DetectionOptions()));
        Assert.Equal(nameof(DetectionOptions.CloudScreen), e.Setting);
        Assert.StartsWith($"'{fx.Pair.After}': ", e.Message, StringComparison.Ordinal);
        Assert.Contains("are cloud on it", e.Message, StringComparison.Ordinal);
        Assert.True(await Count(detector, fx.Pair, new DetectionOptions { CloudScreen = false }) > 0);
        Assert.True(await Count(detector, fx.Pair, new DetectionOptions { CloudScreen = true }) > 0);
    }

    [Fact]
    public void SharpEdgedWhiteRoofsAreNotCloudsAndAPaintedCloudIs()
    {
        using var dir = new TempDir();
        SceneSynthesizer.Run(new SynthOptions { Size = Size, Seed = 1004, WriteShapefiles = false, Clouds = CloudMode.None }, dir.Path);
        string before = dir.File("before.tif"), after = dir.File("after.tif");
        Check(before, after);

        // Six new white roofs, 3 % of the scene, as bright and white as the painted clouds, with sharp edges.
        using (var ds = RasterDataset.Open(after, update: true))
        {
            var plane = new ushort[Size * Size];
            ushort[] white = [640, 655, 670, 630];
            for (var b = 0; b < 4; b++)
            {
                ds.Read<ushort>(b + 1, ds.Extent, plane);
                for (var k = 0; k < 6; k++)
                    for (var y = 40 + 70 * k; y < 40 + 70 * k + 30; y++)
                        for (var x = 60 + 50 * k; x < 60 + 50 * k + 45; x++)
                            plane[y * Size + x] = white[b];
                ds.Write<ushort>(b + 1, ds.Extent, plane);
            }
        }
        Check(before, after);

        CloudPainter.Paint(after, [new CloudPainter.Cloud(380, 120, 40, -60, -45)], seed: 2);
        var e = Assert.Throws<InputException>(() => Check(before, after));
        Assert.Equal(nameof(DetectionOptions.CloudScreen), e.Setting);
    }

    private static void Check(string before, string after)
    {
        using var b = Scene.Open(before);
        using var a = Scene.Open(after);
        var region = PixelWindow.Full(Size, Size);
        CloudCheck.RefuseUnscreened(b, region, a, region, 1023);
    }

    private static async Task<int> Count(ChangeDetector detector, ScenePair pair, DetectionOptions options)
    {
        var n = 0;
        await foreach (var _ in detector.DetectAsync(pair, null, options with { AllLand = true })) n++;
        return n;
    }
}
