using System.Numerics;

namespace WeiPian.Synth;

/// <summary>The newest date of a rectification recheck: restored, partly restored, untouched and demolished changes.</summary>
internal sealed partial class Renderer
{
    // ------------------------------------------------------------------ the newest date (rectification recheck)

    /// <summary>Still-standing change per pixel of a row on the newest date: its class where not restored, else 0.</summary>
    public void NewestTruthRow(int row, IReadOnlyList<ChangeObject> changes, Span<byte> truth)
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
            {
                var e = (col + 0.5) * gsd;
                if (truth[col] == 0 && o.Contains(e, s) && !c.RestoredAt(e, s)) truth[col] = (byte)c.Class;
            }
        }
    }

    private Vector4 OverlayNewest(IReadOnlyList<ChangeObject> changes, DateLook d, double e, double s, Vector4 ground)
    {
        for (var k = 0; k < changes.Count; k++)
        {
            var c = changes[k];
            var o = c.Outline;
            var plan = c.Recheck!;
            if (o.Contains(e, s))
            {
                if (c.RestoredAt(e, s)) return Restored(c, plan.Surface, d, e, s);
                return plan.Shown == RecheckFate.Rubble ? Rubble(c, e, s) : Shade(c, d, e, s);
            }
            if (c.Class == ChangeClass.Building && c.Stage == BuildingStage.Finished && plan.Shown is RecheckFate.Untouched or RecheckFate.Partly)
            {
                // Shadow of what still stands.
                var len = d.ShadowLength * 1.8;
                double e1 = e + SunDir.E * len * 0.5, s1 = s + SunDir.S * len * 0.5, e2 = e + SunDir.E * len, s2 = s + SunDir.S * len;
                if ((o.Contains(e1, s1) && !c.RestoredAt(e1, s1)) || (o.Contains(e2, s2) && !c.RestoredAt(e2, s2)))
                    return ground * Spectra.ShadowFactor;
            }
        }
        return ground;
    }

    /// <summary>Reclaimed ground: crops in rows along the object's axis, or ploughed soil with furrows.</summary>
    private static Vector4 Restored(ChangeObject c, RestoredSurface surface, DateLook d, double e, double s)
    {
        double de = e - c.CentreE, ds = s - c.CentreS;
        var across = -de * c.AxisS + ds * c.AxisE;
        var n = Hash.Value(e / 6, s / 6, c.Seed ^ 0x5EEDu);
        var moisture = Hash.Unit(c.Seed, 31, 0);
        var soil = Spectra.Lerp(Spectra.SoilDry, Spectra.SoilWet, 0.2f + 0.5f * moisture);
        if (surface == RestoredSurface.Crops)
        {
            var growth = Math.Clamp(0.45f + 0.4f * Hash.Unit(c.Seed, 32, 0) + 0.5f * d.Season, 0.35f, 0.95f);
            var rows = 1 + 0.08f * MathF.Sin((float)(across * (2 * Math.PI / 2.5)));
            return Spectra.Lerp(soil, Spectra.Vegetation, Math.Clamp(growth * (0.88f + 0.24f * n) * rows, 0f, 1f));
        }
        var furrow = 1 + 0.07f * MathF.Sin((float)(across * (2 * Math.PI / 1.6)));
        return Spectra.Lerp(soil, Spectra.Vegetation, 0.04f) * (0.9f + 0.2f * n) * furrow;
    }

    /// <summary>Demolition left in place: broken concrete, brick and spoil, bright and rough.</summary>
    private static Vector4 Rubble(ChangeObject c, double e, double s) => Debris(c.Seed, e, s);

    /// <summary>Broken concrete and spoil: the rubble of <see cref="Rubble"/> and of a demolition nuisance.</summary>
    private static Vector4 Debris(uint seed, double e, double s)
    {
        var n = Hash.Fractal(e / 2, s / 2, seed ^ 0xDEB215u);
        var m = Hash.Value(e / 0.9, s / 0.9, seed ^ 0xB1C4u);
        var mix = Spectra.Lerp(Spectra.Concrete, Spectra.Spoil, n);
        return m < 0.3f ? mix * 0.62f : mix * (0.88f + 0.3f * m);
    }
}
