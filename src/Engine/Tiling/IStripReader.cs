using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tiling;

/// <summary>A date's reader of padded chunks of tile rows, whatever pixel type the scene is read as.</summary>
internal interface IStripReader
{
    /// <summary>Reads the padded window of a chunk of a tile row into a slot.</summary>
    void Read(int tileRow, int chunk, int slot);

    /// <summary>Scales one band of one tile (a column of the chunk in the slot) into model input.</summary>
    void ScaleTile(int slot, int column, int band, Span<float> destination, float lo, float hi, float a, float c);

    /// <summary>Scales rows <paramref name="first"/> .. <paramref name="first"/> + <paramref name="rows"/> - 1 of one band of one tile, as <see cref="ScaleTile"/> does the whole tile.</summary>
    void ScaleRows(int slot, int column, int band, int first, int rows, Span<float> destination, float lo, float hi, float a, float c);

    /// <summary>Clears validity where this date has no data, in the columns of the slot's chunk.</summary>
    void MarkNoData(int slot, PixelWindow strip, Span<byte> valid);
}

/// <summary>Makes the reader for a scene's pixel type: bytes and 16-bit values stay as they are, anything else is read as float.</summary>
internal static class StripReaders
{
    public static IStripReader For(Scene scene, PixelWindow region, int[] bands, TileGrid grid, int slots) => scene.DataType switch
    {
        RasterDataType.Byte => new StripReader<byte>(scene, region, bands, grid, slots),
        RasterDataType.UInt16 => new StripReader<ushort>(scene, region, bands, grid, slots),
        _ => new StripReader<float>(scene, region, bands, grid, slots),
    };
}
