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

    /// <summary>
    /// Bits of the values written for the before date (and the newest): 10 (the default, GF-2's range 1-1023 in UInt16),
    /// 12 or 16 (UInt16, the same radiance at 4 or 64 times the DN) or 8 (Byte, stretched like a delivered DOM: per band,
    /// the 2 % and 98 % percentiles of the 10-bit render, sampled on 128 rows, mapped linearly to 1-255 and clipped).
    /// 0 stays nodata.
    /// </summary>
    public int BitDepth { get; init; } = 10;

    /// <summary>Bits of the after date's values (see <see cref="BitDepth"/>); null: the same as the before date.</summary>
    public int? AfterBitDepth { get; init; }

    /// <summary>The after date's pixel size in metres; null: <see cref="Gsd"/>. It covers the same ground on its own grid.</summary>
    public double? AfterGsd { get; init; }

    /// <summary>
    /// The after date's grid origin moved by this many of its own pixels east (columns) and south (rows), fractions
    /// allowed: the ground stays put, so its content moves the other way across the grid.
    /// </summary>
    public double AfterShiftColumns { get; init; }

    /// <summary>See <see cref="AfterShiftColumns"/>.</summary>
    public double AfterShiftRows { get; init; }

    /// <summary>
    /// The after date's CRS (e.g. the neighbouring GK zone, 4547); null: <see cref="Epsg"/>. It covers the scene's extent
    /// projected into that CRS, snapped outwards to whole pixels; pixels off the scene's ground are nodata.
    /// </summary>
    public int? AfterEpsg { get; init; }

    /// <summary>How the after date's clouds and their shadows appear (see <see cref="CloudMode"/>).</summary>
    public CloudMode Clouds { get; init; } = CloudMode.Flagged;

    /// <summary>The after date's sensor response (the before date keeps the native one).</summary>
    public SensorResponse AfterSensor { get; init; } = SensorResponse.Native;

    /// <summary>
    /// Nuisance objects per km²: change between the dates that is not a violation, so a detector is tested on what it
    /// must leave alone: plastic mulch, a field flooded on one date, a fish pond drained or refilled, a patch of thin
    /// haze, a crop rotation, a new farm track, a village or industrial building demolished to rubble (see
    /// <see cref="NuisanceKind"/>). Each lies at least 10 m from every planted change, cloud and cloud shadow, and is
    /// written to <c>nuisance.gpkg</c> (layer <c>nuisance</c>: KIND, DATE, DETAIL, DLBM, area_m2). With nuisances, about half the
    /// building changes show a construction stage (cleared ground, a foundation grid) instead of a roof, recorded in the
    /// STAGE field that truth.gpkg then gains (<see cref="BuildingStage"/>).
    /// <para>
    /// The nuisances and stages are drawn from a stream of their own, after the changes and clouds: the same seed places
    /// the same changes and clouds with or without them, truth.tif, after_clouds.tif and the survey are the same bytes, and
    /// the rasters differ only inside the nuisances and the building changes (whose stage is drawn), except at 8 bits,
    /// where the stretch is measured with the nuisances in. The newest date (<see cref="RecheckDate"/>) shows no
    /// nuisance. 0, the default: none, and every output the same bytes as without this option.
    /// </para>
    /// </summary>
    public double Nuisances { get; init; }

    /// <summary>Largest <see cref="Nuisances"/>: far more than fit (each keeps 10 m from changes and 5 m from the others).</summary>
    public const double MaxNuisancesPerKm2 = 2000;

    /// <summary>The bit depths the synthesiser writes.</summary>
    public static IReadOnlyList<int> BitDepths { get; } = [8, 10, 12, 16];

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
    public long RasterBytes
    {
        get
        {
            var perPixel = 4 * Bytes(BitDepth) + 1 + (RecheckDate ? 4 * Bytes(BitDepth) + 1 : 0) + (Clouds == CloudMode.None ? 0 : 1);
            // The after grid: its pixel count scales with the pixel area; another CRS's bounding box adds up to a tenth.
            var after = (double)Size * Rows * Math.Pow(Gsd / (AfterGsd ?? Gsd), 2) * (AfterEpsg is null ? 1 : 1.1) * (4 * Bytes(AfterBitDepth ?? BitDepth) + 1);
            return (long)Size * Rows * perPixel + (long)after;
        }
    }

    private static int Bytes(int bitDepth) => bitDepth == 8 ? 1 : 2;

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
        if (!double.IsFinite(Nuisances) || Nuisances < 0 || Nuisances > MaxNuisancesPerKm2)
            throw new InputException(Invariant($"--nuisances {Nuisances}: give a number of nuisance objects per km² from 0 to {MaxNuisancesPerKm2}."));
        var nuisances = Size * Gsd * Rows * Gsd / 1e6 * Nuisances;
        if (nuisances > MaxChanges)
            throw new InputException(Invariant(
                $"--nuisances {Nuisances} on {Size * Gsd * Rows * Gsd / 1e6:0.#} km² plants about {nuisances:0} nuisances; at most {MaxChanges} per scene: lower the density or the size."));
        foreach (var (bits, flag) in new[] { (BitDepth, "--bit-depth"), (AfterBitDepth ?? BitDepth, "--after-bit-depth") })
            if (!BitDepths.Contains(bits))
                throw new InputException($"{flag} {bits}: give 8, 10, 12 or 16.");
        if (AfterGsd is { } afterGsd && (!double.IsFinite(afterGsd) || afterGsd <= 0 || afterGsd > MaxGsd))
            throw new InputException(Invariant($"--after-gsd {afterGsd}: the after date's pixel size must be a number of metres above 0 and at most {MaxGsd}."));
        if (AfterGsd is { } g && (Size * Gsd / g > MaxSide || Rows * Gsd / g > MaxSide))
            throw new InputException(Invariant($"--after-gsd {g}: the after date would be more than {MaxSide} pixels a side; give a larger pixel size or a smaller scene."));
        if (!double.IsFinite(AfterShiftColumns) || !double.IsFinite(AfterShiftRows) || Math.Abs(AfterShiftColumns) > Size || Math.Abs(AfterShiftRows) > Rows)
            throw new InputException(Invariant($"--after-shift {AfterShiftColumns},{AfterShiftRows}: give two numbers of pixels within the scene's size ({Size},{Rows})."));
        AfterSensor.Validate();
        if (StripRows <= 0) throw new InputException($"SynthOptions.StripRows is {StripRows}; give a positive number of rows.");
    }

    private static string Invariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>How the after date shows its clouds and their shadows.</summary>
public enum CloudMode
{
    /// <summary>A clear sky: no clouds.</summary>
    None,

    /// <summary>Cloud and shadow pixels are nodata (0), as a provider's cloud mask would leave them: the default.</summary>
    Flagged,

    /// <summary>Clouds painted white with soft, hazy edges and shadows darkening every band, nothing flagged: as real scenes arrive.</summary>
    Unflagged,
}
