using System.Numerics;
using System.Runtime.CompilerServices;

namespace WeiPian.Synth;

/// <summary>
/// Computes pixels from a <see cref="Layout"/>, one row at a time: the ground of each date at its grid's pixel
/// centres, the nuisances that alter it on either date, the planted changes in the after date, clouds (as nodata or painted), sensor response and noise, and the
/// truth classes. A pixel is a pure function of (layout, date, grid, row, column), so rows can be rendered in any order.
/// </summary>
internal sealed partial class Renderer(Layout layout)
{
    private const float Gain = 1000f;     // DN per unit reflectance: 10-bit data with headroom for bright roofs
    private const float NoiseDn = 2.5f;   // sensor noise, DN (one sigma)

    // Direction towards the sun (south-east) in scene-local metres; shadows fall the other way.
    private static readonly (double E, double S) SunDir = (0.7526, 0.6585);

    private readonly Layout _l = layout;

    /// <summary>
    /// Renders one row of a date on its grid to four band rows of DN at the date's bit depth (8-bit dates at 10 bits,
    /// for <see cref="DnStretch"/>). 0 is nodata: off the scene's ground, or under a flagged cloud or its shadow.
    /// <paramref name="clouds"/> are that date's clouds (none for the before date); <paramref name="g"/> places the pixels.
    /// </summary>
    public void RenderRow(DateLook d, GridStrip g, int row, IReadOnlyList<ChangeObject> changes, IReadOnlyList<Cloud> clouds,
        Span<ushort> blue, Span<ushort> green, Span<ushort> red, Span<ushort> nir)
    {
        double sceneW = _l.SceneWidthM, sceneH = _l.SceneHeightM;
        var bits = d.BitDepth == 8 ? 10 : d.BitDepth;
        var scale = (float)(1 << (bits - 10));
        var max = (float)((1 << bits) - 1);
        var sensor = d.Sensor;
        var seed = d.Seed;
        var nuisances = d.Index < 2 ? _l.NuisanceIndex : null;   // the newest date shows none
        for (var col = 0; col < blue.Length; col++)
        {
            var (e, s) = g.At(col, row);
            if (e < 0 || s < 0 || e >= sceneW || s >= sceneH)
            {
                blue[col] = green[col] = red[col] = nir[col] = 0;
                continue;
            }
            e += d.ShiftE;
            s += d.ShiftS;
            if (d.Index != 0 && d.CloudsFlagged && UnderCloud(clouds, e, s))
            {
                blue[col] = green[col] = red[col] = nir[col] = 0;
                continue;
            }
            var r = Ground(d, e, s);
            if (nuisances?.At(e, s, d.Index, _l) is { } nuisance) r = ShadeNuisance(nuisance, d, e, s, r);
            if (d.Index == 1) r = Overlay(changes, d, e, s, r);
            else if (d.Index == 2) r = OverlayNewest(changes, d, e, s, r);
            if (!d.CloudsFlagged)
                for (var k = 0; k < clouds.Count; k++) r = clouds[k].Paint(e, s, r);
            if (!sensor.IsNative) r = sensor.Mix(r);
            var hazeScale = 1 + d.HazeGradient * (float)(e / sceneW - 0.5);
            blue[col] = Dn(r.X, d.Gain[0] * sensor.Gains[0], d.Haze[0] * hazeScale + sensor.Offsets[0], Hash.Gauss((uint)col, (uint)row, seed), scale, max);
            green[col] = Dn(r.Y, d.Gain[1] * sensor.Gains[1], d.Haze[1] * hazeScale + sensor.Offsets[1], Hash.Gauss((uint)col, (uint)row, seed + 1), scale, max);
            red[col] = Dn(r.Z, d.Gain[2] * sensor.Gains[2], d.Haze[2] * hazeScale + sensor.Offsets[2], Hash.Gauss((uint)col, (uint)row, seed + 2), scale, max);
            nir[col] = Dn(r.W, d.Gain[3] * sensor.Gains[3], d.Haze[3] * hazeScale + sensor.Offsets[3], Hash.Gauss((uint)col, (uint)row, seed + 3), scale, max);
        }
    }

