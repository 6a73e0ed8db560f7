using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Engine.Tests.Pipeline;

/// <summary>The pipeline run for its class raster, as the tests that compare class rasters of runs need it.</summary>
internal static class ClassRasterRun
{
    /// <summary>
    /// Runs <paramref name="model"/> on <paramref name="pair"/> (on all land, or on the farmland of
    /// <paramref name="survey"/>) writing the class raster to <paramref name="path"/>, and returns one of its bands
    /// (1 class, 2 confidence %).
    /// </summary>
    public static byte[] Band(ChangeModel model, ScenePair pair, string path, string? survey = null, int band = 1)
    {
        using (var run = new DetectionRun(model, pair, survey, new DetectionOptions { AllLand = survey is null, ClassRasterPath = path }))
            foreach (var _ in run.RunAsync(null, CancellationToken.None).ToBlockingEnumerable()) { }
        using var raster = RasterDataset.Open(path);
        var values = new byte[raster.Width * raster.Height];
        raster.Read<byte>(band, raster.Extent, values);
        return values;
    }
}
