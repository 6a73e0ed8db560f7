namespace WeiPian.Synth;

/// <summary>The third date's plan: each change's fate and the clouds that hide some of them.</summary>
internal sealed partial class Layout
{
    // ------------------------------------------------------------------ the third date (rectification recheck)

    private void PlanRecheck(Rng rng, SynthOptions o)
    {
        var season = (float)rng.Uniform(-0.05, 0.35);
        Newest = Look(rng.Fork(), 2, After.Date.AddDays(rng.Next(150, 330)), season, Gsd, o);
        var fates = rng.Fork();
        var clouds = rng.Fork();
        foreach (var c in Changes) c.Recheck = PlanFate(fates, c);
        // Clouds planted on purpose over the changes fated to be hidden; they and their shadows must miss every other change.
        foreach (var c in Changes)
        {
            if (c.Recheck!.Fate != RecheckFate.Clouded) continue;
            if (CloudOver(clouds, c) is { } cover) NewestClouds.Add(cover);
            else c.Recheck = new RecheckPlan
            {
                Fate = c.Recheck.Hidden, Hidden = c.Recheck.Hidden, Surface = c.Recheck.Surface,
                CutAlongA = c.Recheck.CutAlongA, CutSign = c.Recheck.CutSign, Cut = c.Recheck.Cut,
            };
        }
        // And a few elsewhere, clear of the changes, as on the after date.
        var areaKm2 = SceneWidthM * SceneHeightM / 1e6;
        var count = Math.Max(1, (int)Math.Round(areaKm2 * clouds.Uniform(0.3, 1.0)));
        for (int placed = 0, attempts = 0; placed < count && attempts < 40 * count; attempts++)
        {
            var r = clouds.Uniform(30, Math.Min(110, Math.Min(SceneWidthM, SceneHeightM) / 6));
            var cloud = Cloud.Draw(clouds, clouds.Uniform(0, SceneWidthM), clouds.Uniform(0, SceneHeightM), r);
            if (!ClearOfChanges(cloud, null)) continue;
            NewestClouds.Add(cloud);
            placed++;
        }
    }

    private static RecheckPlan PlanFate(Rng rng, ChangeObject c)
    {
        var x = rng.NextDouble();
        var fate = x switch
        {
            < 0.15 => RecheckFate.Clouded,
            < 0.50 => RecheckFate.Restored,
            < 0.70 => RecheckFate.Partly,
            < 0.82 => c.Class is ChangeClass.Building or ChangeClass.Facility ? RecheckFate.Rubble : RecheckFate.Untouched,
            _ => RecheckFate.Untouched,
        };
        var hidden = rng.Chance(0.5) ? RecheckFate.Restored : RecheckFate.Untouched;
        var surface = rng.Chance(0.5) ? RestoredSurface.Crops : RestoredSurface.Ploughed;
        var alongA = c.HalfW >= c.HalfH;
        var half = alongA ? c.HalfW : c.HalfH;
        var share = rng.Uniform(0.4, 0.6);
        var sign = rng.Chance(0.5) ? 1 : -1;
        var shown = fate == RecheckFate.Clouded ? hidden : fate;
        return new RecheckPlan
        {
            Fate = fate,
            Hidden = hidden,
            Surface = shown is RecheckFate.Restored or RecheckFate.Partly ? surface : RestoredSurface.None,
            CutAlongA = alongA,
            CutSign = sign,
            Cut = (2 * share - 1) * half,
        };
    }

    /// <summary>A cloud wholly covering the change (its wobbly edge at least 6 m outside the outline), with its shadow, both clear of other changes.</summary>
    private Cloud? CloudOver(Rng rng, ChangeObject c)
    {
        var o = c.Outline;
        var reach = 0.0;
        for (var k = 0; k < o.E.Length; k++) reach = Math.Max(reach, Math.Sqrt(Math.Pow(o.E[k] - c.CentreE, 2) + Math.Pow(o.S[k] - c.CentreS, 2)));
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var cloud = Cloud.Draw(rng, c.CentreE + rng.Uniform(-4, 4), c.CentreS + rng.Uniform(-4, 4), (reach + 10) / 0.7);
            if (ClearOfChanges(cloud, c)) return cloud;
        }
        return null;
    }
}
