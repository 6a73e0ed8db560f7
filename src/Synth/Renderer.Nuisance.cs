using System.Numerics;

namespace WeiPian.Synth;

/// <summary>The nuisances (<see cref="SynthOptions.Nuisances"/>) and the construction stages of building changes.</summary>
internal sealed partial class Renderer
{
    // ------------------------------------------------------------------ nuisances (before and after dates)

    /// <summary>
    /// The ground as a nuisance leaves it on date <paramref name="d"/> (one it alters): every kind but haze replaces
    /// the ground inside its rectangle; haze adds to it.
    /// </summary>
    private Vector4 ShadeNuisance(Nuisance n, DateLook d, double e, double s, Vector4 ground)
    {
        var (p, q) = _l.ToRotated(e, s);
        double x = p - n.P0, y = q - n.Q0;          // from the rectangle's corner along p and q
        var (along, across) = n.AlongP ? (x, y) : (y, x);
        return n.Kind switch
        {
            NuisanceKind.Mulch => Mulch(n, across, e, s, ground),
            NuisanceKind.PaddyFlooded => Flooded(n.Seed, (n.Variant & 1) == 1, along, e, s, ground),
            NuisanceKind.PondDrained or NuisanceKind.PondRefilled => PondBed(n, x, y, e, s),
            NuisanceKind.Haze => Haze(n, e, s, ground),
            NuisanceKind.SeasonSwap => Rotation(n, d.Index, along, across, e, s),
            NuisanceKind.Road => Track(n, along, e, s),
            _ => Demolished(n, e, s),
        };
    }

    /// <summary>
    /// Film in beds along the rows, 1.6 to 2.4 m wide, with 0.8 m of bare furrow between (a period of 2.4 to 3.2 m, the
    /// furrow about a GF-2 pixel wide); flat, so no bright arch tops, unlike a greenhouse's 7 to 8 m bays. White film
    /// hides the field; clear film lets it show through its sheen.
    /// </summary>
    private static Vector4 Mulch(Nuisance n, double across, double e, double s, Vector4 ground)
    {
        const double furrow = 0.8;
        var period = 2.4 + 0.8 * Hash.Unit(n.Seed, 1, 0);
        var inPeriod = across - Math.Floor(across / period) * period;
        var noise = Hash.Value(e / 3, s / 3, n.Seed);
        if (inPeriod > period - furrow) return Spectra.Lerp(Spectra.SoilDry, Spectra.SoilWet, 0.4f) * (0.92f + 0.16f * noise);
        var white = (n.Variant & 1) == 0;
        var film = Spectra.Lerp(ground, white ? Spectra.MulchWhite : Spectra.MulchClear, white ? 0.9f : 0.6f);
        return film * (0.95f + 0.1f * noise);
    }

    /// <summary>Standing water over the field, turbid to green, with young rice in rows showing through (<paramref name="rice"/>).</summary>
    private static Vector4 Flooded(uint seed, bool rice, double along, double e, double s, Vector4 ground)
    {
        var water = Spectra.Lerp(Spectra.WaterTurbid, Spectra.WaterGreen, 0.2f + 0.5f * Hash.Unit(seed, 2, 0)) * (0.95f + 0.1f * Hash.Value(e / 10, s / 10, seed));
        if (rice) water = Spectra.Lerp(water, Spectra.Vegetation, 0.12f + 0.05f * MathF.Sin((float)(along * (2 * Math.PI / 2.5))));
        return Spectra.Lerp(ground, water, 0.92f);
    }

    /// <summary>A drained pond's bed: wet mud drying to pale grey-brown in patches, with a puddle in the middle on odd variants.</summary>
    private static Vector4 PondBed(Nuisance n, double x, double y, double e, double s)
    {
        double hw = (n.P1 - n.P0) / 2, hh = (n.Q1 - n.Q0) / 2;
        double dx = (x - hw) / hw, dy = (y - hh) / hh;
        if ((n.Variant & 1) == 1 && dx * dx + dy * dy < 0.1 + 0.08 * Hash.Value(e / 5, s / 5, n.Seed ^ 0x9D1Eu))
            return Spectra.WaterTurbid * (0.95f + 0.1f * Hash.Value(e / 8, s / 8, n.Seed));
        var dry = Math.Clamp(1.4f * Hash.Fractal(e / 7, s / 7, n.Seed) - 0.1f, 0f, 1f);
        var mud = Spectra.Lerp(Spectra.SoilWet, Spectra.SoilDry * 1.05f, dry);
        return mud * (0.94f + 0.12f * Hash.Value(e / 1.5, s / 1.5, n.Seed ^ 0x3Du));
    }

    /// <summary>Thin haze: added reflectance, bluest, fading smoothly from the centre to nothing at the rim, a little lumpy.</summary>
    private static Vector4 Haze(Nuisance n, double e, double s, Vector4 ground)
    {
        double de = e - n.CentreE, ds = s - n.CentreS;
        var t = (float)Math.Max(0, 1 - (de * de + ds * ds) / (n.Radius * n.Radius));
        var weight = t * t * (0.8f + 0.4f * Hash.Fractal(e / 40, s / 40, n.Seed));
        return ground + Spectra.HazeTint * (n.Strength * weight);
    }

