namespace WeiPian.Engine.Pipeline.Stages;

/// <summary>
/// The two counts the caller's progress shows, kept by the stages that make them (tiles by <see cref="StitchStage"/>,
/// polygons by <see cref="PostStage"/>) and read by both when they report.
/// </summary>
internal sealed class RunProgress(IProgress<DetectionProgress>? progress, long tileCount)
{
    private long _tilesDone;
    private long _polygons;

    /// <summary>Counts <paramref name="tiles"/> more tiles stitched (run or not) and reports.</summary>
    public void TilesDone(int tiles)
    {
        var done = Interlocked.Add(ref _tilesDone, tiles);
        progress?.Report(new DetectionProgress(done, tileCount, Interlocked.Read(ref _polygons)));
    }

    /// <summary>Counts one more record handed to the caller.</summary>
    public void PolygonDone() => Interlocked.Increment(ref _polygons);

    /// <summary>Reports that the last strip is in and the polygons (and the class raster) are being finished.</summary>
    public void Finishing() =>
        progress?.Report(new DetectionProgress(Interlocked.Read(ref _tilesDone), tileCount, Interlocked.Read(ref _polygons))
        {
            Stage = DetectionStage.Finishing,
        });
}
