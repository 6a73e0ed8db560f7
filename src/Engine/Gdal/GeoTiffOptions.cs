using System.Globalization;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Gdal;

/// <summary>Compression codecs for GeoTIFF output.</summary>
public enum TiffCompression
{
    /// <summary>Uncompressed.</summary>
    None,
    /// <summary>DEFLATE (zlib/libdeflate): the safe default every reader supports.</summary>
    Deflate,
    /// <summary>ZSTD: faster than DEFLATE at similar ratios; needs GDAL 2.3+ readers.</summary>
    Zstd,
    /// <summary>LZW: the classic; best for old ArcGIS versions.</summary>
    Lzw,
}

/// <summary>When to write BigTIFF (files over 4 GB).</summary>
public enum BigTiffMode
{
    /// <summary>GDAL's IF_SAFER: BigTIFF when the uncompressed size could pass 4 GB.</summary>
    IfSafer,
    /// <summary>Always BigTIFF.</summary>
    Yes,
    /// <summary>Never BigTIFF (fails past 4 GB).</summary>
    No,
}

/// <summary>How GeoTIFFs and Cloud-Optimised GeoTIFFs are laid out and compressed.</summary>
public sealed record GeoTiffOptions
{
    /// <summary>Compression codec; DEFLATE by default.</summary>
    public TiffCompression Compression { get; init; } = TiffCompression.Deflate;

    /// <summary>Tiled layout (needed for efficient windowed reads); true by default.</summary>
    public bool Tiled { get; init; } = true;

    /// <summary>Tile edge in pixels (a multiple of 16).</summary>
    public int BlockSize { get; init; } = 256;

    /// <summary>BigTIFF policy.</summary>
    public BigTiffMode BigTiff { get; init; } = BigTiffMode.IfSafer;

    /// <summary>Horizontal differencing predictor for integer data (smaller files for imagery); on by default.</summary>
    public bool Predictor { get; init; } = true;

    /// <summary>
    /// Compression effort (DEFLATE 1-9, ZSTD 1-22); null keeps GDAL's default (6 and 9). Level 1 DEFLATE
    /// is several times faster to write than the default for files only a few percent larger.
    /// </summary>
    public int? Level { get; init; }

    /// <summary>Threads GDAL may use to compress (GDAL's NUM_THREADS); 1 keeps the engine's own threads free.</summary>
    public int CompressionThreads { get; init; } = 1;

    /// <summary>Pixel-interleaved (all bands in one tile) rather than band-interleaved.</summary>
    public bool PixelInterleaved { get; init; } = true;

    /// <summary>The default: tiled 256, DEFLATE with predictor, BigTIFF when safer.</summary>
    public static GeoTiffOptions Default { get; } = new();

    internal List<string> ToCreationOptions(RasterDataType type, bool cog)
    {
        var options = new List<string>();
        if (!cog)
        {
            options.Add(Tiled ? "TILED=YES" : "TILED=NO");
            if (Tiled)
            {
                options.Add(Invariant($"BLOCKXSIZE={BlockSize}"));
                options.Add(Invariant($"BLOCKYSIZE={BlockSize}"));
            }
            options.Add(PixelInterleaved ? "INTERLEAVE=PIXEL" : "INTERLEAVE=BAND");
        }
        else
        {
            options.Add(Invariant($"BLOCKSIZE={BlockSize}"));
        }
        options.Add("COMPRESS=" + Compression switch
        {
            TiffCompression.None => "NONE",
            TiffCompression.Deflate => "DEFLATE",
            TiffCompression.Zstd => "ZSTD",
            TiffCompression.Lzw => "LZW",
            _ => throw new ArgumentOutOfRangeException(nameof(Compression)),
        });
        // The GTiff driver names the level per codec; the COG driver has one LEVEL and ignores the others (with a warning).
        if (Level is { } level && Compression is TiffCompression.Deflate or TiffCompression.Zstd)
            options.Add(cog ? Invariant($"LEVEL={level}") : Compression == TiffCompression.Deflate ? Invariant($"ZLEVEL={level}") : Invariant($"ZSTD_LEVEL={level}"));
        if (Compression != TiffCompression.None && Predictor)
            options.Add(RasterDataTypes.IsInteger(type) ? "PREDICTOR=2" : "PREDICTOR=3");
        options.Add("BIGTIFF=" + BigTiff switch { BigTiffMode.Yes => "YES", BigTiffMode.No => "NO", _ => "IF_SAFER" });
        if (CompressionThreads > 1) options.Add(Invariant($"NUM_THREADS={CompressionThreads}"));
        return options;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
