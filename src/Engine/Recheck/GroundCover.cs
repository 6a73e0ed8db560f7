namespace WeiPian.Engine.Recheck;

/// <summary>What a pixel's spectral indices say it is, for telling reclaimed ground from what stands on it.</summary>
public enum GroundCover : byte
{
    /// <summary>No data (cloud, shadow, outside the image).</summary>
    NoData = 0,
    /// <summary>Open water: NDWI = (G - NIR) / (G + NIR) above the water threshold, and NIR below red or not bluish.</summary>
    Water = 1,
    /// <summary>Growing vegetation: NDVI = (NIR - R) / (NIR + R) at or above the vegetation threshold.</summary>
    Vegetation = 2,
    /// <summary>Bare tilled soil: NDVI at or above the soil threshold, and not bluish (blue at most red).</summary>
    Soil = 3,
    /// <summary>Anything else: roofs, concrete, film, rock, rubble and spoil (NDVI near 0, or bluish steel).</summary>
    Other = 4,
}

/// <summary>
/// The index rules that classify a pixel's <see cref="GroundCover"/> from its B, G, R, NIR values. Ratios only, so
/// they hold for raw digital numbers whatever the gain; the scalar rule here is the whole definition.
/// </summary>
/// <remarks>
/// Typical values on GF-2 (surface reflectance): vegetation NDVI 0.5-0.8; tilled soil 0.13-0.25 with B &lt; G &lt; R;
/// white and grey roofs, concrete, film, rock and spoil 0.0-0.08; blue steel roofs about 0.2 but with B &gt; R; water
/// NDWI &gt; 0 (clear, turbid or green). Haze adds a few tens of DN, more in blue, which lowers soil NDVI slightly
/// and does not make soil bluish.
/// </remarks>
internal static class GroundCovers
{
    /// <summary>The cover of one pixel; <see cref="GroundCover.NoData"/> when a value is not positive or not finite.</summary>
    /// <param name="blue">Blue value (any linear unit: DN or reflectance).</param>
    /// <param name="green">Green.</param>
    /// <param name="red">Red.</param>
    /// <param name="nir">Near infrared.</param>
    /// <param name="options">The thresholds.</param>
    public static GroundCover Classify(float blue, float green, float red, float nir, RecheckOptions options)
    {
        if (!(blue > 0 && green > 0 && red > 0 && nir > 0) || !float.IsFinite(blue + green + red + nir)) return GroundCover.NoData;
        var ndwi = (green - nir) / (green + nir);
        var ndvi = Ndvi(red, nir);
        // Water reflects less NIR than green; clear and turbid water also less than red, green (algal) water is not bluish.
        // A blue steel roof also reflects less NIR than green, but more than red, and is strongly bluish.
        if (ndwi > options.WaterNdwi && (ndvi < 0 || (blue - red) / (blue + red) < BluishIndex)) return GroundCover.Water;
        if (ndvi >= options.VegetationNdvi) return GroundCover.Vegetation;
        if (ndvi >= options.SoilNdvi && blue <= red) return GroundCover.Soil;
        return GroundCover.Other;
    }

    /// <summary>Blue-red index (B - R) / (B + R) above which a surface is bluish (blue steel and glazed roofs about 0.4; green water under 0.2).</summary>
    public const float BluishIndex = 0.3f;

    /// <summary>NDVI = (NIR - R) / (NIR + R); 0 when both are 0.</summary>
    public static float Ndvi(float red, float nir) => nir + red == 0 ? 0 : (nir - red) / (nir + red);

    /// <summary>
    /// Whether a pixel is back to vegetation or cultivation: vegetation or tilled soil now, or open water now where the
    /// reference date had open water too (a paddy flooded on both dates is farmland, not a dug pond).
    /// </summary>
    /// <param name="now">The cover on the newest date.</param>
    /// <param name="reference">The cover on the reference date; <see cref="GroundCover.NoData"/> when there is no reference.</param>
    public static bool IsBack(GroundCover now, GroundCover reference) =>
        now is GroundCover.Vegetation or GroundCover.Soil || (now == GroundCover.Water && reference == GroundCover.Water);
}
