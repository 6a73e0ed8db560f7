using System.Globalization;
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

    internal void Validate()
    {
        if (Size < 16 || Rows < 16) throw new InputException($"Scene size {Size}x{Rows} must be at least 16 pixels a side.") { Setting = Size < 16 ? nameof(Size) : nameof(Height) };
        if (!(Gsd is > 0 and <= 100)) throw new InputException($"GSD {Gsd.ToString(CultureInfo.InvariantCulture)} m: it must be in (0, 100] metres.") { Setting = nameof(Gsd) };
        if (!(ChangesPerKm2 >= 0)) throw new InputException($"{ChangesPerKm2.ToString(CultureInfo.InvariantCulture)} changes per km²: the density cannot be negative or NaN.") { Setting = nameof(ChangesPerKm2) };
        if (StripRows <= 0) throw new ArgumentOutOfRangeException(nameof(StripRows));
    }
}
