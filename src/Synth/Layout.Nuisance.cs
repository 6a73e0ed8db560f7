namespace WeiPian.Synth;

/// <summary>
/// The nuisances (<see cref="SynthOptions.Nuisances"/>): change between the dates that is not a violation, placed after
/// the true changes and clouds from a stream of their own and kept clear of them, so the true changes and clouds are
/// the same with or without nuisances. Also the construction stage of each building change.
/// </summary>
internal sealed partial class Layout
{
    // ------------------------------------------------------------------ nuisances

    /// <summary>Metres kept (edge to edge) between a nuisance and every planted change, cloud or cloud shadow: more than a building's longest shadow (9 m).</summary>
    public const double NuisanceMargin = 10;

    /// <summary>Metres kept between two nuisances, so each altered pixel belongs to one.</summary>
    public const double NuisanceGap = 5;

    private const int NuisanceAttempts = 60;

    /// <summary>The planted nuisances (empty without <see cref="SynthOptions.Nuisances"/>).</summary>
    public List<Nuisance> Nuisances { get; } = [];

    /// <summary>The nuisances by ground cell for rendering; null when there are none.</summary>
    public NuisanceIndex? NuisanceIndex { get; private set; }

    // Shares of the kinds after the first of each: field nuisances most, as on farmland they are most common.
    private static readonly (NuisanceKind Kind, double Share)[] KindShares =
    [
        (NuisanceKind.Mulch, 0.15), (NuisanceKind.PaddyFlooded, 0.14), (NuisanceKind.PondDrained, 0.08), (NuisanceKind.PondRefilled, 0.08),
        (NuisanceKind.Haze, 0.10), (NuisanceKind.SeasonSwap, 0.17), (NuisanceKind.Road, 0.16), (NuisanceKind.Rubble, 0.12),
    ];

    private void PlantNuisances(Rng rng, double perKm2)
    {
        // Half the building changes caught before their roof is on.
        foreach (var c in Changes)
            if (c.Class == ChangeClass.Building)
                c.Stage = rng.NextDouble() switch { < 0.5 => BuildingStage.Finished, < 0.75 => BuildingStage.Cleared, _ => BuildingStage.Foundation };

        var count = Math.Max(1, (int)Math.Round(SceneWidthM * SceneHeightM / 1e6 * perKm2));
        // Every kind once first, in a shuffled order, so a small scene shows them all; then by share.
        var first = NuisanceKinds.All.ToArray();
        for (var k = first.Length - 1; k > 0; k--)
        {
            var m = rng.Next(0, k + 1);
            (first[k], first[m]) = (first[m], first[k]);
        }
        for (var n = 0; n < count; n++)
        {
            var kind = n < first.Length ? first[n] : PickKind(rng);
            for (var attempt = 0; attempt < NuisanceAttempts; attempt++)
            {
                var obj = MakeNuisance(rng, kind);
                if (obj is null || !ClearForNuisance(obj.Outline)) continue;
                Nuisances.Add(obj);
                break;
            }
        }
        NuisanceIndex = new NuisanceIndex(Nuisances, SceneWidthM, SceneHeightM);
    }

    private static NuisanceKind PickKind(Rng rng)
    {
        var r = rng.NextDouble();
        foreach (var (kind, share) in KindShares)
        {
            r -= share;
            if (r < 0) return kind;
        }
        return NuisanceKind.SeasonSwap;
    }

    // Inside the scene, 2 m from its edge like the changes; clear of the changes, clouds and other nuisances.
    private bool ClearForNuisance(Shape o) =>
        o.MinE >= 2 && o.MinS >= 2 && o.MaxE <= SceneWidthM - 2 && o.MaxS <= SceneHeightM - 2
        && !Changes.Any(c => c.Outline.IsNear(o, NuisanceMargin))
        && !Clouds.Any(c => c.Body.IsNear(o, NuisanceMargin) || c.Shadow.IsNear(o, NuisanceMargin))
        && !Nuisances.Any(n => n.Outline.IsNear(o, NuisanceGap));

    private Nuisance? MakeNuisance(Rng rng, NuisanceKind kind) => kind switch
    {
        NuisanceKind.Haze => MakeHaze(rng),
        NuisanceKind.PondDrained or NuisanceKind.PondRefilled => MakePond(rng, kind),
        NuisanceKind.Rubble => MakeRubble(rng),
        _ => MakeField(rng, kind),
    };

    /// <summary>A random block of one of the classes, or null when the draw misses (the caller tries again).</summary>
    private (int I, int J)? DrawBlock(Rng rng, Func<LandClass, bool> wanted)
    {
        int i = rng.Next(0, CountP), j = rng.Next(0, CountQ);
        return wanted(BlockAt(i, j).Class) ? (i, j) : null;
    }

