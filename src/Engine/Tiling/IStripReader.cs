using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Tiling;

/// <summary>A date's padded strip reader, whatever pixel type the scene is read as.</summary>
internal interface IStripReader
{
    /// <summary>Reads the padded strip of a tile row.</summary>
    void Read(int tileRow);

    /// <summary>Scales one band of one tile into model input.</summary>
    void ScaleTile(int column, int band, Span<float> destination, float lo, float hi, float a, float c);

    /// <summary>Clears validity where this date has no data.</summary>
    void MarkNoData(PixelWindow strip, Span<byte> valid);
}

/// <summary>Makes the reader for a scene's pixel type: bytes and 16-bit values stay as they are, anything else is read as float.</summary>
internal static class StripReaders
{
    public static IStripReader For(Scene scene, PixelWindow region, int[] bands, TileGrid grid) => scene.DataType switch
    {
        RasterDataType.Byte => new StripReader<byte>(scene, region, bands, grid),
        RasterDataType.UInt16 => new StripReader<ushort>(scene, region, bands, grid),
        _ => new StripReader<float>(scene, region, bands, grid),
    };
}
