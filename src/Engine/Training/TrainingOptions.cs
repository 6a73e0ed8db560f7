using System.Globalization;
using WeiPian.Engine.Raster;

namespace WeiPian.Engine.Training;

/// <summary>
/// What <see cref="TrainingExport"/> reads from the verified polygons and how it cuts chips: sizes in pixels of the scene
/// grid, distances in metres of the scene's projected CRS. The defaults are the documented proportions (docs/TRAINING.md).
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Smallest chip side the export writes, in pixels: a model needs some context around an object.</summary>
    public const int MinChipSize = 32;

    /// <summary>Largest chip side, in pixels: a 4096² chip of four UInt16 bands is 128 MiB in memory.</summary>
    public const int MaxChipSize = 4096;

    /// <summary>The class mask's value for pixels a model must not learn from: nodata in either date and verified polygons' edges.</summary>
    public const byte Ignore = 255;

    /// <summary>Layer of the polygon source; null for the first layer.</summary>
    public string? Layer { get; init; }

    /// <summary>Field holding each polygon's change type: a TBLX code of the card's classes, or a class name of the card.</summary>
    public string ClassField { get; init; } = "TBLX";

    /// <summary>
    /// Field holding the county's verdict (PDLX); a polygon whose value is one of <see cref="FalseChangeValues"/> is a
    /// false change (伪变化), every other polygon a real change. Null: PDLX when the layer has it, else every polygon is a
    /// real change.
    /// </summary>
    public string? VerdictField { get; init; }

    /// <summary>Verdict values that mean false change, compared without regard to case or surrounding blanks.</summary>
    public IReadOnlyList<string> FalseChangeValues { get; init; } = ["伪变化", "false"];

    /// <summary>Chip side in pixels, <see cref="MinChipSize"/> to <see cref="MaxChipSize"/>.</summary>
    public int ChipSize { get; init; } = 512;

    /// <summary>Band roles of the images in band order, for manifest rows without a <c>bands</c> column; null to read them from the files.</summary>
    public IReadOnlyList<BandRole>? Bands { get; init; }

    /// <summary>Side of the square blocks, in metres, that are hashed to a split; 10 m to 1,000 km.</summary>
    public double SplitBlockMetres { get; init; } = 2000;

    /// <summary>Shares of the blocks that go to train and validation; the rest goes to test. Each 0 to 1, together at most 1.</summary>
    public (double Train, double Validation) SplitShares { get; init; } = (0.7, 0.15);

    /// <summary>Seed of the jitter, the unchanged chips' places and the block hash: the same seed gives the same export.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// Greatest shift of a positive or false-change chip's centre from its polygon's point inside, as a share of the chip
    /// side in each axis (0 to 0.5): the object does not always sit in the middle, as it does not in a scene.
    /// </summary>
    public double Jitter { get; init; } = 0.25;

    /// <summary>Chips per verified real change, each with its own jitter (1 to 16).</summary>
    public int ChipsPerChange { get; init; } = 1;

    /// <summary>Chips per polygon judged false change (0 to 16): the model's past mistakes, as hard negatives.</summary>
    public int ChipsPerFalseChange { get; init; } = 1;

    /// <summary>Chips of unchanged land per positive chip of a scene (0 to 10), placed at random clear of every verified polygon.</summary>
    public double UnchangedPerPositive { get; init; } = 0.5;

    /// <summary>
    /// Width, in pixels, of the band around every verified polygon's boundary that the mask marks <see cref="Ignore"/>
    /// (0 to 16): a pixel whose centre lies within this many pixel widths of the boundary. Outlines drawn by hand on
    /// imagery are a pixel or two off, so the edge pixels' class is uncertain.
    /// </summary>
    public int EdgeIgnorePixels { get; init; } = 2;

    /// <summary>Chips with more than this share of pixels at nodata in either date are not written (0 to 1).</summary>
    public double MaxNoDataShare { get; init; } = 0.5;

    /// <summary>Checks every value against its range before any work.</summary>
    /// <exception cref="InputException">A value outside its range; <see cref="InputException.Setting"/> names the property.</exception>
    public void Validate()
    {
        var inv = CultureInfo.InvariantCulture;
        if (ChipSize is < MinChipSize or > MaxChipSize)
            throw new InputException($"The chip size {ChipSize} px is outside {MinChipSize} to {MaxChipSize} px.") { Setting = nameof(ChipSize) };
        if (!(SplitBlockMetres >= 10 && SplitBlockMetres <= 1_000_000))
            throw new InputException($"The split block {SplitBlockMetres.ToString(inv)} m is outside 10 m to 1,000 km.") { Setting = nameof(SplitBlockMetres) };
        var (train, validation) = SplitShares;
        if (!(train >= 0 && validation >= 0 && train + validation <= 1 + 1e-9))
            throw new InputException($"The split shares {train.ToString(inv)} (train) and {validation.ToString(inv)} (validation) must each be 0 to 1 and together at most 1.")
            {
                Setting = nameof(SplitShares),
            };
        if (!(Jitter >= 0 && Jitter <= 0.5))
            throw new InputException($"The jitter {Jitter.ToString(inv)} is a share of the chip side from 0 to 0.5.") { Setting = nameof(Jitter) };
        if (ChipsPerChange is < 1 or > 16)
            throw new InputException($"{ChipsPerChange} chips per real change is outside 1 to 16.") { Setting = nameof(ChipsPerChange) };
        if (ChipsPerFalseChange is < 0 or > 16)
            throw new InputException($"{ChipsPerFalseChange} chips per false change is outside 0 to 16.") { Setting = nameof(ChipsPerFalseChange) };
        if (!(UnchangedPerPositive >= 0 && UnchangedPerPositive <= 10))
            throw new InputException($"{UnchangedPerPositive.ToString(inv)} unchanged chips per positive chip is outside 0 to 10.") { Setting = nameof(UnchangedPerPositive) };
        if (EdgeIgnorePixels is < 0 or > 16)
            throw new InputException($"The ignored edge of {EdgeIgnorePixels} px is outside 0 to 16 px.") { Setting = nameof(EdgeIgnorePixels) };
        if (!(MaxNoDataShare >= 0 && MaxNoDataShare <= 1))
            throw new InputException($"The nodata share {MaxNoDataShare.ToString(inv)} is outside 0 to 1.") { Setting = nameof(MaxNoDataShare) };
        if (string.IsNullOrWhiteSpace(ClassField)) throw new InputException("The class field is empty.") { Setting = nameof(ClassField) };
        if (FalseChangeValues.Count == 0 || FalseChangeValues.Any(string.IsNullOrWhiteSpace))
            throw new InputException("The false-change verdicts must name at least one value, none of them empty.") { Setting = nameof(FalseChangeValues) };
    }
}
