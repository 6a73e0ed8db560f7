using WeiPian.Engine.Gdal;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Output;

namespace WeiPian.Engine.Pipeline;

/// <summary>
/// What the class raster's values mean, written into it so QGIS and ArcGIS show it labelled without a style file:
/// band 1 holds the model's class ids (0 no change) and <see cref="NotAssessed"/> where no result stands; band 2 the
/// confidence in whole percent, <see cref="NotAssessed"/> there too. Both bands declare it as their nodata value;
/// band 1 carries a colour table and category names (名称 by change type, the code and the model's class name).
/// </summary>
internal static class ClassRasterLegend
{
    /// <summary>
    /// Value of pixels without a result: no data in a date, outside the region both scenes cover, or off farmland
    /// when the run is limited to farmland. Distinct from 0, "no change".
    /// </summary>
    public const byte NotAssessed = 255;

    // Colours by change type, so a class keeps its colour across models; codes not listed take the spare colours.
    // No change is white and no result grey (nodata, so GIS tools leave it out): a TIFF palette has no alpha.
    private static readonly Dictionary<string, PaletteColor> TypeColors = new(StringComparer.Ordinal)
    {
        ["20"] = new(230, 25, 75), ["YH"] = new(245, 130, 48), ["DT"] = new(170, 110, 40), ["TD"] = new(128, 128, 0),
        ["TP"] = new(210, 180, 140), ["KT"] = new(0, 130, 200), ["CK"] = new(145, 30, 180), ["GF"] = new(70, 240, 240),
        ["SN"] = new(60, 180, 75), ["QT"] = new(240, 50, 230),
    };

    private static readonly PaletteColor[] Spare = [new(255, 225, 25), new(0, 128, 128), new(128, 0, 0), new(0, 0, 128), new(250, 190, 212)];

    /// <summary>Declares the nodata value of both bands and the colours and names of band 1's classes.</summary>
    public static void Apply(RasterDataset raster, ModelCard card)
    {
        raster.SetNoData(1, NotAssessed);
        raster.SetNoData(2, NotAssessed);
        raster.SetColorTable(1, Colors(card));
        raster.SetCategoryNames(1, Names(card));
    }

    /// <summary>Category names, index = pixel value: "无变化 no change", "建（构）筑物 20 building", ..., 255 "无结果 not assessed".</summary>
    public static string[] Names(ModelCard card)
    {
        var names = new string[NotAssessed + 1];
        Array.Fill(names, "");
        foreach (var c in card.Classes)
            names[c.Id] = c.Tblx is { } tblx ? $"{ChangeTypes.ChineseName(tblx)} {tblx} {c.Name}" : $"无变化 {c.Name}";
        names[NotAssessed] = "无结果 not assessed (nodata)";
        return names;
    }

    private static PaletteColor[] Colors(ModelCard card)
    {
        var colors = new PaletteColor[NotAssessed + 1];
        Array.Fill(colors, new PaletteColor(0, 0, 0));
        var spare = 0;
        foreach (var c in card.Classes)
            colors[c.Id] = c.Tblx is null ? new PaletteColor(255, 255, 255)
                : TypeColors.TryGetValue(c.Tblx, out var color) ? color : Spare[spare++ % Spare.Length];
        colors[NotAssessed] = new PaletteColor(128, 128, 128);
        return colors;
    }
}
