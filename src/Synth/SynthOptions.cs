using WeiPian.Engine;

namespace WeiPian.Synth;

/// <summary>What scene pair to synthesise. The same options and seed always give the same bytes.</summary>
public sealed record SynthOptions
{
    /// <summary>Columns (and rows, unless <see cref="Height"/> is set).</summary>
    public int Size { get; init; } = 1024;

    /// <summary>Rows, when not square.</summary>
    public int? Height { get; init; }

    /// <summary>The seed: everything in the scene follows from it.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Ground sample distance in metres (GF-2 multispectral pan-sharpened 0.8, GF-1 2).</summary>
    public double Gsd { get; init; } = 0.8;

    /// <summary>CRS of the output: a CGCS2000 3-degree Gauss-Kruger zone (EPSG:4513-4554); default EPSG:4546, CM 111E.</summary>
    public int Epsg { get; init; } = 4546;

    /// <summary>True changes per km² (0 for a pair with only nuisance change).</summary>
    public double ChangesPerKm2 { get; init; } = 25;

    /// <summary>Also write the survey as GBK Shapefiles under <c>survey_shp/</c>.</summary>
    public bool WriteShapefiles { get; init; } = true;

    /// <summary>
    /// Also synthesise a third date for rectification monitoring: <c>newest.tif</c> (its own illumination, haze,
    /// misregistration, season and clouds) in which some planted changes are restored, some partly, some untouched or
    /// left as rubble and some hidden by cloud, with <c>recheck_truth.gpkg</c>/<c>recheck_truth.tif</c>. Off by default;
    /// the other outputs are the same bytes either way.
    /// </summary>
    public bool RecheckDate { get; init; }

    /// <summary>Rows rendered and written per strip (a multiple of the 256-pixel tile keeps writes whole-tile).</summary>
    public int StripRows { get; init; } = 256;

    /// <summary>Rows.</summary>
    public int Rows => Height ?? Size;

    /// <summary>Largest side in pixels (<see cref="Size"/>, <see cref="Height"/>).</summary>
    public const int MaxSide = 65536;

    /// <summary>Largest <see cref="Gsd"/> in metres.</summary>
    public const double MaxGsd = 100;

    /// <summary>
    /// Largest <see cref="ChangesPerKm2"/>: not even the smallest change (a 16 x 13 m building with its 8 m gaps) fits
    /// more than about 2,000 times in a square kilometre, so densities above that only pack a scene full; far above,
    /// every placement attempt fails.
    /// </summary>
    public const double MaxChangesPerKm2 = 10_000;

    /// <summary>Most changes planted in one scene (each is checked against those placed before it).</summary>
    public const int MaxChanges = 100_000;

    /// <summary>
    /// What the rasters take on disk at most (uncompressed): two four-band UInt16 images and the byte truth, and with
    /// <see cref="RecheckDate"/> a third image and its truth. The vector files are small beside them.
    /// </summary>
    public long RasterBytes => (long)Size * Rows * (2 * 4 * sizeof(ushort) + 1 + (RecheckDate ? 4 * sizeof(ushort) + 1 : 0));

    /// <summary>Refuses values that are not numbers or past the limits stated above, naming the option.</summary>
    /// <exception cref="InputException">An option is out of range.</exception>
    internal void Validate()
    {
        if (Size < 16 || Rows < 16 || Size > MaxSide || Rows > MaxSide)
            throw new InputException($"scene size {Size}x{Rows}: each side must be 16 to {MaxSide} pixels (--size, --height).");
        if (!double.IsFinite(Gsd) || Gsd <= 0 || Gsd > MaxGsd)
            throw new InputException(Invariant($"--gsd {Gsd}: the ground sample distance must be a number of metres above 0 and at most {MaxGsd}."));
        if (!double.IsFinite(ChangesPerKm2) || ChangesPerKm2 < 0 || ChangesPerKm2 > MaxChangesPerKm2)
            throw new InputException(Invariant($"--changes-per-km2 {ChangesPerKm2}: give a number from 0 to {MaxChangesPerKm2}."));
        var changes = Size * Gsd * Rows * Gsd / 1e6 * ChangesPerKm2;
        if (changes > MaxChanges)
            throw new InputException(Invariant(
                $"--changes-per-km2 {ChangesPerKm2} on {Size * Gsd * Rows * Gsd / 1e6:0.#} km² plants about {changes:0} changes; at most {MaxChanges} per scene: lower the density or the size."));
        if (StripRows <= 0) throw new InputException($"SynthOptions.StripRows is {StripRows}; give a positive number of rows.");
    }

    private static string Invariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
