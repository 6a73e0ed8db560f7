using System.Diagnostics;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// Wall time spent per pipeline stage in one run (the <c>--profile</c> breakdown). The pipeline's stages run on
/// their own threads at the same time, so the times overlap: each is how long its work took, and
/// <see cref="Stage.Model"/> is the time inside the model's Run calls alone. <see cref="Stage.Grids"/>,
/// <see cref="Stage.Checks"/> and <see cref="Stage.Survey"/> come first, one after the other, before the first tile is
/// read: their sum is what a run costs before any pixel reaches the model.
/// </summary>
public sealed class StageTimes
{
    private readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];

    /// <summary>The stages timed.</summary>
    public enum Stage
    {
        /// <summary>Before the first tile: the inputs and outputs checked, both dates opened on one grid (warped when
        /// aligned or resampled to the model's GSD) and their residual shift measured (co-registration).</summary>
        Grids,
        /// <summary>Before the first tile: band roles, dates, exclusion masks and cloud screen opened, each date's
        /// radiometry sampled and checked against the card.</summary>
        Checks,
        /// <summary>Loading the land survey's polygons over the scene (before the first tile too).</summary>
        Survey,
        /// <summary>The screening cascade's first pass: the screen model on every tile, scaling and classifying included (<see cref="TileScreen"/>).</summary>
        Screen,
        /// <summary>Reading both dates' windows (GDAL RasterIO; one reader per date, their busy times added up).</summary>
        Read,
        /// <summary>Scaling to float32 model input.</summary>
        Scale,
        /// <summary>Inside the model's Run calls (ONNX Runtime).</summary>
        Model,
        /// <summary>Classes and confidence from the model output, kept centres placed in the strip.</summary>
        Stitch,
        /// <summary>Farmland and nodata masks.</summary>
        Mask,
        /// <summary>Writing the class raster.</summary>
        WriteRaster,
        /// <summary>Raster to polygons.</summary>
        Polygonize,
        /// <summary>Overlay with the survey and the other attributes.</summary>
        Attribute,
        /// <summary>Writing the polygons.</summary>
        WritePolygons,
        /// <summary>Before/after chips and their index page.</summary>
        Chips,
    }

    /// <summary>Starts timing; pass the result to <see cref="Add"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="start"/> to a stage and returns now, to chain stages.</summary>
    public long Add(Stage stage, long start)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[(int)stage], now - start);
        return now;
    }

    /// <summary>Time spent in a stage.</summary>
    public TimeSpan this[Stage stage] => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>All stages with their times, in pipeline order.</summary>
    public IEnumerable<(Stage Stage, TimeSpan Time)> All => Enum.GetValues<Stage>().Select(s => (s, this[s]));

    /// <summary>Sum of all stages.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(All.Sum(a => a.Time.Ticks));
}
