using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>
/// The class raster becomes a COG on its own task after the last strip, while the run finishes its polygons: a failure
/// or a cancellation there still ends the run with that error and leaves neither the class raster nor a partial file.
/// </summary>
public class ClassRasterFinishTests
{
    [Fact]
    public async Task CancellationAtTheLastTileLeavesNoClassRaster()
    {
        using var dir = new TempDir();
        var output = dir.File("out.gpkg");
        var classes = dir.File("class.tif");
        using var detector = new ChangeDetector(SampleDetection.Model);
        using var cts = new CancellationTokenSource();
        var progress = new CancelAtLastTile(cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            detector.DetectToFileAsync(SampleDetection.Pair, SampleDetection.SamplePath("survey.gpkg"), output,
                new DetectionOptions { ClassRasterPath = classes }, progress, cts.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    private sealed class CancelAtLastTile(CancellationTokenSource cts) : IProgress<DetectionProgress>
    {
        public void Report(DetectionProgress value)
        {
            if (value.TilesDone == value.TilesTotal) cts.Cancel();
        }
    }
}

/// <summary>Makes GDAL's COG step itself fail, through a process-wide config option: so in the non-parallel collection.</summary>
[Collection("GdalConfig")]
public class ClassRasterCogFailureTests
{
    [Fact]
    public async Task AFailingCogStepIsTheRunsErrorAndLeavesNoPartialFile()
    {
        using var scene = new TempDir();
        // Odd sides: the GeoTIFF driver would size the overviews differently, so the COG driver computes them itself,
        // into a temporary file under CPL_TMPDIR; a missing folder there fails the COG step.
        SceneSynthesizer.Run(new SynthOptions { Size = 600, Height = 333, Seed = 5, WriteShapefiles = false }, scene.Path);
        Assert.Null(ClassRasterOverviews.For(600, 333, GeoTiffOptions.Default.BlockSize));
        using var dir = new TempDir();
        var output = dir.File("out.gpkg");
        var classes = dir.File("class.tif");
        using var detector = new ChangeDetector(SampleDetection.Model);
        GdalLibrary.SetConfigOption("CPL_TMPDIR", dir.File("missing"));
        try
        {
            var e = await Assert.ThrowsAsync<GdalException>(() =>
                detector.DetectToFileAsync(new ScenePair(scene.File("before.tif"), scene.File("after.tif")), null, output,
                    new DetectionOptions { AllLand = true, ClassRasterPath = classes }));
            Assert.Contains("COG", e.Message);
        }
        finally
        {
            GdalLibrary.SetConfigOption("CPL_TMPDIR", null);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
