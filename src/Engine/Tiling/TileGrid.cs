using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Tiling;

/// <summary>
/// How a region is cut into model tiles: tiles of <see cref="Tile"/> x <see cref="Tile"/> pixels whose
/// centres of <see cref="Kept"/> x <see cref="Kept"/> pixels tile the region edge to edge, each with a halo of
/// <see cref="Halo"/> pixels of context on every side that is fed to the model and then discarded.
/// Tiles are grouped in rows; a row of kept centres is one strip of the output. A row is read in chunks of
/// <see cref="ChunkTiles"/> consecutive tiles, so what is read at once does not grow with the region's width.
/// </summary>
public sealed class TileGrid
{
    /// <summary>Columns a chunk covers at least when <see cref="ChunkTiles"/> is chosen automatically.</summary>
    public const int ChunkColumns = 2048;

    /// <summary>Cuts a region of <paramref name="width"/> x <paramref name="height"/> pixels.</summary>
    /// <param name="width">Region columns.</param>
    /// <param name="height">Region rows.</param>
    /// <param name="tile">Tile side fed to the model.</param>
    /// <param name="halo">Context margin per side.</param>
    /// <param name="chunkTiles">Tiles read at once; 0 chooses enough to cover <see cref="ChunkColumns"/> columns. Capped at a row's tiles.</param>
    public TileGrid(int width, int height, int tile, int halo, int chunkTiles = 0)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"Region {width}x{height} must not be empty.");
        if (halo < 0 || tile <= 2 * halo)
            throw new ArgumentOutOfRangeException(nameof(tile), $"Tile {tile} with halo {halo} keeps no pixels; the tile must exceed twice the halo.");
        Width = width;
        Height = height;
        Tile = tile;
        Halo = halo;
        Kept = tile - 2 * halo;
        Columns = (width + Kept - 1) / Kept;
        Rows = (height + Kept - 1) / Kept;
        ArgumentOutOfRangeException.ThrowIfNegative(chunkTiles);
        ChunkTiles = Math.Min(Columns, chunkTiles > 0 ? chunkTiles : (ChunkColumns + Kept - 1) / Kept);
        Chunks = (Columns + ChunkTiles - 1) / ChunkTiles;
    }

    /// <summary>Region columns.</summary>
    public int Width { get; }

    /// <summary>Region rows.</summary>
    public int Height { get; }

    /// <summary>Tile side fed to the model.</summary>
    public int Tile { get; }

    /// <summary>Context margin per side, discarded after inference.</summary>
    public int Halo { get; }

    /// <summary>Pixels kept per tile side.</summary>
    public int Kept { get; }

    /// <summary>Tiles per row.</summary>
    public int Columns { get; }

    /// <summary>Rows of tiles (strips).</summary>
    public int Rows { get; }

    /// <summary>Tiles per chunk: the tiles of a row read at once (the last chunk of a row may hold fewer).</summary>
    public int ChunkTiles { get; }

    /// <summary>Chunks per row.</summary>
    public int Chunks { get; }

    /// <summary>Tiles in chunk <paramref name="chunk"/> of a row.</summary>
    public int TilesIn(int chunk) => Math.Min(ChunkTiles, Columns - chunk * ChunkTiles);

    /// <summary>Width of a chunk's padded window: its tiles side by side, overlapping by their halos.</summary>
    public int ChunkPaddedWidth => ChunkTiles * Kept + 2 * Halo;

    /// <summary>All tiles.</summary>
    public long TileCount => (long)Columns * Rows;

    /// <summary>
    /// Width of a padded strip: every tile of a row lies inside it, from the region's column -<see cref="Halo"/>
    /// (padded by reflection where the region has no pixels).
    /// </summary>
    public int PaddedWidth => Columns * Kept + 2 * Halo;

    /// <summary>The kept centre of a tile, in region pixels (clipped at the region's right and bottom edges).</summary>
    public PixelWindow Core(int column, int row)
    {
        var x = column * Kept;
        var y = row * Kept;
        return new PixelWindow(x, y, Math.Min(Kept, Width - x), Math.Min(Kept, Height - y));
    }

    /// <summary>The strip of kept rows of tile row <paramref name="row"/>: full region width.</summary>
    public PixelWindow Strip(int row)
    {
        var y = row * Kept;
        return new PixelWindow(0, y, Width, Math.Min(Kept, Height - y));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Columns}x{Rows} tiles of {Tile} (halo {Halo}, kept {Kept}, read {ChunkTiles} at a time) over {Width}x{Height}";
}
