using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Recheck;

/// <summary>
/// The bands a recheck reads over one polygon's window to judge it: planes 0-3 are blue, green, red and NIR, then any
/// other band the model needs. A pixel is valid when no band read is NaN or its band's nodata value.
/// </summary>
internal sealed class JudgedBands
{
    private readonly float[] _values;
    private readonly int _plane;
    private readonly double?[] _nodata;

    private JudgedBands(float[] values, int plane, double?[] nodata)
    {
        _values = values;
        _plane = plane;
        _nodata = nodata;
    }

    /// <summary>Reads <paramref name="bands"/> (1-based, B, G, R, NIR first) of <paramref name="scene"/> over <paramref name="window"/>.</summary>
    public static JudgedBands Read(Scene scene, int[] bands, PixelWindow window)
    {
        var plane = (int)window.PixelCount;
        var values = new float[bands.Length * plane];
        scene.ReadBands<float>(window, values, bands);
        return new JudgedBands(values, plane, bands.Select(b => scene.NoData[b - 1]).ToArray());
    }

    /// <summary>Plane <paramref name="b"/> (0 blue, 1 green, 2 red, 3 NIR), row-major over the window.</summary>
    public ReadOnlySpan<float> Plane(int b) => _values.AsSpan(b * _plane, _plane);

    /// <summary>Whether pixel <paramref name="i"/> holds data in every band read.</summary>
    public bool Valid(int i)
    {
        for (var b = 0; b < _nodata.Length; b++)
        {
            var v = _values[b * _plane + i];
            if (float.IsNaN(v) || (_nodata[b] is { } nd && v == (float)nd)) return false;
        }
        return true;
    }

    /// <summary>The ground cover of pixel <paramref name="i"/> by its indices.</summary>
    public GroundCover Cover(int i, RecheckOptions options) =>
        GroundCovers.Classify(Plane(0)[i], Plane(1)[i], Plane(2)[i], Plane(3)[i], options);
}
