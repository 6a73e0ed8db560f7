using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Training;

/// <summary>Which part of a training export a chip belongs to.</summary>
public enum SplitName
{
    /// <summary>Chips the model learns from.</summary>
    Train,

    /// <summary>Chips that choose between epochs and settings.</summary>
    Validation,

    /// <summary>Chips held out for the final figure and the promotion gate.</summary>
    Test,
}

/// <summary>
/// Train/validation/test by geography: the ground is cut into square blocks of a side in metres (on the scene's
/// projected CRS, from its false origin), each block hashed with the seed to a split, and a chip takes the split of the
/// blocks under it. A chip whose footprint touches blocks of two splits is dropped, so no two chips of different splits
/// ever share a pixel of ground: the validation and test figures are measured on land the model never saw.
/// </summary>
/// <remarks>
/// Neighbouring pixels are alike (the same field, village, river), so a random split by chip would put near-copies of
/// the training data into the test set and overstate the score. Blocks several chips wide keep whole neighbourhoods in
/// one split; <see cref="TrainingOptions.SplitBlockMetres"/> sets their size.
/// </remarks>
public sealed class GeographicSplit
{
    private readonly double _block;
    private readonly ulong _seed;
    private readonly (double Train, double Validation) _shares;

    /// <summary>A split with blocks of <paramref name="blockMetres"/> and the given shares of train and validation (the rest is test).</summary>
    public GeographicSplit(double blockMetres, (double Train, double Validation) shares, long seed)
    {
        _block = blockMetres;
        _shares = shares;
        _seed = (ulong)seed;
    }

    /// <summary>The split of block (<paramref name="column"/>, <paramref name="row"/>): block (0, 0) spans 0 to the block side east and north of the CRS's origin.</summary>
    public SplitName BlockSplit(long column, long row)
    {
        var h = Mix(Mix(_seed ^ 0x5851F42D4C957F2DUL) ^ Mix((ulong)column) ^ Mix((ulong)row * 0x9E3779B97F4A7C15UL + 1));
        var share = (h >> 11) * (1.0 / (1UL << 53));
        return share < _shares.Train ? SplitName.Train : share < _shares.Train + _shares.Validation ? SplitName.Validation : SplitName.Test;
    }

    /// <summary>
    /// The split of every block a footprint touches, or null when they differ (the chip straddles splits and is dropped).
    /// </summary>
    /// <param name="footprint">The chip's ground rectangle, in metres of a projected CRS.</param>
    public SplitName? Of(BoundingBox footprint)
    {
        // A chip that only touches a block's edge does not lie in it: a hair inside the rectangle.
        var eps = 1e-6 * _block;
        long c0 = Block(footprint.MinX + eps), c1 = Block(footprint.MaxX - eps);
        long r0 = Block(footprint.MinY + eps), r1 = Block(footprint.MaxY - eps);
        SplitName? found = null;
        for (var c = c0; c <= c1; c++)
            for (var r = r0; r <= r1; r++)
            {
                var s = BlockSplit(c, r);
                if (found is { } f && f != s) return null;
                found = s;
            }
        return found;
    }

    private long Block(double metres) => (long)Math.Floor(metres / _block);

    // SplitMix64's finaliser: every input bit moves every output bit, so neighbouring blocks hash independently.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The split's name in the index: <c>train</c>, <c>validation</c> or <c>test</c>.</summary>
    public static string Name(SplitName split) => split switch
    {
        SplitName.Train => "train",
        SplitName.Validation => "validation",
        _ => "test",
    };
}
