namespace WeiPian.Synth;

/// <summary>
/// Kinds of change between the dates that are not violations, planted with <see cref="SynthOptions.Nuisances"/> so a
/// detector meets the look-alikes of real land-use change it must leave alone. The names are written to the
/// <c>KIND</c> field of <c>nuisance.gpkg</c>.
/// </summary>
public enum NuisanceKind : byte
{
    /// <summary>Plastic mulch laid over part of a field in the after date: flat bright film in beds 1.6-2.4 m wide with 0.8 m furrows (not a greenhouse: no arches, no 7-8 m period).</summary>
    Mulch = 1,
    /// <summary>A dry-land field (irrigated or dry, not a rice paddy) flooded in one date only, before or after, as for transplanting rice: water over soil or young rice.</summary>
    PaddyFlooded = 2,
    /// <summary>An existing fish pond drained in the after date: wet mud, sometimes a puddle left.</summary>
    PondDrained = 3,
    /// <summary>An existing fish pond drained in the before date and full again in the after date.</summary>
    PondRefilled = 4,
    /// <summary>A local patch of thin haze or smog in one date: smooth, additive, stronger in blue; not a cloud and not in the cloud mask.</summary>
    Haze = 5,
    /// <summary>A field whose crop changed between the dates (a legitimate rotation), e.g. rapeseed in flower to ploughed soil.</summary>
    SeasonSwap = 6,
    /// <summary>A new farm track or field-boundary line a few metres wide crossing a field in the after date, dirt or concrete.</summary>
    Road = 7,
    /// <summary>An existing village or industrial building demolished in the after date, leaving rubble: removal, not construction.</summary>
    Rubble = 8,
}

/// <summary>The date whose look a nuisance alters, as the <c>DATE</c> field of <c>nuisance.gpkg</c> spells it.</summary>
public enum NuisanceDate : byte
{
    /// <summary>Only the before date differs from the ordinary ground (e.g. a pond drained before, full after).</summary>
    Before = 0,
    /// <summary>Only the after date differs (mulch laid, track built, building demolished).</summary>
    After = 1,
    /// <summary>Both dates are drawn for it (a crop rotation: one crop before, another after).</summary>
    Both = 2,
}

/// <summary>Names of <see cref="NuisanceKind"/> and <see cref="NuisanceDate"/>.</summary>
public static class NuisanceKinds
{
    /// <summary>Every kind, in id order.</summary>
    public static IReadOnlyList<NuisanceKind> All { get; } = Enum.GetValues<NuisanceKind>();

    /// <summary>The <c>KIND</c> written to nuisance.gpkg.</summary>
    public static string Name(NuisanceKind k) => k switch
    {
        NuisanceKind.Mulch => "mulch",
        NuisanceKind.PaddyFlooded => "paddy_flooded",
        NuisanceKind.PondDrained => "pond_drained",
        NuisanceKind.PondRefilled => "pond_refilled",
        NuisanceKind.Haze => "haze",
        NuisanceKind.SeasonSwap => "season_swap",
        NuisanceKind.Road => "road",
        NuisanceKind.Rubble => "rubble",
        _ => throw new ArgumentOutOfRangeException(nameof(k)),
    };

    /// <summary>The <c>DATE</c> written to nuisance.gpkg.</summary>
    public static string Name(NuisanceDate d) => d switch
    {
        NuisanceDate.Before => "before",
        NuisanceDate.After => "after",
        NuisanceDate.Both => "both",
        _ => throw new ArgumentOutOfRangeException(nameof(d)),
    };
}

/// <summary>
/// One planted nuisance. Every kind but haze is a rectangle in the road grid's rotated frame (p along, q across):
/// [<see cref="P0"/>, <see cref="P1"/>] x [<see cref="Q0"/>, <see cref="Q1"/>], so its texture follows the fields; haze is a
/// disc of <see cref="Radius"/> whose effect fades to nothing at its rim, and its outline is a polygon around that disc.
/// </summary>
internal sealed class Nuisance
{
    public required NuisanceKind Kind { get; init; }
    public required NuisanceDate Date { get; init; }
    /// <summary>What is written to nuisance.gpkg; holds every pixel centre the nuisance alters.</summary>
    public required Shape Outline { get; init; }
    public double P0 { get; init; }
    public double P1 { get; init; }
    public double Q0 { get; init; }
    public double Q1 { get; init; }
    /// <summary>Fields: the strips (and crop rows, mulch beds) run along p; else along q.</summary>
    public bool AlongP { get; init; }
    /// <summary>Haze: centre and radius in scene-local metres, and the added blue reflectance at the centre.</summary>
    public double CentreE { get; init; }
    public double CentreS { get; init; }
    public double Radius { get; init; }
    public float Strength { get; init; }
    /// <summary>Film colour, crop pair, track surface, puddle or not: see <see cref="Detail"/>.</summary>
    public required int Variant { get; init; }
    public required uint Seed { get; init; }
    /// <summary>The land class the nuisance lies on (the block at its centre; haze: null, it lies over anything).</summary>
    public LandClass? Land { get; init; }

    /// <summary>Whether the nuisance alters date <paramref name="index"/> (0 before, 1 after; never the newest).</summary>
    public bool Alters(int index) => Date switch
    {
        NuisanceDate.Before => index == 0,
        NuisanceDate.After => index == 1,
        _ => index <= 1,
    };

    /// <summary>Whether the point is one the nuisance alters: inside the rectangle, or inside the haze disc.</summary>
    public bool Holds(double e, double s, double p, double q)
    {
        if (Kind == NuisanceKind.Haze)
        {
            double de = e - CentreE, ds = s - CentreS;
            return de * de + ds * ds < Radius * Radius;
        }
        return p >= P0 && p < P1 && q >= Q0 && q < Q1;
    }

    /// <summary>A few words on the variant, for the <c>DETAIL</c> field.</summary>
    public string Detail => Kind switch
    {
        NuisanceKind.Mulch => (Variant & 1) == 0 ? "white film" : "clear film",
        NuisanceKind.PaddyFlooded => (Variant & 1) == 0 ? "water over soil" : "water over young rice",
        NuisanceKind.PondDrained or NuisanceKind.PondRefilled => (Variant & 1) == 0 ? "mud" : "mud and puddle",
        NuisanceKind.Haze => "thin haze",
        NuisanceKind.SeasonSwap => SeasonSwaps[Variant & 3],
        NuisanceKind.Road => (Variant & 3) == 3 ? "concrete track" : "dirt track",
        NuisanceKind.Rubble => (Variant & 1) == 0 ? "village house" : "industrial building",
        _ => "",
    };

    /// <summary>The crop rotations of <see cref="NuisanceKind.SeasonSwap"/>, before -> after, by variant.</summary>
    public static readonly string[] SeasonSwaps = ["rapeseed -> ploughed", "wheat -> flooded rice", "bare -> vegetables", "wheat -> stubble"];
}
