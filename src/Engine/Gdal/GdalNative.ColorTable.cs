using System.Runtime.InteropServices;

namespace WeiPian.Engine.Gdal;

internal static partial class GdalNative
{
    // GDALPaletteInterp GPI_RGB
    internal const int PaletteRgb = 1;

    // typedef struct { short c1, c2, c3, c4; } GDALColorEntry;   (RGB: red, green, blue, alpha)
    [StructLayout(LayoutKind.Sequential)]
    internal struct ColorEntry
    {
        public short C1, C2, C3, C4;
    }

    // GDALColorTableH GDALCreateColorTable(GDALPaletteInterp);
    [LibraryImport(Library)]
    internal static partial nint GDALCreateColorTable(int interpretation);

    // void GDALDestroyColorTable(GDALColorTableH);
    [LibraryImport(Library)]
    internal static partial void GDALDestroyColorTable(nint table);

    // void GDALSetColorEntry(GDALColorTableH, int, const GDALColorEntry*);
    [LibraryImport(Library)]
    internal static unsafe partial void GDALSetColorEntry(nint table, int index, ColorEntry* entry);

    // int GDALGetColorEntryCount(GDALColorTableH);
    [LibraryImport(Library)]
    internal static partial int GDALGetColorEntryCount(nint table);

    // const GDALColorEntry* GDALGetColorEntry(GDALColorTableH, int);
    [LibraryImport(Library)]
    internal static unsafe partial ColorEntry* GDALGetColorEntry(nint table, int index);

    // CPLErr GDALSetRasterColorTable(GDALRasterBandH, GDALColorTableH);   (the band copies the table)
    [LibraryImport(Library)]
    internal static partial int GDALSetRasterColorTable(nint band, nint table);

    // GDALColorTableH GDALGetRasterColorTable(GDALRasterBandH);   (owned by the band)
    [LibraryImport(Library)]
    internal static partial nint GDALGetRasterColorTable(nint band);

    // CPLErr GDALSetRasterCategoryNames(GDALRasterBandH, CSLConstList);
    [LibraryImport(Library)]
    internal static partial int GDALSetRasterCategoryNames(nint band, nint names);

    // char** GDALGetRasterCategoryNames(GDALRasterBandH);   (owned by the band)
    [LibraryImport(Library)]
    internal static partial nint GDALGetRasterCategoryNames(nint band);
}
