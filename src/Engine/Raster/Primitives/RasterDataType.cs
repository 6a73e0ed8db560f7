namespace WeiPian.Engine.Raster.Primitives;

/// <summary>Pixel types the engine reads and writes; the values are GDAL's GDALDataType codes.</summary>
public enum RasterDataType
{
    /// <summary>Not one of the supported types (complex or unknown).</summary>
    Unknown = 0,
    /// <summary>8-bit unsigned.</summary>
    Byte = 1,
    /// <summary>16-bit unsigned: GF-1/GF-2 multispectral (10-bit data).</summary>
    UInt16 = 2,
    /// <summary>16-bit signed.</summary>
    Int16 = 3,
    /// <summary>32-bit unsigned.</summary>
    UInt32 = 4,
    /// <summary>32-bit signed.</summary>
    Int32 = 5,
    /// <summary>32-bit float.</summary>
    Float32 = 6,
    /// <summary>64-bit float.</summary>
    Float64 = 7,
}

/// <summary>Maps CLR element types to <see cref="RasterDataType"/>.</summary>
internal static class RasterDataTypes
{
    /// <summary>The raster type that matches <typeparamref name="T"/>; the JIT folds this to a constant.</summary>
    public static RasterDataType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(byte)) return RasterDataType.Byte;
        if (typeof(T) == typeof(ushort)) return RasterDataType.UInt16;
        if (typeof(T) == typeof(short)) return RasterDataType.Int16;
        if (typeof(T) == typeof(uint)) return RasterDataType.UInt32;
        if (typeof(T) == typeof(int)) return RasterDataType.Int32;
        if (typeof(T) == typeof(float)) return RasterDataType.Float32;
        if (typeof(T) == typeof(double)) return RasterDataType.Float64;
        throw new NotSupportedException($"No raster data type for {typeof(T).Name}.");
    }

    /// <summary>Bytes per pixel of one band.</summary>
    public static int SizeOf(RasterDataType type) => type switch
    {
        RasterDataType.Byte => 1,
        RasterDataType.UInt16 or RasterDataType.Int16 => 2,
        RasterDataType.UInt32 or RasterDataType.Int32 or RasterDataType.Float32 => 4,
        RasterDataType.Float64 => 8,
        _ => throw new NotSupportedException($"Unsupported raster data type {type}."),
    };

    /// <summary>True for the integer types.</summary>
    public static bool IsInteger(RasterDataType type) => type is >= RasterDataType.Byte and <= RasterDataType.Int32;
}
