namespace WeiPian.Engine.Gdal;

/// <summary>Attribute types the engine reads and writes; values are OGR's OGRFieldType codes.</summary>
public enum FieldKind
{
    /// <summary>32-bit integer (OFTInteger).</summary>
    Integer = 0,
    /// <summary>Double (OFTReal).</summary>
    Real = 2,
    /// <summary>Text (OFTString).</summary>
    String = 4,
    /// <summary>Calendar date (OFTDate).</summary>
    Date = 9,
    /// <summary>Date and time (OFTDateTime).</summary>
    DateTime = 11,
    /// <summary>64-bit integer (OFTInteger64).</summary>
    Integer64 = 12,
    /// <summary>Any other OGR type (lists, binary, time): read as text.</summary>
    Other = -1,
}

/// <summary>Geometry types of a layer; values are OGR's flat OGRwkbGeometryType codes.</summary>
public enum GeometryKind
{
    /// <summary>Mixed or unknown.</summary>
    Unknown = 0,
    /// <summary>Points.</summary>
    Point = 1,
    /// <summary>Lines.</summary>
    LineString = 2,
    /// <summary>Polygons.</summary>
    Polygon = 3,
    /// <summary>Multi-points.</summary>
    MultiPoint = 4,
    /// <summary>Multi-lines.</summary>
    MultiLineString = 5,
    /// <summary>Multi-polygons.</summary>
    MultiPolygon = 6,
    /// <summary>A table without geometry.</summary>
    None = 100,
}

/// <summary>An attribute field: name, type and, for text and reals, width and precision (0 = driver default).</summary>
public sealed record FieldDefinition(string Name, FieldKind Kind, int Width = 0, int Precision = 0);

/// <summary>An axis-aligned rectangle in a CRS's units (a layer's extent, a spatial filter, a grid's bounds).</summary>
public readonly record struct BoundingBox(double MinX, double MinY, double MaxX, double MaxY)
{
    /// <summary>Width in CRS units.</summary>
    public double Width => MaxX - MinX;

    /// <summary>Height in CRS units.</summary>
    public double Height => MaxY - MinY;

    /// <summary>True when the two rectangles share any point.</summary>
    public bool Intersects(BoundingBox o) => MinX <= o.MaxX && o.MinX <= MaxX && MinY <= o.MaxY && o.MinY <= MaxY;
}
