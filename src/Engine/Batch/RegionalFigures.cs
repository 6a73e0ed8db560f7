using WeiPian.Engine.Output;

namespace WeiPian.Engine.Batch;

/// <summary>Administrative levels of the regional figures.</summary>
public enum RegionLevel
{
    /// <summary>Province: XZQDM's first 2 digits + "0000".</summary>
    Province,
    /// <summary>City: XZQDM's first 4 digits + "00".</summary>
    City,
    /// <summary>County: the 6-digit XZQDM.</summary>
    County,
}

/// <summary>Counts and areas of one change type (or of all, TBLX "all") in a region. Areas in m².</summary>
/// <param name="Tblx">The change type, or "all".</param>
/// <param name="Count">Polygons.</param>
/// <param name="Area">JCMJ total.</param>
/// <param name="FarmlandArea">JCGDMJ total.</param>
/// <param name="BasicFarmlandArea">YJJBNTMJ total.</param>
/// <param name="Linked">Polygons linked to an earlier polygon (TYWZJCTBWQBH set): changes already reported.</param>
/// <param name="Supplementary">BCTB = Y polygons (补充图斑 candidates).</param>
public sealed record TypeFigures(string Tblx, int Count, double Area, double FarmlandArea, double BasicFarmlandArea, int Linked, int Supplementary)
{
    /// <summary>Area in 亩.</summary>
    public double AreaMu => Area / Tuban.SquareMetresPerMu;

    /// <summary>Farmland area in 亩.</summary>
    public double FarmlandAreaMu => FarmlandArea / Tuban.SquareMetresPerMu;

    /// <summary>Permanent basic farmland area in 亩.</summary>
    public double BasicFarmlandAreaMu => BasicFarmlandArea / Tuban.SquareMetresPerMu;
}

/// <summary>
/// The yearly ratio of a region: R = (illegal farmland occupation − D) / (farmland occupied by all new construction − D).
/// Areas are JCGDMJ sums over new-construction polygons (<see cref="RatioOptions.ConstructionTypes"/>), m².
/// </summary>
/// <param name="ConstructionFarmland">Farmland occupied by all new construction (the denominator before D).</param>
/// <param name="IllegalFarmland">Of it, judged illegal (the numerator before D).</param>
/// <param name="Deducted">D: of the illegal, the farmland of qualifying major infrastructure deducted at this level.</param>
/// <param name="Unjudged">New-construction polygons without a judgement (counted in the denominator only).</param>
/// <param name="Threshold">The accountability threshold (0.15).</param>
public sealed record RatioFigures(double ConstructionFarmland, double IllegalFarmland, double Deducted, int Unjudged, double Threshold)
{
    /// <summary>R, or null when the denominator less D is not positive.</summary>
    public double? R => ConstructionFarmland - Deducted > 0 ? (IllegalFarmland - Deducted) / (ConstructionFarmland - Deducted) : null;

    /// <summary>R ≥ the threshold: accountability of the local government's leaders.</summary>
    public bool Flagged => R >= Threshold;
}

/// <summary>The figures of one region.</summary>
/// <param name="Level">Province, city or county.</param>
/// <param name="Code">Its 6-digit code.</param>
/// <param name="ByType">Per change type, in TBLX order.</param>
/// <param name="Total">All types.</param>
/// <param name="Ratio">The yearly ratio, when judgements were given.</param>
public sealed record RegionFigures(RegionLevel Level, string Code, IReadOnlyList<TypeFigures> ByType, TypeFigures Total, RatioFigures? Ratio);

/// <summary>How the yearly ratio is computed.</summary>
public sealed record RatioOptions
{
    /// <summary>Change types that are new construction (default <see cref="LandUseCodes.NewConstructionTypes"/>: 20, YH, GF, CK).</summary>
    public IReadOnlySet<string> ConstructionTypes { get; init; } = LandUseCodes.NewConstructionTypes;

    /// <summary>R at or above this flags the region (0.15).</summary>
    public double Threshold { get; init; } = 0.15;
}

