namespace WeiPian.Engine.Files;

/// <summary>How an output lies on disk, which decides how it is replaced.</summary>
public enum OutputLayout
{
    /// <summary>One file, replaced by one rename. An existing folder under its name is never replaced.</summary>
    File,

    /// <summary>
    /// A Shapefile: the final path names the .shp, and its members (.shx, .dbf, .prj, .cpg, indexes) lie beside it. The
    /// new set is written into a temporary folder and swapped in member by member, the old set first moved aside.
    /// </summary>
    Shapefile,

    /// <summary>An ESRI File Geodatabase (a .gdb folder); only a folder that is a FileGDB (or empty) is replaced.</summary>
    FileGdb,

    /// <summary>A folder of Shapefiles (a survey as Shapefiles); only a folder holding nothing but Shapefile members (or empty) is replaced.</summary>
    ShapefileFolder,
}
