namespace WeiPian.Engine.Training;

/// <summary>Where a training export is: chips written of those planned over every scene.</summary>
/// <param name="Done">Chips read and written (or dropped for nodata).</param>
/// <param name="Total">Chips planned over all scenes.</param>
/// <param name="Scene">The scene key being read.</param>
public sealed record TrainingProgress(int Done, int Total, string Scene);

/// <summary>What a training export wrote and what it left out, with the reasons.</summary>
public sealed class TrainingCounts
{
    /// <summary>Scene pairs read.</summary>
    public int Scenes { get; internal set; }

    /// <summary>Verified polygons in the source.</summary>
    public int Polygons { get; internal set; }

    /// <summary>Verified polygons that meet no image of the manifest (no chip is cut for them).</summary>
    public int PolygonsOffImages { get; internal set; }

    /// <summary>Chips written, per split and kind.</summary>
    public Dictionary<(SplitName Split, ChipKind Kind), int> Written { get; } = [];

    /// <summary>Chips dropped because they straddle blocks of two splits.</summary>
    public int Straddling { get; internal set; }

    /// <summary>Chips dropped because more than the allowed share of their pixels is nodata.</summary>
    public int MostlyNoData { get; internal set; }

    /// <summary>Unchanged chips asked for but not placed: no room clear of the polygons was found.</summary>
    public int UnchangedShort { get; internal set; }

    /// <summary>Chips written in all.</summary>
    public int Total => Written.Values.Sum();

    /// <summary>Chips written of one kind.</summary>
    public int Of(ChipKind kind) => Written.Where(x => x.Key.Kind == kind).Sum(x => x.Value);

    /// <summary>Chips written in one split.</summary>
    public int Of(SplitName split) => Written.Where(x => x.Key.Split == split).Sum(x => x.Value);
}
