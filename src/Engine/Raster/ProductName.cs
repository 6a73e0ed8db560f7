using System.Globalization;
using System.Text.RegularExpressions;

namespace WeiPian.Engine.Raster;

/// <summary>
/// The acquisition date that a satellite product's file name carries, for deliveries whose GeoTIFFs record none: China's
/// CRESDA products (GF-1/2/6, ZY-3, CBERS-04, HJ: <c>GF2_PMS1_E113.5_N30.6_20240312_L1A0001234567</c>,
/// <c>GF1_WFV3_E115.2_N29.8_20230915_L1A0007654321</c>), Landsat Collection products
/// (<c>LC08_L1TP_123039_20200512_20200527_02_T1</c>: the first date is the acquisition) and Sentinel-2 products
/// (<c>S2A_MSIL2A_20200512T030541_N0214_R075_T49RGP_...</c>) and USDA NAIP quarter quads
/// (<c>m_4709963_se_14_1_20200831</c>, <c>m_3008901_ne_15_060_20200923</c>: the last field is the image date). Only these patterns are read: an eight-digit number in
/// some other name may be anything (a tile number, a processing date), and a wrong date is worse than none.
/// </summary>
internal static partial class ProductName
{
    /// <summary>The acquisition date in the name of <paramref name="path"/>, or null when it follows no known pattern or its date is not a real day.</summary>
    public static DateOnly? AcquisitionDate(string path)
    {
        var name = Path.GetFileName(path);
        var match = Cresda().Match(name) is { Success: true } m ? m
            : Landsat().Match(name) is { Success: true } l ? l
            : Sentinel2().Match(name) is { Success: true } s ? s
            : Naip().Match(name);
        return match.Success && DateOnly.TryParseExact(match.Groups["date"].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;
    }

    /// <summary>An example of a name the engine reads a date from, for messages.</summary>
    public const string Example = "GF2_PMS1_E113.5_N30.6_20240312_L1A0001234567";

    // SATELLITE_SENSOR_E<lon>_N<lat>_YYYYMMDD_L<level><product id>
    [GeneratedRegex(@"^(?:GF\d|ZY\d\w*|CB04\w*|HJ\w+)_[A-Z0-9]+_[EW]\d+(?:\.\d+)?_[NS]\d+(?:\.\d+)?_(?<date>\d{8})_L\d", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Cresda();

    // LXSS_LLLL_PPPRRR_YYYYMMDD_yyyymmdd_CC_TX: acquisition, then processing date.
    [GeneratedRegex(@"^L[COTEM]0\d_L[0-9A-Z]{3}_\d{6}_(?<date>\d{8})_\d{8}_\d{2}_(?:T1|T2|RT)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Landsat();

    // MMM_MSIXXX_YYYYMMDDTHHMMSS_...: the datatake's sensing start.
    [GeneratedRegex(@"^S2[A-D]_MSIL\w{2}_(?<date>\d{8})T\d{6}_", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Sentinel2();

    // m_QQQQQQQ_qq_ZZ_R_YYYYMMDD: quarter quad (7 digits), quadrant (ne/nw/se/sw), UTM zone, resolution, image date.
    [GeneratedRegex(@"^m_\d{7}_(?:ne|nw|se|sw)_\d{2}_\d{1,3}_(?<date>\d{8})(?:_|\.|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Naip();
}
