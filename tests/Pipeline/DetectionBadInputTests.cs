using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Tests.Inference;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>Every input problem is a clear error before any work, and nothing is left at the output path.</summary>
public class DetectionBadInputTests
{
    private static string Sample(string name) => Path.Combine(TestPaths.SampleTiles, name);

    [Fact]
    public async Task SceneWithoutTheModelsBandsIsRefused()
    {
        using var dir = new TempDir();
        var pair = new ScenePair(Sample("before.tif"), Sample("after.tif")) { Bands = [BandRole.Blue, BandRole.Green, BandRole.Red, BandRole.Other] };
        var e = await Refused<ModelContractException>(dir, pair, Sample("survey.gpkg"));
        Assert.Contains("NIR", e.Message);
        Assert.Contains("before.tif", e.Message);
    }

    [Fact]
    public void CardThatContradictsTheGraphIsRefused()
    {
        var e = Assert.Throws<ModelContractException>(() => new ChangeDetector(TestModels.ContradictsGraph));
        Assert.Contains("contradicts-graph.onnx", e.Message);
        Assert.Contains("channels", e.Message);
    }

    [Fact]
    public async Task DatesOnDifferentGridsAreRefusedWithTheDifference()
    {
        using var dir = new TempDir();
        var shifted = dir.File("after-shifted.tif");
        File.Copy(Sample("after.tif"), shifted);
        using (var ds = RasterDataset.Open(shifted, update: true))
            ds.GeoTransform = ds.GeoTransform with { OriginX = ds.GeoTransform.OriginX + 0.3 };
        var e = await Refused<PixelGridException>(dir, new ScenePair(Sample("before.tif"), shifted), Sample("survey.gpkg"));
        Assert.Contains("not aligned", e.Message);
        Assert.Contains("after-shifted.tif", e.Message);
    }

    [Fact]
    public async Task SurveyWithoutDlbmIsRefused()
    {
        using var dir = new TempDir();
        var survey = dir.File("survey.gpkg");
        using (var ds = VectorDataset.Create(survey, "GPKG"))
        {
            var layer = ds.CreateLayer("DLTB", GeometryKind.Polygon, SpatialReference.FromEpsg(4546),
                [new FieldDefinition("BSM", FieldKind.Integer), new FieldDefinition("DLMC", FieldKind.String)]);
            layer.Add(Engine.Vector.WkbWriter.Polygon([521100, 521200, 521200], [3374600, 3374600, 3374500]), [1, "水田"]);
        }
        var e = await Refused<SurveyException>(dir, new ScenePair(Sample("before.tif"), Sample("after.tif")), survey);
        Assert.Contains("DLBM", e.Message);
        Assert.Contains("DLMC", e.Message);
    }

    [Fact]
    public async Task UnwritableOutputIsRefused()
    {
        using var detector = new ChangeDetector(TestModels.StackedChange);
        var output = "/proc/weipian-no-such-folder/out.gpkg";
        var e = await Assert.ThrowsAsync<InputException>(() =>
            detector.DetectToFileAsync(new ScenePair(Sample("before.tif"), Sample("after.tif")), Sample("survey.gpkg"), output));
        Assert.Contains(output, e.Message);
    }

    [Fact]
    public async Task MissingSurveyWithoutAllLandIsRefused()
    {
        using var dir = new TempDir();
        var e = await Refused<InputException>(dir, new ScenePair(Sample("before.tif"), Sample("after.tif")), null);
        Assert.Contains("report change on all land", e.Message);
        Assert.DoesNotContain("--", e.Message);
        Assert.Equal(nameof(DetectionOptions.AllLand), e.Setting);
    }

    private static async Task<T> Refused<T>(TempDir dir, ScenePair pair, string? survey) where T : Exception
    {
        using var detector = new ChangeDetector(TestModels.StackedChange);
        var output = dir.File("out.gpkg");
        var progress = new CountingProgress();
        var e = await Assert.ThrowsAsync<T>(() => detector.DetectToFileAsync(pair, survey, output, progress: progress));
        Assert.Equal(0, progress.Reports);
        Assert.False(File.Exists(output), "nothing may be left at the output path");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path, "*partial*"));
        return e;
    }

    private sealed class CountingProgress : IProgress<DetectionProgress>
    {
        public int Reports;
        public void Report(DetectionProgress value) => Interlocked.Increment(ref Reports);
    }
}
