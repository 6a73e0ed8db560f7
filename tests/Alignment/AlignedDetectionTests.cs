using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Pipeline;
using WeiPian.Engine.Tests.Support;
using WeiPian.Synth;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// The synthesised sample pair with its after date moved onto other grids by GDAL (in the test): refused without
/// <see cref="ScenePair.Align"/>, and with it the same polygons as the pair on one grid, exactly where the warp can be
/// exact, and nearly so where it must interpolate twice (a grid 2.5 px off).
/// </summary>
public sealed class AlignedDetectionTests(SampleDetection sample) : IClassFixture<SampleDetection>, IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ScenePair Pair(string after, bool align) => SampleDetection.Pair with { After = after, Align = align };

    [Fact]
    public async Task AfterDateShiftedByWholePixels_GivesTheSamePolygons()
    {
        // The after date's grid starts 3 columns east and 2 rows north, its pixels moved with it (nearest): the dates share
        // a grid up to whole pixels, so only their overlap is processed and every pixel there is read as it was.
        var after = _dir.File("after-shifted.tif");
        ShiftedImages.WriteOnOtherGrid(SampleDetection.SamplePath("after.tif"), after, 3, -2, resampling: "near");
        using var detector = new ChangeDetector(SampleDetection.Model);

        var aligned = await Collect(detector, Pair(after, align: true));

        var inside = Inner(sample.Tubans, 8);
        Assert.True(inside.Count >= 5, $"{inside.Count} polygons inside");
        foreach (var t in inside)
            // Equal up to the rounding of the subgrid's origin (3 x 0.8 m added to it): no vertex moves by a micrometre.
            Assert.Contains(aligned, a => a.Tblx == t.Tblx && a.Geometry.SymmetricDifference(t.Geometry).Area < 1e-6 && Math.Abs(a.Jcmj - t.Jcmj) < 1e-6);
    }

    [Fact]
    public async Task AfterDateAtHalfThePixelSize_IsRefusedWithoutAlignAndGivesTheSameChangeWithIt()
    {
        // Every pixel becomes 2 x 2 (nearest) on a grid 3 columns east and 2 rows north; GDAL's warper widens its
        // cubic kernel when it reduces, so the after date comes back slightly smoothed, not exactly.
        var after = _dir.File("after-0.4m.tif");
        ShiftedImages.WriteOnOtherGrid(SampleDetection.SamplePath("after.tif"), after, 3, -2, scale: 0.5, resampling: "near");
        using var detector = new ChangeDetector(SampleDetection.Model);
        var refused = await Assert.ThrowsAsync<PixelGridException>(() => Collect(detector, Pair(after, align: false)));
        Assert.Equal(nameof(ScenePair.Align), refused.Setting);
        Assert.Contains("pixel size 0.8", refused.Message);

        var aligned = await Collect(detector, Pair(after, align: true));

        AssertSameChange(sample.Tubans, aligned);
    }

    [Fact]
    public async Task AfterDateOnAGridTwoAndAHalfPixelsOff_GivesNearlyTheSamePolygons()
    {
        var after = _dir.File("after-2.5px.tif");
        // The copy is made with cubic convolution (as a provider's orthorectification would), so that only the engine's own
        // warp back interpolates.
        ShiftedImages.WriteOnOtherGrid(SampleDetection.SamplePath("after.tif"), after, 2.5, 2.5, resampling: "cubic");
        using var detector = new ChangeDetector(SampleDetection.Model);
        await Assert.ThrowsAsync<PixelGridException>(() => Collect(detector, Pair(after, align: false)));

        var aligned = await Collect(detector, Pair(after, align: true));

        // Resampled twice (onto the other grid, and back), edges soften by up to a pixel.
        AssertSameChange(sample.Tubans, aligned);
    }

    // The change found is the same change: the union of the polygons well inside the scene overlaps the other run's by an
    // IoU of 0.85 or more, and each larger object (100 m² and up) is found again: most of it (half its area or more) is
    // covered by polygons of its class.
    private static void AssertSameChange(IReadOnlyList<Tuban> reference, IReadOnlyList<Tuban> found)
    {
        var inside = Inner(reference, 8);
        var expected = Union(inside);
        var actual = Union([.. found.Where(a => a.Geometry.Intersects(expected))]);
        var iou = expected.Intersection(actual).Area / expected.Union(actual).Area;
        Assert.True(iou >= 0.85, $"IoU {iou:0.000} of the change");
        foreach (var t in inside.Where(t => t.Jcmj >= 100))
        {
            var sameClass = found.Where(a => a.Tblx == t.Tblx).Sum(a => a.Geometry.Intersection(t.Geometry).Area);
            var covered = found.Sum(a => a.Geometry.Intersection(t.Geometry).Area);
            Assert.True(sameClass >= 0.5 * t.Jcmj, $"{t.Tblx} of {t.Jcmj:0} m² at {t.Geometry.InteriorPoint}: {sameClass:0} m² found again as {t.Tblx}, {covered:0} m² as any class");
        }
    }

    [Fact]
    public async Task ContentShiftedByTwoAndAHalfPixels_IsMeasuredAndCorrected()
    {
        var after = _dir.File("after-misregistered.tif");
        ShiftedImages.WriteContentShifted(SampleDetection.SamplePath("after.tif"), after, 2.5, -1.5);
        using var detector = new ChangeDetector(SampleDetection.Model);

        var plain = await detector.DetectToFileAsync(Pair(after, align: false), SampleDetection.SamplePath("survey.gpkg"), _dir.File("plain.gpkg"));
        var corrected = await detector.DetectToFileAsync(Pair(after, align: false) with { Coregister = true }, SampleDetection.SamplePath("survey.gpkg"), _dir.File("corrected.gpkg"));

        Assert.NotNull(plain.Registration);
        Assert.Equal(2.5, plain.Registration.Columns, 0.15);
        Assert.Equal(-1.5, plain.Registration.Rows, 0.15);
        Assert.True(plain.Registration.IsGlobal, plain.Registration.ToString());
        Assert.False(plain.Registration.Corrected);
        Assert.NotNull(corrected.Registration);
        Assert.True(corrected.Registration.Corrected);
        // Read shifted back, the after date lines up with the before date again: its polygons are the unshifted run's.
        AssertSameChange(sample.Tubans, await Collect(detector, Pair(after, align: false) with { Coregister = true }));
    }

    [Fact]
    public async Task BlocksThatDisagreeAreNeitherWarnedOfNorCorrected()
    {
        // A 256² pair on one grid with no shift: its 128-px blocks see planted change and little field texture, and the
        // median of their scattered peaks (2.6 px, spread 14 px) once warned of a shift that is not there.
        var folder = _dir.File("small");
        SceneSynthesizer.Run(new SynthOptions { Size = 256, Seed = 3, WriteShapefiles = false }, folder);
        var pair = new ScenePair(Path.Combine(folder, "before.tif"), Path.Combine(folder, "after.tif")) { Coregister = true };
        var log = new DetectionLogTests.CapturingLogger();
        using var detector = new ChangeDetector(SampleDetection.Model);

        var summary = await detector.DetectToFileAsync(pair, null, _dir.File("small.gpkg"), new DetectionOptions { AllLand = true, Logger = log });

        Assert.NotNull(summary.Registration);
        Assert.False(summary.Registration.IsGlobal, summary.Registration.ToString());
        Assert.False(summary.Registration.Corrected);
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("misregistered", StringComparison.Ordinal));
        Assert.EndsWith("px); the blocks disagree, so no global shift", summary.Registration.ToString(), StringComparison.Ordinal);
    }

    private static async Task<List<Tuban>> Collect(ChangeDetector detector, ScenePair pair)
    {
        var list = new List<Tuban>();
        await foreach (var t in detector.DetectAsync(pair, SampleDetection.SamplePath("survey.gpkg"))) list.Add(t);
        return list;
    }

    // Polygons at least `pixels` sample pixels (0.8 m) from the scene's edges.
    private static List<Tuban> Inner(IReadOnlyList<Tuban> tubans, int pixels)
    {
        using var scene = Scene.Open(SampleDetection.SamplePath("before.tif"));
        var b = scene.Grid.Bounds;
        var margin = pixels * scene.Grid.PixelSizeX;
        var inner = new Envelope(b.MinX + margin, b.MaxX - margin, b.MinY + margin, b.MaxY - margin);
        return [.. tubans.Where(t => inner.Contains(t.Geometry.EnvelopeInternal))];
    }

    private static Geometry Union(IReadOnlyList<Tuban> tubans) => UnaryUnionOp.Union(tubans.Select(t => t.Geometry).ToList());
}