    /// <summary>A block's ground clear of its roads by <paramref name="gap"/> metres, in block-local (u, v) = (p, q) minus the block's corner.</summary>
    private (double U0, double U1, double V0, double V1) Interior(int i, int j, double gap) =>
        (RoadHalfP[i] + gap, RoadP[i + 1] - RoadP[i] - RoadHalfP[i + 1] - gap, RoadHalfQ[j] + gap, RoadQ[j + 1] - RoadQ[j] - RoadHalfQ[j + 1] - gap);

    /// <summary>A nuisance over the block-local rectangle [u0, u1] x [v0, v1] of block (i, j).</summary>
    private Nuisance Rectangle(int i, int j, double u0, double u1, double v0, double v1, NuisanceKind kind, NuisanceDate date, int variant, uint seed, bool alongP = true)
    {
        double p0 = RoadP[i] + u0, p1 = RoadP[i] + u1, q0 = RoadQ[j] + v0, q1 = RoadQ[j] + v1;
        return new Nuisance
        {
            Kind = kind,
            Date = date,
            Outline = RoundedRect((p0 + p1) / 2, (q0 + q1) / 2, p1 - p0, q1 - q0, 0),
            P0 = p0, P1 = p1, Q0 = q0, Q1 = q1,
            AlongP = alongP,
            Variant = variant,
            Seed = seed,
            Land = BlockAt(i, j).Class,
        };
    }

    /// <summary>
    /// Mulch, a flooded field, a crop rotation or a new track on a farmland block. The first three cover part of one field
    /// strip (between its ridges); the track crosses the strips, from one side of the block into it, 3 to 6 m wide.
    /// </summary>
    private Nuisance? MakeField(Rng rng, NuisanceKind kind)
    {
        // Mulch and flooding on dry-land crops: a rice paddy stands in water on the before date anyway, and carries no film.
        Func<LandClass, bool> wanted = kind is NuisanceKind.Mulch or NuisanceKind.PaddyFlooded ? c => c is LandClass.Irrigated or LandClass.Dry : LandClasses.IsFarmland;
        if (DrawBlock(rng, wanted) is not var (i, j)) return null;
        var b = BlockAt(i, j);
        var (u0, u1, v0, v1) = Interior(i, j, 1);
        // Along and across the strips, block-local.
        var (a0, a1, c0, c1) = b.FieldsAlongP ? (u0, u1, v0, v1) : (v0, v1, u0, u1);
        var variant = rng.Next(0, 4);
        var seed = (uint)rng.NextUInt64();
        double fa0, fa1, fc0, fc1;
        NuisanceDate date;
        if (kind == NuisanceKind.Road)
        {
            var width = rng.Uniform(3, 6);
            var length = (c1 - c0) * rng.Uniform(0.4, 1.0);
            if (a1 - a0 < width + 10 || length < 20) return null;
            fa0 = rng.Uniform(a0 + 5, a1 - 5 - width);
            fa1 = fa0 + width;
            (fc0, fc1) = rng.Chance(0.5) ? (c0, c0 + length) : (c1 - length, c1);
            date = NuisanceDate.After;
        }
        else
        {
            // One field strip: across [f W + 0.7, (f + 1) W] (the ridge is the first 0.7 m), wholly in the block.
            var w = b.FieldWidth;
            int f0 = (int)Math.Ceiling((c0 - 0.7) / w), f1 = (int)Math.Floor(c1 / w) - 1;
            if (f1 < f0) return null;
            var f = rng.Next(f0, f1 + 1);
            (fc0, fc1) = (f * w + 0.7, (f + 1) * w);
            var (lo, hi) = kind switch { NuisanceKind.Mulch => (20.0, 80.0), NuisanceKind.PaddyFlooded => (30.0, 120.0), _ => (30.0, 150.0) };
            var length = Math.Min(rng.Uniform(lo, hi), a1 - a0);
            if (length < lo) return null;
            fa0 = rng.Uniform(a0, a1 - length);
            fa1 = fa0 + length;
            date = kind switch
            {
                NuisanceKind.SeasonSwap => NuisanceDate.Both,
                NuisanceKind.PaddyFlooded => rng.Chance(0.5) ? NuisanceDate.Before : NuisanceDate.After,
                _ => NuisanceDate.After,
            };
        }
        return b.FieldsAlongP
            ? Rectangle(i, j, fa0, fa1, fc0, fc1, kind, date, variant, seed, alongP: true)
            : Rectangle(i, j, fc0, fc1, fa0, fa1, kind, date, variant, seed, alongP: false);
    }

