using NetTopologySuite.Geometries;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;
using WeiPian.Engine.Survey;
using WeiPian.Engine.Vector;

namespace WeiPian.Engine.Masks;

/// <summary>
/// The farmland mask: the survey's farmland parcels rasterised on the run's grid window by window (a pixel whose centre a
/// parcel holds, as gdal_rasterize), so change is reported on farmland only. Off farmland is cleared from the run's
/// validity before the model, as nodata and the <see cref="ExclusionMask"/>s are.
/// </summary>
/// <param name="survey">The land survey, in the grid's CRS.</param>
/// <param name="grid">The run's grid.</param>
/// <param name="maxPixels">The most pixels a window holds (a strip's): the mask's buffer is made once.</param>
internal sealed class FarmlandMask(LandSurvey survey, PixelGrid grid, int maxPixels)
{
    private readonly byte[] _farmland = new byte[maxPixels];

    /// <summary>Clears <paramref name="valid"/> (row-major over <paramref name="window"/>, a window of the run's grid) off farmland.</summary>
    public void Exclude(PixelWindow window, Span<byte> valid)
    {
        var mask = _farmland.AsSpan(0, window.Width * window.Height);
        mask.Clear();
        var transform = grid.Transform.Offset(window.X, window.Y);
        var (x0, y0) = transform.PixelToWorld(0, 0);
        var (x1, y1) = transform.PixelToWorld(window.Width, window.Height);
        var bounds = new Envelope(Math.Min(x0, x1), Math.Max(x0, x1), Math.Min(y0, y1), Math.Max(y0, y1));
        foreach (var parcel in survey.FarmlandNear(bounds))
            PolygonRasterizer.Burn(parcel, transform, window.Width, window.Height, mask);
        for (var i = 0; i < mask.Length; i++) valid[i] &= mask[i];
    }
}