    /// <summary>
    /// A crop rotation, drawn on both dates: rapeseed in flower then ploughed soil, green wheat then flooded rice, bare
    /// soil then vegetables, green wheat then stubble (by variant).
    /// </summary>
    private static Vector4 Rotation(Nuisance n, int date, double along, double across, double e, double s)
    {
        var seed = n.Seed;
        var soil = Spectra.Lerp(Spectra.SoilDry, Spectra.SoilWet, 0.25f + 0.5f * Hash.Unit(seed, 6, 0));
        var variation = 0.88f + 0.24f * Hash.Value(along / 25, across / 25, seed);
        var noise = Hash.Value(e / 4, s / 4, seed ^ 0x51u);
        var rows = 1 + 0.08f * MathF.Sin((float)(along * (2 * Math.PI / 2.5)));
        Vector4 Crop(Vector4 veg, float growth) => Spectra.Lerp(soil, veg, Math.Clamp(growth * variation * rows, 0f, 1f));
        Vector4 Bare(float furrowPeriod) => soil * (0.9f + 0.2f * noise) * (1 + 0.07f * MathF.Sin((float)(across * (2 * Math.PI / furrowPeriod))));
        return (n.Variant & 3, date) switch
        {
            (0, 0) => Crop(Spectra.Lerp(Spectra.Vegetation, Spectra.RapeseedFlower, 0.85f), 0.85f),
            (0, _) => Bare(1.6f),
            (1, 0) => Crop(Spectra.Vegetation, 0.7f),
            (1, _) => Flooded(seed, true, along, e, s, soil),
            (2, 0) => Bare(3.0f),
            (2, _) => Crop(Spectra.Vegetation, 0.8f),
            (_, 0) => Crop(Spectra.Vegetation, 0.75f),
            _ => Spectra.Lerp(soil, Spectra.Straw, 0.7f) * (0.9f + 0.2f * noise),
        };
    }

    /// <summary>A new track: compacted dirt with two darker wheel ruts, or (variant 3) fresh concrete.</summary>
    private static Vector4 Track(Nuisance n, double along, double e, double s)
    {
        var noise = Hash.Value(e / 2, s / 2, n.Seed);
        if ((n.Variant & 3) == 3) return Spectra.Concrete * (1.05f + 0.08f * noise);
        var width = n.AlongP ? n.P1 - n.P0 : n.Q1 - n.Q0;
        var t = along / width;
        var rut = Math.Abs(t - 0.3) * width < 0.35 || Math.Abs(t - 0.7) * width < 0.35;
        return Spectra.DirtRoad * (0.92f + 0.16f * noise) * (rut ? 0.82f : 1f);
    }

    /// <summary>A demolished building: broken concrete and spoil, grey-brown and rough, with patches of brick from a house (variant 0).</summary>
    private static Vector4 Demolished(Nuisance n, double e, double s)
    {
        var debris = Debris(n.Seed, e, s);
        var brick = n.Variant == 0 && Hash.Value(e / 1.4, s / 1.4, n.Seed ^ 0xB21Cu) > 0.64f;
        return brick ? Spectra.Lerp(debris, Spectra.RoofRedTile * 1.2f, 0.4f) : debris;
    }

    // ------------------------------------------------------------------ construction stages (building changes)

    /// <summary>
    /// A building change not yet roofed, in its object frame (<paramref name="a"/> along its axis, <paramref name="b"/>
    /// across): scraped bright soil with machine tracks along the long side, or a grid of concrete ground beams every
    /// 4 to 6 m and round the edge on darker excavated soil. Flat: no shadow.
    /// </summary>
    private static Vector4 Construction(ChangeObject c, double a, double b, double e, double s)
    {
        var n = Hash.Fractal(e / 4, s / 4, c.Seed ^ 0xC1EA2u);
        if (c.Stage == BuildingStage.Cleared)
        {
            var across = c.HalfW >= c.HalfH ? b : a;
            var tracks = 1 + 0.06f * MathF.Sin((float)(across * (2 * Math.PI / 2.6)));
            return Spectra.Lerp(Spectra.SoilDry, Spectra.Spoil, 0.4f) * (0.88f + 0.24f * n) * tracks;
        }
        var spacing = 4 + 2 * Hash.Unit(c.Seed, 41, 0);
        const double beam = 0.8;
        double ga = a + c.HalfW, gb = b + c.HalfH;   // from the corner
        var onBeam = ga - Math.Floor(ga / spacing) * spacing < beam || gb - Math.Floor(gb / spacing) * spacing < beam
            || ga > 2 * c.HalfW - beam || gb > 2 * c.HalfH - beam;
        return onBeam ? Spectra.Concrete * 1.1f * (0.95f + 0.1f * n) : Spectra.Lerp(Spectra.SoilWet, Spectra.SoilDry, 0.5f) * (0.9f + 0.2f * n);
    }
}
