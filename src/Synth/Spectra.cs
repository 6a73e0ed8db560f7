using System.Numerics;

namespace WeiPian.Synth;

/// <summary>
/// Surface reflectances (0..1) of the synthetic scene's materials in the B, G, R, NIR order,
/// close to GF-2 PMS surface reflectance of these surfaces.
/// </summary>
internal static class Spectra
{
    public static readonly Vector4 Vegetation = new(0.035f, 0.075f, 0.040f, 0.42f);
    public static readonly Vector4 Canopy = new(0.025f, 0.050f, 0.030f, 0.32f);
    public static readonly Vector4 RapeseedFlower = new(0.050f, 0.160f, 0.170f, 0.38f);
    public static readonly Vector4 SoilDry = new(0.100f, 0.130f, 0.160f, 0.22f);
    public static readonly Vector4 SoilWet = new(0.055f, 0.075f, 0.095f, 0.14f);
    public static readonly Vector4 WaterClear = new(0.070f, 0.060f, 0.035f, 0.015f);
    public static readonly Vector4 WaterTurbid = new(0.090f, 0.100f, 0.080f, 0.040f);
    public static readonly Vector4 WaterGreen = new(0.050f, 0.085f, 0.045f, 0.060f);
    public static readonly Vector4 Concrete = new(0.200f, 0.210f, 0.220f, 0.24f);
    public static readonly Vector4 Asphalt = new(0.070f, 0.075f, 0.080f, 0.09f);
    public static readonly Vector4 DirtRoad = new(0.130f, 0.150f, 0.170f, 0.21f);
    public static readonly Vector4 RoofRedTile = new(0.070f, 0.080f, 0.170f, 0.22f);
    public static readonly Vector4 RoofGrey = new(0.150f, 0.160f, 0.170f, 0.19f);
    public static readonly Vector4 RoofBlueGlazed = new(0.110f, 0.110f, 0.100f, 0.14f);
    public static readonly Vector4 RoofWhite = new(0.330f, 0.340f, 0.350f, 0.37f);
    public static readonly Vector4 RoofBlueSteel = new(0.240f, 0.190f, 0.100f, 0.16f);
    public static readonly Vector4 RoofOrangeSteel = new(0.070f, 0.120f, 0.230f, 0.25f);
    public static readonly Vector4 GreenhouseFilm = new(0.270f, 0.290f, 0.290f, 0.33f);
    public static readonly Vector4 BareRock = new(0.200f, 0.230f, 0.260f, 0.30f);
    public static readonly Vector4 Spoil = new(0.240f, 0.270f, 0.300f, 0.33f);
    /// <summary>White (or silver) mulch film: nearly as bright as greenhouse film, flat on the ground.</summary>
    public static readonly Vector4 MulchWhite = new(0.290f, 0.305f, 0.315f, 0.35f);
    /// <summary>Clear mulch film: a sheen over the soil beneath, blended with it (see Renderer's mulch).</summary>
    public static readonly Vector4 MulchClear = new(0.200f, 0.215f, 0.225f, 0.25f);
    /// <summary>Cut straw and stubble after harvest: pale yellow-brown, little NIR.</summary>
    public static readonly Vector4 Straw = new(0.120f, 0.165f, 0.205f, 0.27f);
    /// <summary>Thin haze's added reflectance per unit of its blue strength: scattering falls off towards the red and NIR.</summary>
    public static readonly Vector4 HazeTint = new(1.000f, 0.780f, 0.580f, 0.33f);
    /// <summary>Shade keeps skylight, which is bluer than direct sun.</summary>
    public static readonly Vector4 ShadowFactor = new(0.45f, 0.38f, 0.33f, 0.30f);

    public static Vector4 Lerp(Vector4 a, Vector4 b, float t) => a + (b - a) * t;

    /// <summary>Roofs of existing village houses by variant.</summary>
    public static Vector4 VillageRoof(int variant) => (variant & 3) switch
    {
        0 => RoofRedTile,
        1 => RoofGrey,
        2 => RoofBlueGlazed,
        _ => RoofGrey * 1.25f,
    };

    /// <summary>Roofs of new buildings by variant: bright concrete, blue steel, orange steel, grey.</summary>
    public static Vector4 NewRoof(int variant) => (variant & 3) switch
    {
        0 => RoofWhite,
        1 => RoofBlueSteel,
        2 => RoofOrangeSteel,
        _ => RoofGrey * 1.15f,
    };
}
