using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Radiometry;

/// <summary>
/// Raw values of a scene's model bands, sampled over the whole region before any tile runs: what the radiometry
/// checks and corrections are measured on. A pixel is kept only where every sampled band (of both dates, for a pair)
/// holds a value: not the band's nodata, not NaN.
/// </summary>
/// <remarks>
/// <see cref="Read"/> takes the scene's overview nearest to <see cref="TargetPixels"/> where the file has one, else
/// <see cref="Blocks"/> x <see cref="Blocks"/> windows of <see cref="BlockSide"/> px spread evenly over the region, each
/// moved to the corner of the file's block it falls in (<see cref="BlockSnap"/>: a window that straddles blocks
/// decompresses each of them, which made many small windows a large share of a detect on tiled, compressed files;
/// bench/RESULTS.md § Real scenes, checks before the first tile);
/// <see cref="ReadPair"/> always reads the same windows of both dates, so its values are co-located pixel for pixel
/// (what a relative normalisation fits on). A region that small is read whole.
/// </remarks>
public sealed class RadiometrySample
{
    /// <summary>Pixels an overview should hold at least to be used (about 512 x 512).</summary>
    public const int TargetPixels = 1 << 18;

    /// <summary>Sampled windows per side of the region.</summary>
    public const int Blocks = 8;

    /// <summary>Side of a sampled window, pixels.</summary>
    public const int BlockSide = 64;

    private RadiometrySample(string path, float[][] values, bool fromOverview)
    {
        Path = path;
        Values = values;
        FromOverview = fromOverview;
    }

    /// <summary>The scene's file.</summary>
    public string Path { get; }

    /// <summary>Per model band (card order), the sampled raw values; all of the same length.</summary>
    public IReadOnlyList<float[]> Values { get; }

    /// <summary>Sampled pixels (values per band).</summary>
    public int Count => Values.Count == 0 ? 0 : Values[0].Length;

    /// <summary>True when the values come from an overview, false when from windows of full-resolution pixels.</summary>
    public bool FromOverview { get; }

    /// <summary>Samples one scene's model bands over <paramref name="region"/>.</summary>
    /// <param name="scene">The scene.</param>
    /// <param name="region">The part of it that is processed.</param>
    /// <param name="bands">1-based scene bands in the model's channel order.</param>
    public static RadiometrySample Read(Scene scene, PixelWindow region, IReadOnlyList<int> bands)
    {
        ArgumentNullException.ThrowIfNull(scene);
        ArgumentNullException.ThrowIfNull(bands);
        if (region.PixelCount > TargetPixels && Overview(scene, region, bands[0]) is { } level)
            return FromLevel(scene, region, bands, level);
        var values = Gather([scene], [region], [bands], Windows(scene, region, region.Width, region.Height, Blocks));
        return new RadiometrySample(scene.Path, values[0], false);
    }

    /// <summary>
    /// <see cref="Read"/> of both dates at once, the after date on a pool thread: each date is a dataset of its own, and
    /// sampling one after the other kept a core idle for most of a second before the first tile on a 8192² pair.
    /// </summary>
    /// <param name="before">The before date.</param>
    /// <param name="regionBefore">Its processed region.</param>
    /// <param name="bandsBefore">Its 1-based bands in the model's channel order.</param>
    /// <param name="after">The after date.</param>
    /// <param name="regionAfter">Its processed region.</param>
    /// <param name="bandsAfter">Its 1-based bands in the model's channel order.</param>
    public static (RadiometrySample Before, RadiometrySample After) ReadBoth(Scene before, PixelWindow regionBefore, IReadOnlyList<int> bandsBefore,
        Scene after, PixelWindow regionAfter, IReadOnlyList<int> bandsAfter)
    {
        var samples = new RadiometrySample[2];
        OnBoth(i => samples[i] = i == 0 ? Read(before, regionBefore, bandsBefore) : Read(after, regionAfter, bandsAfter));
        return (samples[0], samples[1]);
    }