/// <summary>
/// Regional figures of a batch: per county (XZQDM), city (first 4 digits + "00") and province (first 2 digits + "0000"),
/// counts and areas by TBLX, farmland and permanent basic farmland, and, with judgements, the yearly ratio R.
/// </summary>
/// <remarks>
/// D is the farmland (JCGDMJ) of new-construction polygons judged illegal whose KCLX is national, or provincial below
/// province level: at province level provincial projects are not deducted. The deduction is for major projects that
/// occupied farmland illegally but whose supervision duties were met, so it is taken from the illegal area it is part
/// of; a deduction flag on a polygon judged legal deducts nothing (it is not in the numerator) and is reported by
/// <see cref="IgnoredDeductions"/>.
/// </remarks>
internal static class RegionalFigures
{
    /// <summary>Computes the figures, provinces first, then cities, then counties, each by code.</summary>
    public static IReadOnlyList<RegionFigures> Compute(IReadOnlyList<BatchTuban> polygons, IReadOnlyDictionary<string, Judgement>? judgements = null,
        RatioOptions? ratio = null)
    {
        ratio ??= new RatioOptions();
        var result = new List<RegionFigures>();
        foreach (var level in new[] { RegionLevel.Province, RegionLevel.City, RegionLevel.County })
            foreach (var region in polygons.GroupBy(p => CodeAt(p.Tuban.Xzqdm, level)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var list = region.ToList();
                var byType = list.GroupBy(p => p.Tuban.Tblx).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Sum(g.Key, g)).ToList();
                result.Add(new RegionFigures(level, region.Key, byType, Sum("all", list),
                    judgements is null ? null : Ratio(list, judgements, level, ratio)));
            }
        return result;
    }

    /// <summary>The code of the region at <paramref name="level"/> holding county <paramref name="xzqdm"/>.</summary>
    public static string CodeAt(string xzqdm, RegionLevel level) => level switch
    {
        RegionLevel.Province when xzqdm.Length >= 2 => xzqdm[..2] + "0000",
        RegionLevel.City when xzqdm.Length >= 4 => xzqdm[..4] + "00",
        _ => xzqdm,
    };

    /// <summary>The ratio of one region's polygons at a level.</summary>
    public static RatioFigures Ratio(IEnumerable<BatchTuban> polygons, IReadOnlyDictionary<string, Judgement> judgements, RegionLevel level, RatioOptions? options = null)
    {
        options ??= new RatioOptions();
        double all = 0, illegal = 0, deducted = 0;
        var unjudged = 0;
        foreach (var p in polygons)
        {
            var t = p.Tuban;
            if (!options.ConstructionTypes.Contains(t.Tblx)) continue;
            all += t.Jcgdmj;
            if (!judgements.TryGetValue(t.Jcbh, out var j)) { unjudged++; continue; }
            if (j.Legality != Legality.Illegal) continue;
            illegal += t.Jcgdmj;
            if (j.Deduction == Deduction.National || j.Deduction == Deduction.Provincial && level != RegionLevel.Province) deducted += t.Jcgdmj;
        }
        return new RatioFigures(all, illegal, deducted, unjudged, options.Threshold);
    }

    /// <summary>Judgements that cannot count as given: JCBH not in the batch, or a deduction flag on a polygon judged legal or not of a new-construction type.</summary>
    public static IReadOnlyList<string> IgnoredDeductions(IReadOnlyList<BatchTuban> polygons, IReadOnlyDictionary<string, Judgement> judgements, RatioOptions? options = null)
    {
        options ??= new RatioOptions();
        var byJcbh = polygons.ToDictionary(p => p.Tuban.Jcbh, StringComparer.Ordinal);
        var notes = new List<string>();
        foreach (var j in judgements.Values.OrderBy(j => j.Jcbh, StringComparer.Ordinal))
        {
            if (!byJcbh.TryGetValue(j.Jcbh, out var p)) { notes.Add($"{j.Jcbh}: judged but not in this batch's polygons"); continue; }
            if (j.Deduction == Deduction.None) continue;
            if (j.Legality == Legality.Legal) notes.Add($"{j.Jcbh}: deduction flag ({j.Deduction}) on a polygon judged legal: nothing to deduct");
            else if (!options.ConstructionTypes.Contains(p.Tuban.Tblx)) notes.Add($"{j.Jcbh}: deduction flag on TBLX {p.Tuban.Tblx}, not new construction");
        }
        return notes;
    }

    private static TypeFigures Sum(string tblx, IEnumerable<BatchTuban> polygons)
    {
        int n = 0, linked = 0, bctb = 0;
        double area = 0, farm = 0, basic = 0;
        foreach (var p in polygons)
        {
            n++;
            area += p.Tuban.Jcmj;
            farm += p.Tuban.Jcgdmj;
            basic += p.Tuban.Yjjbntmj;
            if (p.Tywzjctbwqbh.Length > 0) linked++;
            if (p.Bctb) bctb++;
        }
        return new TypeFigures(tblx, n, area, farm, basic, linked, bctb);
    }
}
