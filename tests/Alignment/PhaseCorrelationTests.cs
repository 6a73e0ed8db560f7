using WeiPian.Engine.Alignment;
using WeiPian.Engine.Gdal;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Tests.Support;

namespace WeiPian.Engine.Tests.Alignment;

/// <summary>
/// Phase correlation finds known shifts of a real image (the Landsat-7 scene RGB.byte.tif): whole pixels exactly, and
/// fractions of a pixel made by GDAL's own warper (the image read with its georeferencing moved), within a tenth of a pixel.
/// </summary>
public class PhaseCorrelationTests
{
    private static string Landsat => TestPaths.Real("rasterio-tests", "RGB.byte.tif");

    [RealDataTheory]
    [InlineData(0, 0)]
    [InlineData(3, 0)]
    [InlineData(-7, 4)]
    [InlineData(12, -9)]
    public void FindsWholePixelShiftsExactly(int dx, int dy)
    {
        using var scene = Scene.Open(Landsat);
        const int n = 256;
        var first = new float[n * n];
        var second = new float[n * n];
        // The second block starts (-dx, -dy) from the first, so what the first has at (x, y) the second has at (x + dx, y + dy).
        scene.Read(1, new PixelWindow(260, 230, n, n), first.AsSpan());
        scene.Read(1, new PixelWindow(260 - dx, 230 - dy, n, n), second.AsSpan());
        var (columns, rows, peak) = new PhaseCorrelation(n).Estimate(first, second);
        Assert.Equal(dx, columns, 0.05);
        Assert.Equal(dy, rows, 0.05);
        Assert.True(peak > 0.3, $"peak {peak}");
    }

    [RealDataTheory]
    [InlineData(2.5, 0.0)]
    [InlineData(-1.25, 0.75)]
    [InlineData(0.4, -3.6)]
    [InlineData(0.5, 0.5)]
    public void FindsSubPixelShiftsMadeByGdalsWarper(double dx, double dy)
    {
        using var dir = new TempDir();
        var copy = dir.File("shifted.tif");
        ShiftedImages.WriteContentShifted(Landsat, copy, dx, dy);
        using var original = Scene.Open(Landsat);
        using var shifted = Scene.Open(copy);
        var region = new PixelWindow(150, 150, 490, 420);
        var r = CoregistrationCheck.Measure(original, region, shifted, region);
        Assert.NotNull(r);
        Assert.Equal(dx, r.Columns, 0.1);
        Assert.Equal(dy, r.Rows, 0.1);
        Assert.True(r.Spread < 0.15, $"spread {r.Spread}");
    }
}
