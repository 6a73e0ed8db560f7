using WeiPian.Engine.Batch;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Tests.Batch;
using WeiPian.Engine.Tests.Recheck;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// The grid options reach the engine from every place a user gives them: <c>--align</c> from recheck's command line and
/// from a reprocess manifest's <c>align</c> column (the same image on another grid is refused without it, naming it, and
/// with it gives what the image on the shared grid gives), <c>--resample-to-model</c> and <c>--coregister</c> from
/// detect's.
/// </summary>
public sealed class GridOptionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RecheckWithAReferenceOnAnotherGridNeedsAlignAndThenJudgesAsOnOneGrid()
    {
        using var world = new RecheckWorld();
        // The reference is crops everywhere: on a grid 2.5 columns east and 1.5 rows north it shows the same crops.
        var moved = _dir.File("reference-moved.tif");
        ShiftedImages.WriteOnOtherGrid(world.Reference, moved, 2.5, -1.5, resampling: "near");
        string[] Args(string reference, string output) =>
            ["recheck", "--polygons", world.PolygonsPath, "--image", world.Newest, "--reference", reference, "--reference-date", "20240310", "--out", output, "--threads", "1"];

        var (refused, stderr) = await CliProcess.RunForErrorAsync(Args(moved, _dir.File("refused.gpkg")));
        Assert.Equal(2, refused);
        var line = Assert.Single(stderr.Split('\n'));
        Assert.Contains(moved, line, StringComparison.Ordinal);
        Assert.EndsWith("(--align)", line, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("refused.gpkg")));

        var (plain, plainText) = await CliProcess.RunAsync(Args(world.Reference, _dir.File("plain.gpkg")));
        var (aligned, alignedText) = await CliProcess.RunAsync([.. Args(moved, _dir.File("aligned.gpkg")), "--align"]);
        Assert.True(plain == 0, plainText);
        Assert.True(aligned == 0, alignedText);

        var expected = Verdicts(_dir.File("plain.gpkg"));
        Assert.Contains(expected, v => v.StartsWith("ROOF not restored", StringComparison.Ordinal));
        Assert.Equal(expected, Verdicts(_dir.File("aligned.gpkg")));
    }

    [Fact]
    public async Task ManifestAlignColumnWarpsThatSceneAndAnEmptyOneRefusesIt()
    {
        using var world = new BatchWorld();
        var job = world.Jobs().Single(j => j.Key == "S01");
        // Each pixel made 2 x 2 (nearest) on a grid 3 columns east and 2 rows north: the same ground at 0.5 m.
        var moved = _dir.File("S01-after-moved.tif");
        ShiftedImages.WriteOnOtherGrid(job.After, moved, 3, -2, scale: 0.5, resampling: "near");
        var manifest = _dir.File("scenes.csv");
        File.WriteAllLines(manifest,
        [
            "key,before,after,before_date,after_date,align",
            $"ALIGNED,{job.Before},{moved},20240315,20241120,yes",
            $"REFUSED,{job.Before},{moved},20240315,20241120,",
            $"PLAIN,{job.Before},{job.After},20240315,20241120,",
        ]);
        var settings = BatchRunFixture.SettingsFor(world, _dir.File("batch"));

        var report = await ReprocessBatch.RunAsync(SceneManifest.Read(manifest), settings);

        var (key, error) = Assert.Single(report.Failures);
        Assert.Equal("REFUSED", key);
        Assert.Contains("do not share one pixel grid", error, StringComparison.Ordinal);
        Assert.EndsWith("(manifest column align)", error, StringComparison.Ordinal);
        // The warped scene finds S01's four changes where the scene on its own grid finds them: warped back from 0.5 m by
        // cubic convolution, an edge may move by a fraction of a pixel, not more.
        var plain = Scene(settings, "PLAIN");
        var aligned = Scene(settings, "ALIGNED");
        Assert.Equal(4, plain.Count);
        Assert.Equal(plain.Count, aligned.Count);
        foreach (var expected in plain)
        {
            var found = Assert.Single(aligned, g => g.Intersects(expected));
            var iou = found.Intersection(expected).Area / found.Union(expected).Area;
            Assert.True(iou >= 0.95, $"IoU {iou:0.000} of {found} against {expected}");
        }
    }

    [Fact]
    public async Task DetectResampleToModelAndCoregisterReachTheEngine()
    {
        // A 2 m pair against a card of 0.8 m whose after date's content lies 2.5 pixels (5 m) east and 1.5 (3 m) north.
        using var pair = SynthCase.Run(SynthCase.Clear(160, 1551, gsd: 2.0));
        var after = _dir.File("after-misregistered.tif");
        ShiftedImages.WriteContentShifted(pair.After, after, 2.5, -1.5);
        string[] Args(string output) =>
            ["detect", "--before", pair.Before, "--after", after, "--survey", pair.Survey, "--card", SynthCase.SpectralCardWithGsd(_dir.Path, 0.8),
             "--out", output, "--threads", "1"];

        var (refused, stderr) = await CliProcess.RunForErrorAsync(Args(_dir.File("refused.gpkg")));
        var (plain, plainText) = await CliProcess.RunAsync([.. Args(_dir.File("plain.gpkg")), "--resample-to-model"]);
        var (corrected, correctedText) = await CliProcess.RunAsync([.. Args(_dir.File("corrected.gpkg")), "--resample-to-model", "--coregister"]);

        Assert.Equal(2, refused);
        Assert.EndsWith("(--resample-to-model)", stderr, StringComparison.Ordinal);
        Assert.True(plain == 0, plainText);
        Assert.True(corrected == 0, correctedText);
        // Measured on the model's 0.8 m grid, where 5 m and 3 m are 6.25 and 3.75 pixels; warned of, and taken out on request.
        // The check correlates the dates as the model sees them, 2.5 times upsampled, on 128 px blocks of this small scene:
        // when this was written it gave 5.28 east (short by a scene pixel's 0.4) and -3.71 south, the blocks spread by
        // 1.19 px, so the bound is half a pixel of the scene (1.25 of the model's grid).
        var (east, south, wasCorrected) = Registration(plainText);
        Assert.Equal(6.25, east, 1.25);
        Assert.Equal(-3.75, south, 1.25);
        Assert.False(wasCorrected);
        Assert.Contains("is misregistered against", plainText, StringComparison.Ordinal);
        Assert.True(Registration(correctedText).Corrected, correctedText);
    }

    // The summary's co-registration line: the shift in pixels east and south, and whether it was taken out.
    private static (double East, double South, bool Corrected) Registration(string output)
    {
        var m = System.Text.RegularExpressions.Regex.Match(output,
            @"^co-registration: after date shifted (-?[0-9.]+) px east, (-?[0-9.]+) px south of the before date \(.*\)(, corrected)?$",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(m.Success, output);
        return (double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[3].Success);
    }

    [Theory]
    [InlineData(nameof(ScenePair.Align), "align")]
    [InlineData(nameof(ScenePair.Bands), "bands")]
    [InlineData(nameof(ScenePair.BeforeDate), "before_date")]
    [InlineData(nameof(ScenePair.AfterDate), "after_date")]
    public void SettingsARowHoldsAreNamedByTheirManifestColumn(string setting, string column)
    {
        // The engine names the ScenePair property it refused; the manifest's own column is what a batch's user can change.
        Assert.Equal(column, SceneManifest.ColumnFor(setting));
        Assert.Contains(SceneManifest.Columns, names => names[0] == column);
        Assert.Null(SceneManifest.ColumnFor(nameof(ScenePair.ResampleToModel)));
    }

    private static List<NetTopologySuite.Geometries.Geometry> Scene(BatchSettings settings, string key) =>
        [.. BatchTubanFile.Read(Path.Combine(settings.ScenesDirectory, key + ".gpkg")).Polygons.Select(p => p.Tuban.Geometry)];

    // Each result as "JCBH verdict changed-share", in JCBH order.
    private static List<string> Verdicts(string path)
    {
        using var ds = VectorDataset.Open(path);
        return [.. ds.Layer(0).Features()
            .Select(f => FormattableString.Invariant($"{f.GetString("JCBH")} {f.GetString("verdict")} {f.GetDouble("changed"):0.0000}"))
            .Order(StringComparer.Ordinal)];
    }
}
