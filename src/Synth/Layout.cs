namespace WeiPian.Synth;

/// <summary>One land parcel between four roads: one DLTB polygon.</summary>
internal struct Block
{
    public LandClass Class;
    public byte County;
    public bool Basic;          // permanent basic farmland (YJJBNTTB)
    public uint Seed;
    public float FieldWidth;    // farmland: width of field strips in metres
    public bool FieldsAlongP;   // farmland: strips run along p (else along q)
    public byte Crop;           // farmland: 0 rice, 1 wheat, 2 rapeseed, 3 vegetables
}

/// <summary>How one acquisition date looks: illumination, haze, registration and season.</summary>
internal sealed class DateLook
{
    public required int Index { get; init; }           // 0 before, 1 after, 2 newest (rectification recheck)
    public required DateOnly Date { get; init; }
    public required float[] Gain { get; init; }        // per band
    public required float[] Haze { get; init; }        // per band, DN
    public required float HazeGradient { get; init; }  // relative change of haze across the scene, west to east
    public required double ShiftE { get; init; }       // misregistration, metres
    public required double ShiftS { get; init; }
    public required float ShadowLength { get; init; }  // building shadow length, metres
    public required float Season { get; init; }        // phenology offset added to crop growth
    public required uint Seed { get; init; }
    public int BitDepth { get; init; } = 10;           // of the values written (8: rendered at 10, then stretched)
    public SensorResponse Sensor { get; init; } = SensorResponse.Native;
    public bool CloudsFlagged { get; init; } = true;    // clouds and shadows as nodata, else painted
}

/// <summary>
/// The procedural landscape of one seed: a rotated grid of roads, the blocks between them with their
/// land class, county and farmland protection, the planted changes, the clouds, and the two dates.
/// Everything here is small (vectors and parameters); pixels are computed from it row by row.
/// </summary>
internal sealed partial class Layout
{
    public int Width { get; }
    public int Height { get; }
    public double Gsd { get; }
    public double Cos { get; }
    public double Sin { get; }
    public double[] RoadP { get; }
    public double[] RoadQ { get; }
    public float[] RoadHalfP { get; }
    public float[] RoadHalfQ { get; }
    public Block[] Blocks { get; }
    public int CountP => RoadP.Length - 1;
    public int CountQ => RoadQ.Length - 1;
    public int[] CountyBoundary { get; }               // per q-band: first p-block index of county 1
    public List<ChangeObject> Changes { get; } = [];
    public List<Cloud> Clouds { get; } = [];            // clouds and their shadows in the after image
    public DateLook Before { get; }
    public DateLook After { get; }
    public DateLook? Newest { get; private set; }       // the third date, only with SynthOptions.RecheckDate
    public List<Cloud> NewestClouds { get; } = [];      // clouds and their shadows: nodata in the newest image
    public double SceneWidthM => Width * Gsd;
    public double SceneHeightM => Height * Gsd;

    public Layout(SynthOptions o)
    {
        Width = o.Size;
        Height = o.Rows;
        Gsd = o.Gsd;
        var rng = new Rng((ulong)o.Seed * 0x9E3779B97F4A7C15UL + 0x632BE59BD9B4E019UL);
        var angle = rng.Uniform(-25, 25) * Math.PI / 180;
        Cos = Math.Cos(angle);
        Sin = Math.Sin(angle);

        // The rotated frame must cover the whole scene: project its corners.
        double pMin = double.MaxValue, pMax = double.MinValue, qMin = double.MaxValue, qMax = double.MinValue;
        foreach (var (e, s) in new[] { (0.0, 0.0), (SceneWidthM, 0.0), (0.0, SceneHeightM), (SceneWidthM, SceneHeightM) })
        {
            var (p, q) = ToRotated(e, s);
            pMin = Math.Min(pMin, p); pMax = Math.Max(pMax, p); qMin = Math.Min(qMin, q); qMax = Math.Max(qMax, q);
        }
        (RoadP, RoadHalfP) = Roads(rng.Fork(), pMin, pMax);
        (RoadQ, RoadHalfQ) = Roads(rng.Fork(), qMin, qMax);

        Blocks = new Block[CountP * CountQ];
        CountyBoundary = new int[CountQ];
        AssignBlocks(rng.Fork());

        var season = (float)rng.Uniform(0.15, 0.35);
        var year = 2024 + rng.Next(0, 2);
        var beforeDay = new DateOnly(year, 3, 1).AddDays(rng.Next(0, 45));
        Before = Look(rng.Fork(), 0, beforeDay, 0, o.Gsd, o);
        After = Look(rng.Fork(), 1, beforeDay.AddDays(rng.Next(60, 120)), season, o.Gsd, o);

        PlantChanges(rng.Fork(), o.ChangesPerKm2);
        var cloudRng = rng.Fork();
        if (o.Clouds != CloudMode.None) PlaceClouds(cloudRng);
        // The third date draws from a stream of its own, so the two dates above are the same with or without it.
        if (o.RecheckDate) PlanRecheck(new Rng(((ulong)o.Seed ^ 0x5EC4EC4B00DUL) * 0xD1B54A32D192ED03UL + 0x8BB84B93962EACC9UL), o);
        // So do the nuisances, placed clear of the changes and clouds above: with or without them those are the same.
        if (o.Nuisances > 0) PlantNuisances(new Rng(((ulong)o.Seed ^ 0x4E1C5A4CE5UL) * 0xD1B54A32D192ED03UL + 0x2545F4914F6CDD1DUL), o.Nuisances);
    }

