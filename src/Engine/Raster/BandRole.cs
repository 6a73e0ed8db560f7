using WeiPian.Engine.Gdal;

namespace WeiPian.Engine.Raster;

/// <summary>What a band measures. Models ask for bands by role, so a scene's band order does not matter.</summary>
public enum BandRole
{
    /// <summary>Not known from the file: the caller must say.</summary>
    Unknown = 0,
    /// <summary>Blue (GF-2 MS band 1, 450-520 nm).</summary>
    Blue,
    /// <summary>Green (520-590 nm).</summary>
    Green,
    /// <summary>Red (630-690 nm).</summary>
    Red,
    /// <summary>Near infrared (770-890 nm).</summary>
    Nir,
    /// <summary>Red edge (GF-6 WFV).</summary>
    RedEdge,
    /// <summary>Short-wave infrared 1 (Landsat).</summary>
    Swir1,
    /// <summary>Short-wave infrared 2 (Landsat).</summary>
    Swir2,
    /// <summary>Coastal / deep blue.</summary>
    Coastal,
    /// <summary>Yellow (GF-6 WFV).</summary>
    Yellow,
    /// <summary>Panchromatic.</summary>
    Pan,
    /// <summary>Alpha or mask band.</summary>
    Alpha,
    /// <summary>Anything else (quality bands, thermal, ...).</summary>
    Other,
}

/// <summary>Band orders: parsing and printing lists of band roles ("B,G,R,NIR" is the GF-1/GF-2 multispectral order).</summary>
public static class BandOrder
{
    /// <summary>GF-1/GF-2/GF-6 PMS multispectral order.</summary>
    public static IReadOnlyList<BandRole> GaofenMultispectral { get; } = [BandRole.Blue, BandRole.Green, BandRole.Red, BandRole.Nir];

    /// <summary>Parses one role name: B/Blue, G/Green, R/Red, NIR/N, RE/RedEdge, SWIR1, SWIR2, C/Coastal, Y/Yellow, P/Pan, A/Alpha.</summary>
    public static bool TryParse(string? text, out BandRole role)
    {
        role = (text ?? "").Trim().ToUpperInvariant() switch
        {
            "B" or "BLUE" => BandRole.Blue,
            "G" or "GREEN" => BandRole.Green,
            "R" or "RED" => BandRole.Red,
            "N" or "NIR" or "NEAR INFRARED" or "NEARINFRARED" or "NEAR-INFRARED" => BandRole.Nir,
            "RE" or "REDEDGE" or "RED EDGE" => BandRole.RedEdge,
            "SWIR1" or "SWIR 1" or "SWIR-1" => BandRole.Swir1,
            "SWIR2" or "SWIR 2" or "SWIR-2" => BandRole.Swir2,
            "C" or "COASTAL" => BandRole.Coastal,
            "Y" or "YELLOW" => BandRole.Yellow,
            "P" or "PAN" or "PANCHROMATIC" => BandRole.Pan,
            "A" or "ALPHA" => BandRole.Alpha,
            "X" or "OTHER" => BandRole.Other,
            _ => BandRole.Unknown,
        };
        return role != BandRole.Unknown;
    }

    /// <summary>Parses a comma-separated list such as "B,G,R,NIR" or "R,G,B,NIR".</summary>
    /// <exception cref="InputException">A name is not a known role.</exception>
    public static IReadOnlyList<BandRole> ParseList(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var roles = new BandRole[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!TryParse(parts[i], out roles[i]))
                throw new InputException($"'{parts[i]}' in band list '{text}' is not a band role; use B, G, R, NIR, RE, SWIR1, SWIR2, C, Y, P, A or X.") { Setting = "Bands" };
        return roles;
    }

    /// <summary>The short name used in files and cards: B, G, R, NIR, ...</summary>
    public static string ShortName(BandRole role) => role switch
    {
        BandRole.Blue => "B",
        BandRole.Green => "G",
        BandRole.Red => "R",
        BandRole.Nir => "NIR",
        BandRole.RedEdge => "RE",
        BandRole.Swir1 => "SWIR1",
        BandRole.Swir2 => "SWIR2",
        BandRole.Coastal => "C",
        BandRole.Yellow => "Y",
        BandRole.Pan => "P",
        BandRole.Alpha => "A",
        BandRole.Other => "X",
        _ => "?",
    };

    /// <summary>"B,G,R,NIR".</summary>
    public static string Format(IEnumerable<BandRole> roles) => string.Join(",", roles.Select(ShortName));

    // GDAL's colour interpretations name only the visible bands (and alpha); every other role is Undefined there and
    // travels in the band description instead.
    internal static BandRole FromColor(ColorInterpretation color) => color switch
    {
        ColorInterpretation.Red => BandRole.Red,
        ColorInterpretation.Green => BandRole.Green,
        ColorInterpretation.Blue => BandRole.Blue,
        ColorInterpretation.Alpha => BandRole.Alpha,
        _ => BandRole.Unknown,
    };

    internal static ColorInterpretation ColorOf(BandRole role) => role switch
    {
        BandRole.Red => ColorInterpretation.Red,
        BandRole.Green => ColorInterpretation.Green,
        BandRole.Blue => ColorInterpretation.Blue,
        BandRole.Alpha => ColorInterpretation.Alpha,
        _ => ColorInterpretation.Undefined,
    };
}
