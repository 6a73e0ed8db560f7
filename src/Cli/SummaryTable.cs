using System.Globalization;
using System.Text;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Cli;

/// <summary>The closing table of <c>weipian detect</c>: polygons and areas (m² and 亩) by TBLX, farmland, time, speed.</summary>
internal static class SummaryTable
{
    public static string Render(DetectionSummary s, string output, ModelCard card)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var files = s.Files.Count == 1 ? s.Files[0] : s.Files.Count == 0 ? output : $"{s.Files.Count} files ({string.Join(", ", s.Files.Select(Path.GetFileName))})";
        sb.AppendLine(inv, $"wrote {s.Count} polygon(s) to {files}  (model {card.Name}@{card.Version})");
        sb.AppendLine(inv, $"{"TBLX",-5} {"class",-22} {"polygons",8} {"area m²",12} {"area 亩",10} {"farmland m²",12} {"farmland 亩",11}");
        foreach (var t in s.ByType)
            sb.AppendLine(inv, $"{t.Tblx,-5} {t.ClassName,-22} {t.Count,8} {t.Area,12:0.0} {t.AreaMu,10:0.00} {t.FarmlandArea,12:0.0} {t.FarmlandAreaMu,11:0.00}");
        sb.AppendLine(inv, $"{"all",-5} {"",-22} {s.Count,8} {s.Area,12:0.0} {s.Area / Tuban.SquareMetresPerMu,10:0.00} {s.FarmlandArea,12:0.0} {s.FarmlandArea / Tuban.SquareMetresPerMu,11:0.00}");
        if (s.Registration is { } r) sb.AppendLine(inv, $"co-registration: {r}");
        if (s.Radiometry.Length > 0) sb.AppendLine(inv, $"scaling {s.Radiometry} (sampled and checked in {s.RadiometryTime.TotalSeconds:0.000} s)");
        if (s.Screen.Length > 0) sb.AppendLine(inv, $"screen {s.Screen}; the model ran on {s.ModelTiles} of {s.Tiles} tiles");
        sb.AppendLine(inv, $"{s.Pixels / 1e6:0.00} Mpx ({s.AreaKm2:0.000} km²) in {s.Elapsed.TotalSeconds:0.00} s: {s.MegapixelsPerSecond:0.00} Mpx/s, {s.AreaKm2 / Math.Max(s.Elapsed.TotalMinutes, 1e-9):0.0} km²/min");
        return sb.ToString();
    }

    /// <summary>The <c>--profile</c> breakdown: wall time per stage and the engine's overhead over the model.</summary>
    public static string Profile(DetectionSummary s)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var wall = s.Elapsed.TotalSeconds;
        sb.AppendLine("stage            seconds   busy share of wall (the stages run at once, on their own threads)");
        foreach (var (stage, time) in s.Times.All)
            sb.AppendLine(inv, $"{stage,-15} {time.TotalSeconds,8:0.000}   {time.TotalSeconds / wall,6:P1}");
        sb.AppendLine(inv, $"{"wall",-15} {wall,8:0.000}   (from the checks of the inputs to the last polygon written)");
        sb.AppendLine(inv, $"wall / model = {s.OverheadRatio:0.000}; the model ran on {s.ModelTiles} of {s.Tiles} tiles");
        return sb.ToString();
    }
}