    public (double P, double Q) ToRotated(double e, double s) => (e * Cos + s * Sin, -e * Sin + s * Cos);

    public (double E, double S) FromRotated(double p, double q) => (p * Cos - q * Sin, p * Sin + q * Cos);

    /// <summary>Index i with RoadP[i] &lt;= p &lt; RoadP[i+1] (clamped).</summary>
    public static int Find(double[] roads, double v)
    {
        int lo = 0, hi = roads.Length - 2;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >> 1;
            if (roads[mid] <= v) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    public ref Block BlockAt(int i, int j) => ref Blocks[j * CountP + i];

    /// <summary>A block's rectangle as a shape in scene-local metres (not clipped to the scene).</summary>
    public Shape BlockShape(int i, int j)
    {
        var corners = new[] { (RoadP[i], RoadQ[j]), (RoadP[i + 1], RoadQ[j]), (RoadP[i + 1], RoadQ[j + 1]), (RoadP[i], RoadQ[j + 1]) };
        return new Shape(corners.Select(c => FromRotated(c.Item1, c.Item2).E).ToArray(),
                         corners.Select(c => FromRotated(c.Item1, c.Item2).S).ToArray());
    }

    private static (double[] Positions, float[] HalfWidths) Roads(Rng rng, double min, double max)
    {
        var pos = new List<double>();
        var half = new List<float>();
        var v = min - rng.Uniform(20, 120);
        while (true)
        {
            pos.Add(v);
            half.Add(rng.Chance(0.15) ? (float)rng.Uniform(3.5, 5.5) : (float)rng.Uniform(1.2, 2.5));
            if (v > max) break;
            v += rng.Uniform(110, 240);
        }
        return (pos.ToArray(), half.ToArray());
    }

    private void AssignBlocks(Rng rng)
    {
        var shares = LandClasses.Shares;
        var boundary = CountP / 2;
        for (var j = 0; j < CountQ; j++)
        {
            // The county border follows roads: a staircase drifting around the middle of the scene.
            boundary = Math.Clamp(boundary + rng.Next(-1, 2) + (boundary < CountP / 2 - 2 ? 1 : boundary > CountP / 2 + 2 ? -1 : 0), 1, Math.Max(1, CountP - 1));
            CountyBoundary[j] = boundary;
            for (var i = 0; i < CountP; i++)
            {
                ref var b = ref BlockAt(i, j);
                if (i > 0 && rng.Chance(0.35)) b.Class = BlockAt(i - 1, j).Class;
                else if (j > 0 && rng.Chance(0.25)) b.Class = BlockAt(i, j - 1).Class;
                else b.Class = Pick(rng, shares);
                b.County = (byte)(i < boundary ? 0 : 1);
                b.Seed = (uint)rng.NextUInt64();
                b.Basic = LandClasses.IsFarmland(b.Class) && rng.Chance(0.6);
                b.FieldWidth = (float)rng.Uniform(12, 40);
                b.FieldsAlongP = rng.Chance(0.5);
                b.Crop = b.Class == LandClass.Paddy ? (byte)0 : (byte)rng.Next(1, 4);
            }
        }
    }

    private static LandClass Pick(Rng rng, ReadOnlySpan<double> shares)
    {
        var r = rng.NextDouble();
        for (var k = 0; k < shares.Length; k++)
        {
            r -= shares[k];
            if (r < 0) return (LandClass)k;
        }
        return LandClass.Dry;
    }

    // The after date takes its own bit depth, sensor and cloud display; the before and newest dates the scene's.
    private static DateLook Look(Rng rng, int index, DateOnly date, float season, double gsd, SynthOptions o)
    {
        var common = index == 0 ? rng.Uniform(0.97, 1.03) : rng.Uniform(0.86, 1.14);
        var gain = Enumerable.Range(0, 4).Select(_ => (float)(common * rng.Uniform(0.97, 1.03))).ToArray();
        float[] baseHaze = [26, 18, 10, 5];
        var haze = baseHaze.Select(h => (float)(h * rng.Uniform(0.6, 1.5))).ToArray();
        return new DateLook
        {
            Index = index,
            Date = date,
            Gain = gain,
            Haze = haze,
            HazeGradient = index == 0 ? 0 : (float)rng.Uniform(-0.5, 0.5),
            ShiftE = index == 0 ? 0 : rng.Uniform(-0.45, 0.45) * gsd,
            ShiftS = index == 0 ? 0 : rng.Uniform(-0.45, 0.45) * gsd,
            ShadowLength = (float)rng.Uniform(2.0, 5.0),
            Season = season,
            Seed = (uint)rng.NextUInt64(),
            BitDepth = index == 1 ? o.AfterBitDepth ?? o.BitDepth : o.BitDepth,
            Sensor = index == 1 ? o.AfterSensor : SensorResponse.Native,
            CloudsFlagged = index != 1 || o.Clouds != CloudMode.Unflagged,
        };
    }

    private void PlantChanges(Rng rng, double perKm2)
    {
        if (perKm2 <= 0) return;
        var areaKm2 = SceneWidthM * SceneHeightM / 1e6;
        var count = Math.Max(4, (int)Math.Round(areaKm2 * perKm2 * rng.Uniform(0.8, 1.2)));
        // About a fifth off farmland (grass, forest, bare land), placed first so small scenes get some too.
        var offTarget = Math.Max(1, (int)Math.Round(count * 0.2));
        var offBlocks = Blocks.Count(b => b.Class is LandClass.Grass or LandClass.Forest or LandClass.Bare);
        for (int placed = 0, attempts = 0; placed < count && attempts < count * 60; attempts++)
        {
            var cls = rng.NextDouble() switch { < 0.40 => ChangeClass.Building, < 0.60 => ChangeClass.Pond, < 0.75 => ChangeClass.Mining, _ => ChangeClass.Facility };
            var onFarmland = placed >= offTarget || offBlocks == 0 || attempts > count * 30;
            int i = rng.Next(0, CountP), j = rng.Next(0, CountQ);
            var block = BlockAt(i, j);
            if (LandClasses.IsFarmland(block.Class) != onFarmland) continue;
            if (!onFarmland && block.Class is not (LandClass.Grass or LandClass.Forest or LandClass.Bare)) continue;
            var obj = MakeChange(rng, cls, i, j, block);
            if (obj is null) continue;
            // Wholly inside the scene, and apart from other changes.
            var o = obj.Outline;
            if (o.MinE < 2 || o.MinS < 2 || o.MaxE > SceneWidthM - 2 || o.MaxS > SceneHeightM - 2) continue;
            if (Changes.Any(c => c.Outline.BoxIntersects(o, 8))) continue;
            Changes.Add(obj);
            placed++;
        }
    }

    private ChangeObject? MakeChange(Rng rng, ChangeClass cls, int i, int j, Block block)
    {
        // Inner rectangle of the block in the rotated frame, clear of the roads.
        var p0 = RoadP[i] + RoadHalfP[i] + 4;
        var p1 = RoadP[i + 1] - RoadHalfP[i + 1] - 4;
        var q0 = RoadQ[j] + RoadHalfQ[j] + 4;
        var q1 = RoadQ[j + 1] - RoadHalfQ[j + 1] - 4;
        double w, h;
        switch (cls)
        {
            case ChangeClass.Building: w = rng.Uniform(16, 45); h = rng.Uniform(13, 30); break;
            case ChangeClass.Pond: w = rng.Uniform(30, 110); h = rng.Uniform(25, 80); break;
            case ChangeClass.Facility: w = rng.Uniform(30, 90); h = rng.Uniform(20, 60); break;
            default: w = h = 2 * rng.Uniform(30, 75) * 1.3; break;
        }
        if (rng.Chance(0.5)) (w, h) = (h, w);
        if (p1 - p0 < w || q1 - q0 < h) return null;
        var pc = rng.Uniform(p0 + w / 2, p1 - w / 2);
        var qc = rng.Uniform(q0 + h / 2, q1 - h / 2);
        var (ce, cs) = FromRotated(pc, qc);
        Shape outline;
        if (cls == ChangeClass.Mining)
        {
            // An irregular pit: radius modulated by smooth noise around the centre.
            var r = w / 2 / 1.3;
            outline = Shape.Wobbly(ce, cs, r, 40, 0.8, 0.45, 1.5, 10, (uint)rng.NextUInt64());
        }
        else if (cls == ChangeClass.Pond)
        {
            var radius = rng.Uniform(3, Math.Min(12, Math.Min(w, h) / 3));
            outline = RoundedRect(pc, qc, w, h, radius);
        }
        else
        {
            outline = RoundedRect(pc, qc, w, h, 0);
        }
        return new ChangeObject
        {
            Class = cls,
            Outline = outline,
            LandBefore = block.Class,
            CentreE = ce,
            CentreS = cs,
            AxisE = Cos,
            AxisS = Sin,
            HalfW = cls == ChangeClass.Mining ? w / 2 / 1.3 : w / 2,
            HalfH = cls == ChangeClass.Mining ? w / 2 / 1.3 : h / 2,
            Variant = rng.Next(0, 4),
            Seed = (uint)rng.NextUInt64(),
        };
    }

    private Shape RoundedRect(double pc, double qc, double w, double h, double radius)
    {
        var ps = new List<double>();
        var qs = new List<double>();
        double hw = w / 2, hh = h / 2;
        if (radius <= 0)
        {
            ps.AddRange([pc - hw, pc + hw, pc + hw, pc - hw]);
            qs.AddRange([qc - hh, qc - hh, qc + hh, qc + hh]);
        }
        else
        {
            var centres = new[] { (pc + hw - radius, qc - hh + radius, -90.0), (pc + hw - radius, qc + hh - radius, 0.0),
                                  (pc - hw + radius, qc + hh - radius, 90.0), (pc - hw + radius, qc - hh + radius, 180.0) };
            foreach (var (cp, cq, start) in centres)
                for (var k = 0; k <= 6; k++)
                {
                    var t = (start + 15 * k) * Math.PI / 180;
                    ps.Add(cp + radius * Math.Cos(t));
                    qs.Add(cq + radius * Math.Sin(t));
                }
        }
        var es = new double[ps.Count];
        var ss = new double[ps.Count];
        for (var k = 0; k < ps.Count; k++) (es[k], ss[k]) = FromRotated(ps[k], qs[k]);
        return new Shape(es, ss);
    }

    private void PlaceClouds(Rng rng)
    {
        var areaKm2 = SceneWidthM * SceneHeightM / 1e6;
        var count = Math.Max(1, (int)Math.Round(areaKm2 * rng.Uniform(0.5, 1.5)));
        for (int placed = 0, attempts = 0; placed < count && attempts < 40 * count; attempts++)
        {
            var r = rng.Uniform(30, Math.Min(130, Math.Min(SceneWidthM, SceneHeightM) / 6));
            var cloud = Cloud.Draw(rng, rng.Uniform(0, SceneWidthM), rng.Uniform(0, SceneHeightM), r);
            if (!ClearOfChanges(cloud, null)) continue;
            Clouds.Add(cloud);
            placed++;
        }
    }

    // Clouds and their shadows keep 15 m (box to box) from every change but the one named, so none is hidden by accident.
    private bool ClearOfChanges(Cloud cloud, ChangeObject? except) =>
        !Changes.Any(c => !ReferenceEquals(c, except) && (c.Outline.BoxIntersects(cloud.Body, 15) || c.Outline.BoxIntersects(cloud.Shadow, 15)));
}