    /// <summary>One fish pond of a pond block (a 55 m cell's water inside its 2.5 m dyke), drained on one date.</summary>
    private Nuisance? MakePond(Rng rng, NuisanceKind kind)
    {
        const double cell = 55, dyke = 2.5;   // as Renderer.Ponds draws them
        if (DrawBlock(rng, c => c == LandClass.Pond) is not var (i, j)) return null;
        var (u0, u1, v0, v1) = Interior(i, j, 0.5);
        int ci0 = (int)Math.Ceiling((u0 - dyke) / cell), ci1 = (int)Math.Floor(u1 / cell) - 1;
        int cj0 = (int)Math.Ceiling((v0 - dyke) / cell), cj1 = (int)Math.Floor(v1 / cell) - 1;
        if (ci1 < ci0 || cj1 < cj0) return null;
        int ci = rng.Next(ci0, ci1 + 1), cj = rng.Next(cj0, cj1 + 1);
        var date = kind == NuisanceKind.PondDrained ? NuisanceDate.After : NuisanceDate.Before;
        return Rectangle(i, j, ci * cell + dyke, (ci + 1) * cell, cj * cell + dyke, (cj + 1) * cell, kind, date, rng.Next(0, 4), (uint)rng.NextUInt64());
    }

    /// <summary>
    /// One existing building of a village (13 m cells) or industrial block (45 m cells), as Renderer.Village and
    /// Renderer.Industrial draw it, demolished by the after date. The outline takes in the shadow it cast on the
    /// before date (north-west of it, inside its cell), which goes with it.
    /// </summary>
    private Nuisance? MakeRubble(Rng rng)
    {
        if (DrawBlock(rng, c => c is LandClass.Village or LandClass.Industrial) is not var (i, j)) return null;
        var b = BlockAt(i, j);
        var village = b.Class == LandClass.Village;
        var cell = village ? 13.0 : 45.0;
        var (u0, u1, v0, v1) = Interior(i, j, 0.5);
        int ci0 = (int)Math.Ceiling(u0 / cell), ci1 = (int)Math.Floor(u1 / cell) - 1;
        int cj0 = (int)Math.Ceiling(v0 / cell), cj1 = (int)Math.Floor(v1 / cell) - 1;
        if (ci1 < ci0 || cj1 < cj0) return null;
        int ci = rng.Next(ci0, ci1 + 1), cj = rng.Next(cj0, cj1 + 1);
        var h = Hash.Mix(b.Seed, (uint)ci, (uint)cj);
        double x0, y0, x1, y1, shadow;
        if (village)
        {
            if ((h & 0xFF) >= 166) return null;   // no house in this cell
            x0 = 1.5 + 2 * ((h >> 8) & 0xF) / 15.0;
            y0 = 1.5 + 2 * ((h >> 12) & 0xF) / 15.0;
            x1 = Math.Min(cell, x0 + 8 + 2.5 * ((h >> 16) & 0xF) / 15.0);
            y1 = Math.Min(cell, y0 + 8.5 + 2.5 * ((h >> 20) & 0xF) / 15.0);
            shadow = Before.ShadowLength * 0.7;
        }
        else
        {
            if ((h & 0xFF) >= 200) return null;   // a yard, no building
            (x0, y0, x1, y1) = (5, 5, cell - 5, cell - 7);
            shadow = Before.ShadowLength * 1.5;
        }
        x0 = Math.Max(0, x0 - shadow - 0.3);
        y0 = Math.Max(0, y0 - shadow - 0.3);
        return Rectangle(i, j, ci * cell + x0, ci * cell + x1, cj * cell + y0, cj * cell + y1, NuisanceKind.Rubble, NuisanceDate.After,
            village ? 0 : 1, (uint)rng.NextUInt64());
    }

    /// <summary>A disc of thin haze, 35 to 100 m in radius, on one date; its outline a 24-gon around the disc.</summary>
    private Nuisance MakeHaze(Rng rng)
    {
        var r = rng.Uniform(35, 100);
        double ce = rng.Uniform(0, SceneWidthM), cs = rng.Uniform(0, SceneHeightM);
        const int vertices = 24;
        var outer = r / Math.Cos(Math.PI / vertices) + 0.1;
        var es = new double[vertices];
        var ss = new double[vertices];
        for (var k = 0; k < vertices; k++)
        {
            var t = 2 * Math.PI * k / vertices;
            es[k] = ce + outer * Math.Cos(t);
            ss[k] = cs + outer * Math.Sin(t);
        }
        return new Nuisance
        {
            Kind = NuisanceKind.Haze,
            Date = rng.Chance(0.5) ? NuisanceDate.Before : NuisanceDate.After,
            Outline = new Shape(es, ss),
            CentreE = ce,
            CentreS = cs,
            Radius = r,
            Strength = (float)rng.Uniform(0.03, 0.06),
            Variant = 0,
            Seed = (uint)rng.NextUInt64(),
        };
    }
}
