using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// QSX, HSX and JCBH's year come from the dates: given, recorded in the file, or in a product name; a scene whose
/// date cannot be found is refused, naming the file and the setting, instead of getting today's year.
/// </summary>
public sealed class AcquisitionDateTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The sample scene's pixels and georeferencing under another name, without any date in the file.</summary>
    internal static string CopyWithoutDate(string source, string path)
    {
        using var src = RasterDataset.Open(source);
        using var dst = RasterDataset.CreateGeoTiff(path, src.Width, src.Height, src.BandCount, RasterDataType.UInt16);
        dst.GeoTransform = src.GeoTransform;
        dst.SpatialReference = src.SpatialReference;
        var pixels = new ushort[src.Width * src.Height];
        for (var b = 1; b <= src.BandCount; b++)
        {
            src.Read<ushort>(b, src.Extent, pixels);
            dst.Write<ushort>(b, dst.Extent, pixels);
            dst.SetNoData(b, 0);
        }
        return path;
    }

    private ScenePair Undated(string before = "before.tif", string after = "after.tif") =>
        new(CopyWithoutDate(SampleDetection.SamplePath("before.tif"), _dir.File(before)), CopyWithoutDate(SampleDetection.SamplePath("after.tif"), _dir.File(after)))
        {
            Bands = BandOrder.GaofenMultispectral,
        };

    private static Task<List<WeiPian.Engine.Output.Tuban>> Detect(ScenePair pair) => SampleDetection.DetectAllLand(new DetectionOptions(), pair);

    [Fact]
    public async Task SceneWithoutADateIsRefusedNamingTheFile()
    {
        var pair = Undated();
        var e = await Assert.ThrowsAsync<InputException>(() => Detect(pair));
        Assert.Equal(nameof(ScenePair.BeforeDate), e.Setting);
        Assert.StartsWith($"'{pair.Before}' has no acquisition date", e.Message);

        e = await Assert.ThrowsAsync<InputException>(() => Detect(pair with { BeforeDate = new DateOnly(2024, 3, 1) }));
        Assert.Equal(nameof(ScenePair.AfterDate), e.Setting);
        Assert.Contains(pair.After, e.Message);
    }

    [Fact]
    public async Task ProductNamesGiveTheDatesAndJcbhTheAfterYear()
    {
        var pair = Undated("GF2_PMS1_E113.5_N30.6_20230312_L1A0001234567.tif", "GF2_PMS2_E113.5_N30.6_20240901_L1A0001234999.tif");
        var tubans = await Detect(pair);
        Assert.NotEmpty(tubans);
        Assert.All(tubans, t =>
        {
            Assert.Equal("20230312", t.Qsx);
            Assert.Equal("20240901", t.Hsx);
            Assert.Equal("WP24", t.Jcbh[6..10]);
        });
    }

    [Fact]
    public async Task JcbhYearIsTheAfterDateGiven()
    {
        var tubans = await Detect(Undated() with { BeforeDate = new DateOnly(2018, 11, 2), AfterDate = new DateOnly(2019, 5, 1) });
        Assert.NotEmpty(tubans);
        Assert.All(tubans, t => Assert.Equal("000000WP19", t.Jcbh[..10]));
    }

    [Fact]
    public async Task CommandLineNamesTheOption()
    {
        var pair = Undated();
        var (code, stderr) = await CliProcess.RunForErrorAsync(["detect", "--before", pair.Before, "--after", pair.After, "--bands", "B,G,R,NIR",
            "--all-land", "--out", _dir.File("o.gpkg"), "--before-date", "20240301"]);
        Assert.Equal(2, code);
        Assert.StartsWith($"weipian: '{pair.After}' has no acquisition date: ", stderr);
        Assert.EndsWith("give the after date. (--after-date YYYYMMDD)", stderr);
        Assert.False(File.Exists(_dir.File("o.gpkg")));
    }
}