    /// <summary>Samples the same pixels of two dates (regions of equal size on one grid), for a relative normalisation.</summary>
    /// <param name="before">The before date.</param>
    /// <param name="regionBefore">Its processed region.</param>
    /// <param name="bandsBefore">Its 1-based bands in the model's channel order.</param>
    /// <param name="after">The after date.</param>
    /// <param name="regionAfter">Its processed region, of the before's size.</param>
    /// <param name="bandsAfter">Its 1-based bands in the model's channel order.</param>
    /// <param name="blocks">Windows per side of the region: fewer for a figure a smaller sample measures as well, such as a median.</param>
    /// <returns>The before and the after sample, value i of one at the pixel of value i of the other.</returns>
    public static (RadiometrySample Before, RadiometrySample After) ReadPair(Scene before, PixelWindow regionBefore, IReadOnlyList<int> bandsBefore,
        Scene after, PixelWindow regionAfter, IReadOnlyList<int> bandsAfter, int blocks = Blocks)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var windows = Windows(before, regionBefore, Math.Min(regionBefore.Width, regionAfter.Width), Math.Min(regionBefore.Height, regionAfter.Height), blocks);
        var values = Gather([before, after], [regionBefore, regionAfter], [bandsBefore, bandsAfter], windows);
        return (new RadiometrySample(before.Path, values[0], false), new RadiometrySample(after.Path, values[1], false));
    }

    // Windows relative to a region of the scene: the region whole when it is small, else a blocks x blocks lattice of
    // BlockSide px, each window at the corner of the scene's block its lattice point falls in (inside the region).
    private static List<PixelWindow> Windows(Scene scene, PixelWindow region, int width, int height, int blocks)
    {
        if ((long)width * height <= TargetPixels) return [new PixelWindow(0, 0, width, height)];
        int w = Math.Min(BlockSide, width), h = Math.Min(BlockSide, height);
        var (blockWidth, blockHeight) = scene.Dataset.BlockSize(1);
        var windows = new List<PixelWindow>(blocks * blocks);
        for (var j = 0; j < blocks; j++)
            for (var i = 0; i < blocks; i++)
            {
                var x = BlockSnap.Offset(region.X, (int)((width - w) * (i + 0.5) / blocks), blockWidth, width - w, (width - w) / blocks);
                var y = BlockSnap.Offset(region.Y, (int)((height - h) * (j + 0.5) / blocks), blockHeight, height - h, (height - h) / blocks);
                windows.Add(new PixelWindow(x, y, w, h));
            }
        return windows;
    }

    // Reads each window of each scene (all its model bands in one call) and keeps the pixels valid in every band of every scene.
    private static float[][][] Gather(Scene[] scenes, PixelWindow[] regions, IReadOnlyList<int>[] bands, List<PixelWindow> windows)
    {
        var kept = scenes.Select(s => bands[0].Select(_ => new List<float>()).ToArray()).ToArray();
        var buffers = new float[scenes.Length][];
        foreach (var window in windows)
        {
            var n = (int)window.PixelCount;
            void ReadScene(int s)
            {
                buffers[s] = new float[n * bands[s].Count];
                scenes[s].ReadBands(window.Translate(regions[s].X, regions[s].Y), buffers[s], bands[s].ToArray());
            }
            if (scenes.Length == 2) OnBoth(ReadScene);
            else for (var s = 0; s < scenes.Length; s++) ReadScene(s);
            for (var p = 0; p < n; p++)
            {
                if (!Valid(scenes, bands, buffers, n, p)) continue;
                for (var s = 0; s < scenes.Length; s++)
                    for (var b = 0; b < bands[s].Count; b++) kept[s][b].Add(buffers[s][b * n + p]);
            }
        }
        return [.. kept.Select(perBand => perBand.Select(l => l.ToArray()).ToArray())];
    }

    // Runs read(0) on this thread and read(1) on a pool thread, and returns once both have ended (the caller may dispose
    // the scenes next); a failure is thrown as it was thrown, the first date's first.
    private static void OnBoth(Action<int> read)
    {
        var second = Task.Run(() => read(1));
        try
        {
            read(0);
        }
        catch
        {
            second.ContinueWith(static _ => { }, TaskScheduler.Default).Wait();
            throw;
        }
        second.GetAwaiter().GetResult();
    }

    private static bool Valid(Scene[] scenes, IReadOnlyList<int>[] bands, float[][] buffers, int n, int p)
    {
        for (var s = 0; s < scenes.Length; s++)
            for (var b = 0; b < bands[s].Count; b++)
            {
                var v = buffers[s][b * n + p];
                if (float.IsNaN(v) || scenes[s].NoData[bands[s][b] - 1] is { } nd && v == (float)nd) return false;
            }
        return true;
    }

    // The smallest overview level that still holds TargetPixels over the region, or null when the file has none that does.
    private static int? Overview(Scene scene, PixelWindow region, int band)
    {
        int? chosen = null;
        var raster = scene.Dataset;
        for (var level = 0; level < raster.OverviewCount(band); level++)
        {
            var (w, h) = raster.OverviewSize(band, level);
            if (region.PixelCount * w / scene.Width * h / scene.Height >= TargetPixels) chosen = level;
        }
        return chosen;
    }

    private static RadiometrySample FromLevel(Scene scene, PixelWindow region, IReadOnlyList<int> bands, int level)
    {
        var raster = scene.Dataset;
        var (ow, oh) = raster.OverviewSize(bands[0], level);
        double fx = (double)ow / scene.Width, fy = (double)oh / scene.Height;
        int x0 = (int)(region.X * fx), y0 = (int)(region.Y * fy);
        var window = new PixelWindow(x0, y0,
            Math.Clamp((int)Math.Ceiling(region.Right * fx) - x0, 1, ow - x0), Math.Clamp((int)Math.Ceiling(region.Bottom * fy) - y0, 1, oh - y0));
        var n = (int)window.PixelCount;
        var planes = bands.Select(b =>
        {
            var plane = new float[n];
            raster.ReadOverview(b, level, window, plane.AsSpan());
            return plane;
        }).ToArray();
        var kept = bands.Select(_ => new List<float>(n)).ToArray();
        for (var p = 0; p < n; p++)
        {
            var valid = true;
            for (var b = 0; b < bands.Count && valid; b++)
                valid = !float.IsNaN(planes[b][p]) && !(scene.NoData[bands[b] - 1] is { } nd && planes[b][p] == (float)nd);
            if (!valid) continue;
            for (var b = 0; b < bands.Count; b++) kept[b].Add(planes[b][p]);
        }
        return new RadiometrySample(scene.Path, [.. kept.Select(l => l.ToArray())], true);
    }
}
