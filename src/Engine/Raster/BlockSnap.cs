namespace WeiPian.Engine.Raster;

/// <summary>
/// Places sample windows on a file's block grid. GDAL decodes whole blocks, so a window that straddles four blocks costs
/// four decodes where one at a block's corner costs one: the checks that sample a scene before its first tile (radiometry,
/// co-registration) read each window from the corner of the block it falls in.
/// </summary>
internal static class BlockSnap
{
    /// <summary>
    /// The offset, within a region starting at <paramref name="origin"/> (file pixels), of the start of the block of side
    /// <paramref name="block"/> that holds <paramref name="offset"/>, kept in 0..<paramref name="max"/>; the offset as it is
    /// when blocks are wider than <paramref name="spacing"/>, the distance between the lattice's windows (strips a scene
    /// wide, large tiles on a small region): there several windows share a block and snapping would pile them up.
    /// </summary>
    public static int Offset(int origin, int offset, int block, int max, int spacing) =>
        block <= 1 || block > spacing ? offset : Math.Clamp((origin + offset) / block * block - origin, 0, max);
}
