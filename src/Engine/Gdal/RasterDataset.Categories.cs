namespace WeiPian.Engine.Gdal;

/// <summary>One colour of a band's palette, 0-255 each.</summary>
public readonly record struct PaletteColor(byte Red, byte Green, byte Blue, byte Alpha = 255);

public sealed partial class RasterDataset
{
    /// <summary>
    /// Sets a band's colour table (palette), entry i for pixel value i, so GIS tools draw a class raster in its
    /// colours without a style file. GeoTIFF keeps it in the file itself, and a COG copy keeps it.
    /// </summary>
    public unsafe void SetColorTable(int band, IReadOnlyList<PaletteColor> colors)
    {
        var table = GdalLibrary.CheckHandle(GdalNative.GDALCreateColorTable(GdalNative.PaletteRgb), "create a colour table", Path);
        try
        {
            for (var i = 0; i < colors.Count; i++)
            {
                var entry = new GdalNative.ColorEntry { C1 = colors[i].Red, C2 = colors[i].Green, C3 = colors[i].Blue, C4 = colors[i].Alpha };
                GdalNative.GDALSetColorEntry(table, i, &entry);
            }
            GdalLibrary.ResetError();
            GdalLibrary.Check(GdalNative.GDALSetRasterColorTable(Band(band), table), $"set the colour table of band {band}", Path);
        }
        finally
        {
            GdalNative.GDALDestroyColorTable(table);
        }
    }

    /// <summary>A band's colour table, entry i for pixel value i; empty when it has none.</summary>
    public unsafe IReadOnlyList<PaletteColor> ColorTable(int band)
    {
        var table = GdalNative.GDALGetRasterColorTable(Band(band));
        if (table == 0) return [];
        var colors = new PaletteColor[GdalNative.GDALGetColorEntryCount(table)];
        for (var i = 0; i < colors.Length; i++)
        {
            var e = GdalNative.GDALGetColorEntry(table, i);
            colors[i] = new PaletteColor((byte)e->C1, (byte)e->C2, (byte)e->C3, (byte)e->C4);
        }
        return colors;
    }

    /// <summary>
    /// Sets a band's category names, name i for pixel value i ("" for values without one), which GIS tools show as the
    /// legend. GeoTIFF has no tag for them: GDAL keeps them in a <c>.aux.xml</c> file beside the raster.
    /// </summary>
    public void SetCategoryNames(int band, IReadOnlyList<string> names)
    {
        using var list = new NativeStringList(names);
        GdalLibrary.ResetError();
        GdalLibrary.Check(GdalNative.GDALSetRasterCategoryNames(Band(band), list.Pointer), $"set the category names of band {band}", Path);
    }

    /// <summary>A band's category names, name i for pixel value i; empty when it has none.</summary>
    public IReadOnlyList<string> CategoryNames(int band) => NativeStringList.Read(GdalNative.GDALGetRasterCategoryNames(Band(band)));
}
