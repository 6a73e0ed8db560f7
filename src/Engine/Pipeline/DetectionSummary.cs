using WeiPian.Engine.Output;

namespace WeiPian.Engine.Pipeline;

/// <summary>Polygons and areas of one change type.</summary>
/// <param name="Tblx">The change-type code.</param>
/// <param name="ClassName">The model's class name.</param>
/// <param name="Count">Polygons.</param>
/// <param name="Area">JCMJ total, m².</param>
/// <param name="FarmlandArea">JCGDMJ total, m².</param>
/// <param name="BasicFarmlandArea">YJJBNTMJ total, m².</param>
public sealed record ChangeTypeTotal(string Tblx, string ClassName, int Count, double Area, double FarmlandArea, double BasicFarmlandArea)
{
    /// <summary>Area in 亩.</summary>
    public double AreaMu => Area / Tuban.SquareMetresPerMu;

    /// <summary>Farmland area in 亩.</summary>
    public double FarmlandAreaMu => FarmlandArea / Tuban.SquareMetresPerMu;
}

/// <summary>What a detection produced and how fast.</summary>
public sealed record DetectionSummary
{
    /// <summary>Totals per change type, in TBLX order.</summary>
    public required IReadOnlyList<ChangeTypeTotal> ByType { get; init; }

    /// <summary>All polygons.</summary>
    public int Count => ByType.Sum(t => t.Count);

    /// <summary>All change area, m².</summary>
    public double Area => ByType.Sum(t => t.Area);

    /// <summary>Change area on farmland, m².</summary>
    public double FarmlandArea => ByType.Sum(t => t.FarmlandArea);

    /// <summary>Pixels classified.</summary>
    public required long Pixels { get; init; }

    /// <summary>
    /// Pixels for which the model gave no number (NaN logits or probabilities), classified as no change. Non-zero
    /// means the model, its card's scaling or the input is broken: with every pixel NaN the run finds no change at all.
    /// </summary>
    public long NoNumberPixels { get; init; }

    /// <summary>The residual shift between the dates the co-registration check measured; null when it could not be measured.</summary>
    public Alignment.Coregistration? Registration { get; init; }

    /// <summary>The files written: the output, or one per county with <see cref="OutputSplit.County"/>.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>The scaling the model was fed (mode, and the percentiles or gains measured); empty when not reported.</summary>
    public string Radiometry { get; init; } = "";

    /// <summary>Time spent sampling both scenes and checking and fitting their radiometry, before the first tile.</summary>
    public TimeSpan RadiometryTime { get; init; }

    /// <summary>Tiles of the scene's tile grid.</summary>
    public long Tiles { get; init; }

    /// <summary>
    /// Tiles the model ran on: not those off farmland or without data in a date, nor those the screen left out
    /// (<see cref="Inference.InferenceOptions.ScreenModelPath"/>).
    /// </summary>
    public long ModelTiles { get; init; }

    /// <summary>The screen, its threshold and how many tiles it passed to the model; empty without a screen.</summary>
    public string Screen { get; init; } = "";

    /// <summary>Ground area classified, km².</summary>
    public required double AreaKm2 { get; init; }

    /// <summary>Wall time.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>Time per stage.</summary>
    public required StageTimes Times { get; init; }

    /// <summary>Wall time over time inside the model's Run calls: 1.0 would mean the engine adds nothing around the model.</summary>
    public double OverheadRatio => Elapsed.TotalSeconds / Math.Max(Times[StageTimes.Stage.Model].TotalSeconds, 1e-9);

    /// <summary>Megapixels (of one date) per second.</summary>
    public double MegapixelsPerSecond => Pixels / 1e6 / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>Accumulates polygons into a summary.</summary>
    internal sealed class Builder
    {
        private readonly Dictionary<string, (string Name, int Count, double Area, double Farm, double Basic)> _types = new();

        /// <summary>Adds one polygon.</summary>
        public void Add(Tuban t)
        {
            var cur = _types.GetValueOrDefault(t.Tblx, (t.ClassName, 0, 0, 0, 0));
            _types[t.Tblx] = (t.ClassName, cur.Count + 1, cur.Area + t.Jcmj, cur.Farm + t.Jcgdmj, cur.Basic + t.Yjjbntmj);
        }

        /// <summary>The summary so far.</summary>
        public DetectionSummary Build(long pixels, double pixelArea, TimeSpan elapsed, StageTimes times) => new()
        {
            ByType = _types.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new ChangeTypeTotal(kv.Key, kv.Value.Name, kv.Value.Count, kv.Value.Area, kv.Value.Farm, kv.Value.Basic)).ToList(),
            Pixels = pixels,
            AreaKm2 = pixels * pixelArea / 1e6,
            Elapsed = elapsed,
            Times = times,
        };
    }
}