    /// <summary>
    /// The after date's cloud truth on its grid: 1 under a cloud (from its hazy edge in), 2 under only a cloud's shadow,
    /// 0 clear or off the ground, where the clouds are rendered (with the date's misregistration).
    /// </summary>
    public void CloudRow(DateLook d, GridStrip g, int row, IReadOnlyList<Cloud> clouds, Span<byte> mask)
    {
        mask.Clear();
        if (clouds.Count == 0) return;
        double sceneW = _l.SceneWidthM, sceneH = _l.SceneHeightM;
        for (var col = 0; col < mask.Length; col++)
        {
            var (e, s) = g.At(col, row);
            if (e < 0 || s < 0 || e >= sceneW || s >= sceneH) continue;
            e += d.ShiftE;
            s += d.ShiftS;
            for (var k = 0; k < clouds.Count && mask[col] != 1; k++)
            {
                var c = clouds[k].Class(e, s);
                if (c != 0) mask[col] = c;
            }
        }
    }

    /// <summary>Truth class of each pixel of a row: the change whose outline holds the pixel centre.</summary>
    public void TruthRow(int row, IReadOnlyList<ChangeObject> changes, Span<byte> truth)
    {
        truth.Clear();
        var gsd = _l.Gsd;
        var s = (row + 0.5) * gsd;
        foreach (var c in changes)
        {
            var o = c.Outline;
            if (s < o.MinS || s > o.MaxS) continue;
            var c0 = Math.Max(0, (int)Math.Floor(o.MinE / gsd - 1));
            var c1 = Math.Min(_l.Width - 1, (int)Math.Ceiling(o.MaxE / gsd + 1));
            for (var col = c0; col <= c1; col++)
                if (truth[col] == 0 && o.Contains((col + 0.5) * gsd, s)) truth[col] = (byte)c.Class;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort Dn(float reflectance, float gain, float haze, float noise, float scale, float max)
    {
        var v = (reflectance * Gain * gain + haze + noise * NoiseDn) * scale;
        return (ushort)Math.Clamp(MathF.Round(v), 1f, max);
    }

    private static bool UnderCloud(IReadOnlyList<Cloud> clouds, double e, double s)
    {
        for (var k = 0; k < clouds.Count; k++) if (clouds[k].Covers(e, s)) return true;
        return false;
    }

    // ------------------------------------------------------------------ ground

    private Vector4 Ground(DateLook d, double e, double s)
    {
        var (p, q) = _l.ToRotated(e, s);
        var i = Layout.Find(_l.RoadP, p);
        var j = Layout.Find(_l.RoadQ, q);
        double u = p - _l.RoadP[i], v = q - _l.RoadQ[j];
        double uEnd = _l.RoadP[i + 1] - p, vEnd = _l.RoadQ[j + 1] - q;
        var road = RoadHalf(u, _l.RoadHalfP[i], uEnd, _l.RoadHalfP[i + 1], v, _l.RoadHalfQ[j], vEnd, _l.RoadHalfQ[j + 1]);
        if (road > 0)
        {
            var n = Hash.Value(e / 3, s / 3, 99);
            return (road > 3 ? Spectra.Lerp(Spectra.Asphalt, Spectra.Concrete, 0.3f) : Spectra.DirtRoad) * (0.92f + 0.16f * n);
        }
        ref var b = ref _l.BlockAt(i, j);
        return b.Class switch
        {
            LandClass.Paddy or LandClass.Irrigated or LandClass.Dry => Farmland(d, in b, u, v),
            LandClass.Forest => Forest(b.Seed, e, s),
            LandClass.Grass => Grass(d, b.Seed, e, s),
            LandClass.Village => Village(d, b.Seed, u, v, e, s),
            LandClass.Industrial => Industrial(d, b.Seed, u, v),
            LandClass.Pond => Ponds(d, b.Seed, u, v, e, s),
            LandClass.Facility => Greenhouses(b.Seed, u, v, e, s, 8.0),
            LandClass.Mining => Pit(b.Seed, u + v * 0.3, e, s),
            _ => Spectra.Lerp(Spectra.SoilDry, Spectra.Spoil, 0.3f) * (0.9f + 0.2f * Hash.Fractal(e / 6, s / 6, b.Seed)),
        };
    }

    private static float RoadHalf(double u, float hu, double uEnd, float huEnd, double v, float hv, double vEnd, float hvEnd)
    {
        if (u < hu) return hu;
        if (uEnd < huEnd) return huEnd;
        if (v < hv) return hv;
        if (vEnd < hvEnd) return hvEnd;
        return 0;
    }

    private static Vector4 Farmland(DateLook d, in Block b, double u, double v)
    {
        var across = b.FieldsAlongP ? v : u;
        var along = b.FieldsAlongP ? u : v;
        var field = (int)Math.Floor(across / b.FieldWidth);
        var inField = across - field * b.FieldWidth;
        var fs = Hash.Mix(b.Seed, (uint)field, 7);
        var variation = 0.85f + 0.3f * Hash.Value(along / 25, across / 25, fs);
        var moisture = Hash.Unit(fs, 6, 0);
        var soil = Spectra.Lerp(Spectra.SoilDry, Spectra.SoilWet, 0.25f + 0.5f * moisture);
        if (inField < 0.7) // ridge between fields
            return Spectra.Lerp(soil, Spectra.Vegetation, 0.35f) * variation;

        float growth;
        var water = 0f;
        var flower = 0f;
        if (d.Index == 2)
        {
            // A later season: each field's own event and growth, drawn independently of the after date's.
            if (b.Crop == 0) { water = 0.1f; growth = 0.4f + 0.5f * Hash.Unit(fs, 3, 2); }
            else growth = Hash.Unit(fs, 2, 2) < 0.2f ? 0.03f : Math.Clamp(0.15f + 0.7f * Hash.Unit(fs, 1, 2) + d.Season, 0.02f, 0.95f);
        }
        else if (b.Crop == 0)
        {
            if (d.Index == 0) { water = 0.3f + 0.6f * Hash.Unit(fs, 1, 0); growth = 0.1f * Hash.Unit(fs, 2, 0); }
            else { water = 0.15f; growth = 0.45f + 0.45f * Hash.Unit(fs, 3, 0); }
        }
        else
        {
            var g0 = 0.1f + 0.8f * Hash.Unit(fs, 1, 0);
            var evt = Hash.Unit(fs, 2, 0);
            float g1;
            if (evt < 0.18f) g1 = 0.03f;                                           // harvested and ploughed
            else if (evt < 0.28f) { g0 = 0.03f; g1 = 0.25f + 0.3f * Hash.Unit(fs, 4, 0); } // newly sown
            else g1 = Math.Clamp(g0 + d.Season + 0.15f * (Hash.Unit(fs, 5, 0) - 0.5f), 0.02f, 0.95f);
            growth = d.Index == 0 ? g0 : g1;
            if (b.Crop == 2 && d.Index == 0 && g0 > 0.5f) flower = 0.6f;           // rapeseed in flower in spring
        }
        var rows = 1 + 0.08f * MathF.Sin((float)(along * (2 * Math.PI / 2.5)));
        var g = Math.Clamp(growth * variation * rows, 0f, 1f);
        var veg = flower > 0 ? Spectra.Lerp(Spectra.Vegetation, Spectra.RapeseedFlower, flower) : Spectra.Vegetation;
        var r = Spectra.Lerp(soil, veg, g);
        if (water > 0) r = Spectra.Lerp(r, Spectra.Lerp(Spectra.WaterTurbid, Spectra.WaterGreen, g), water);
        return r;
    }

    private static Vector4 Forest(uint seed, double e, double s)
    {
        var n = Hash.Fractal(e / 4, s / 4, seed);
        var canopy = Spectra.Canopy * (0.8f + 0.5f * n);
        return n < 0.35f ? canopy * Spectra.ShadowFactor * 1.4f : canopy;
    }

    private static Vector4 Grass(DateLook d, uint seed, double e, double s)
    {
        var n = Hash.Fractal(e / 8, s / 8, seed);
        var g = Math.Clamp(0.35f + 0.35f * n + (d.Index >= 1 ? 0.5f * d.Season : 0), 0f, 0.95f);
        return Spectra.Lerp(Spectra.SoilDry, Spectra.Vegetation, g);
    }

    private static Vector4 Village(DateLook d, uint seed, double u, double v, double e, double s)
    {
        const double cell = 13;
        int ci = (int)Math.Floor(u / cell), cj = (int)Math.Floor(v / cell);
        var h = Hash.Mix(seed, (uint)ci, (uint)cj);
        double uc = u - ci * cell, vc = v - cj * cell;
        var has = (h & 0xFF) < 166;
        double x0 = 1.5 + 2 * ((h >> 8) & 0xF) / 15.0, y0 = 1.5 + 2 * ((h >> 12) & 0xF) / 15.0;
        double w = 8 + 2.5 * ((h >> 16) & 0xF) / 15.0, hh = 8.5 + 2.5 * ((h >> 20) & 0xF) / 15.0;
        if (has && uc >= x0 && uc < x0 + w && vc >= y0 && vc < y0 + hh)
        {
            var roof = Spectra.VillageRoof((int)(h >> 24));
            return (vc - y0 < hh / 2 ? roof * 1.05f : roof * 0.92f);   // two roof slopes, lit differently
        }
        var yard = Hash.Fractal(e / 5, s / 5, seed ^ 0xABCD);
        var ground = yard < 0.45f ? Spectra.Concrete * 0.85f : yard < 0.7f ? Spectra.Lerp(Spectra.SoilDry, Spectra.Vegetation, 0.4f) : Spectra.Canopy;
        if (has && InRect(uc + d.ShadowLength * 0.7, vc + d.ShadowLength * 0.7, x0, y0, w, hh)) ground *= Spectra.ShadowFactor;
        return ground;
    }

    private static Vector4 Industrial(DateLook d, uint seed, double u, double v)
    {
        const double cell = 45;
        int ci = (int)Math.Floor(u / cell), cj = (int)Math.Floor(v / cell);
        var h = Hash.Mix(seed, (uint)ci, (uint)cj);
        double uc = u - ci * cell, vc = v - cj * cell;
        if ((h & 0xFF) < 200 && InRect(uc, vc, 5, 5, cell - 10, cell - 12))
            return ((h >> 8) & 3) switch { 0 => Spectra.RoofBlueSteel, 1 => Spectra.RoofWhite * 0.95f, _ => Spectra.RoofGrey };
        var ground = Spectra.Concrete * 0.95f;
        if ((h & 0xFF) < 200 && InRect(uc + d.ShadowLength * 1.5, vc + d.ShadowLength * 1.5, 5, 5, cell - 10, cell - 12))
            ground *= Spectra.ShadowFactor;
        return ground;
    }

    private static Vector4 Ponds(DateLook d, uint seed, double u, double v, double e, double s)
    {
        const double cell = 55;
        int ci = (int)Math.Floor(u / cell), cj = (int)Math.Floor(v / cell);
        double uc = u - ci * cell, vc = v - cj * cell;
        if (uc < 2.5 || vc < 2.5) return Spectra.Lerp(Spectra.SoilWet, Spectra.Vegetation, 0.45f);
        var t = Hash.Unit(Hash.Mix(seed, (uint)ci, (uint)cj), (uint)d.Index, 11);
        var water = t < 0.5f ? Spectra.Lerp(Spectra.WaterClear, Spectra.WaterTurbid, 2 * t) : Spectra.Lerp(Spectra.WaterTurbid, Spectra.WaterGreen, 2 * t - 1);
        return water * (0.95f + 0.1f * Hash.Value(e / 10, s / 10, seed));
    }

    private static Vector4 Greenhouses(uint seed, double u, double v, double e, double s, double period)
    {
        var k = u / period;
        var frac = k - Math.Floor(k);
        var film = frac < 0.85;
        var n = 0.9f + 0.2f * Hash.Value(e / 6, s / 6, seed);
        if (!film) return Spectra.Lerp(Spectra.SoilWet, Spectra.Vegetation, 0.3f);
        var arch = 0.9f + 0.2f * (float)Math.Sin(frac / 0.85 * Math.PI);   // the film arches: brighter on top
        _ = v;
        return Spectra.GreenhouseFilm * n * arch;
    }

    private static Vector4 Pit(uint seed, double radial, double e, double s)
    {
        var terrace = radial / 5.0;
        var step = terrace - Math.Floor(terrace) < 0.6;
        var n = Hash.Fractal(e / 3, s / 3, seed);
        var rock = step ? Spectra.BareRock : Spectra.BareRock * 0.72f;
        return n > 0.62f ? Spectra.Spoil * (0.95f + 0.2f * n) : rock * (0.9f + 0.2f * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InRect(double x, double y, double x0, double y0, double w, double h) =>
        x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;

    // ------------------------------------------------------------------ planted changes (after date)

    private Vector4 Overlay(IReadOnlyList<ChangeObject> changes, DateLook d, double e, double s, Vector4 ground)
    {
        for (var k = 0; k < changes.Count; k++)
        {
            var c = changes[k];
            var o = c.Outline;
            if (o.Contains(e, s)) return Shade(c, d, e, s);
            if (c.Class == ChangeClass.Building && c.Stage == BuildingStage.Finished)
            {
                // Shadow: the building lies between this point and the sun (a site still at ground level casts none).
                var len = d.ShadowLength * 1.8;
                if (o.Contains(e + SunDir.E * len * 0.5, s + SunDir.S * len * 0.5) || o.Contains(e + SunDir.E * len, s + SunDir.S * len))
                    return ground * Spectra.ShadowFactor;
            }
        }
        return ground;
    }

    private static Vector4 Shade(ChangeObject c, DateLook d, double e, double s)
    {
        // Object frame: a along the axis, b across it.
        double de = e - c.CentreE, ds = s - c.CentreS;
        var a = de * c.AxisE + ds * c.AxisS;
        var b = -de * c.AxisS + ds * c.AxisE;
        var n = Hash.Value(e / 4, s / 4, c.Seed);
        switch (c.Class)
        {
            case ChangeClass.Building:
                {
                    if (c.Stage != BuildingStage.Finished) return Construction(c, a, b, e, s);
                    var roof = Spectra.NewRoof(c.Variant);
                    var ridge = c.HalfW > c.HalfH ? b : a;
                    return roof * (ridge < 0 ? 1.04f : 0.94f) * (0.97f + 0.06f * n);
                }
            case ChangeClass.Pond:
                {
                    if (Math.Abs(a) > c.HalfW - 2.2 || Math.Abs(b) > c.HalfH - 2.2) return Spectra.Lerp(Spectra.SoilWet, Spectra.SoilDry, 0.5f) * (0.9f + 0.2f * n);
                    var water = (c.Variant & 3) switch { 0 => Spectra.WaterClear, 1 => Spectra.WaterTurbid, 2 => Spectra.WaterGreen, _ => Spectra.Lerp(Spectra.WaterClear, Spectra.WaterTurbid, 0.5f) };
                    return water * (0.95f + 0.1f * n);
                }
            case ChangeClass.Mining:
                {
                    var radial = Math.Sqrt(de * de + ds * ds);
                    if (c.Variant == 0 && radial < 0.22 * c.HalfW) return Spectra.WaterTurbid;
                    return Pit(c.Seed, radial, e, s);
                }
            default:
                return Greenhouses(c.Seed, (c.HalfW > c.HalfH ? b : a) + 100, 0, e, s, 7.0 + (c.Variant & 1));
        }
    }
}
