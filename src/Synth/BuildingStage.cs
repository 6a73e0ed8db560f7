namespace WeiPian.Synth;

/// <summary>
/// How far a planted building change had got by the after date. Only scenes with <see cref="SynthOptions.Nuisances"/>
/// above 0 draw stages other than <see cref="Finished"/>: a site cleared or with its foundation poured is already a
/// violation to detect, though it looks nothing like a roof. The names are written to the <c>STAGE</c> field of
/// <c>truth.gpkg</c>. The newest date of a recheck shows a building left standing at the same stage (work is not resumed).
/// </summary>
public enum BuildingStage : byte
{
    /// <summary>A finished roof casting its shadow (every building without nuisances).</summary>
    Finished = 0,
    /// <summary>The ground scraped bare: bright disturbed soil with machine tracks, no height, no shadow.</summary>
    Cleared = 1,
    /// <summary>Concrete ground beams in a grid on the scraped soil, no height, no shadow.</summary>
    Foundation = 2,
}

/// <summary>Names of <see cref="BuildingStage"/>.</summary>
public static class BuildingStages
{
    /// <summary>Every stage, in id order.</summary>
    public static IReadOnlyList<BuildingStage> All { get; } = Enum.GetValues<BuildingStage>();

    /// <summary>The <c>STAGE</c> written to truth.gpkg.</summary>
    public static string Name(BuildingStage s) => s switch
    {
        BuildingStage.Finished => "finished",
        BuildingStage.Cleared => "cleared",
        BuildingStage.Foundation => "foundation",
        _ => throw new ArgumentOutOfRangeException(nameof(s)),
    };
}
