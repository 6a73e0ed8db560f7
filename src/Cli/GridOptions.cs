using System.CommandLine;
using WeiPian.Engine.Pipeline;
using WeiPian.Engine.Recheck;

namespace WeiPian.Cli;

/// <summary>
/// The options that put two dates on one grid: <c>--align</c> (detect, recheck), <c>--resample-to-model</c> and
/// <c>--coregister</c> (detect). Each command owns its instances; <see cref="Apply(ParseResult, ScenePair)"/> sets them on
/// the pair.
/// </summary>
internal sealed class GridOptions
{
    private readonly Option<bool> _align = new("--align")
    {
        Description = "Warp the later image onto the earlier one's grid when they differ (offset, pixel size, CRS, extent; GDAL warper, cubic) and process their overlap",
    };

    private readonly Option<bool>? _resampleToModel;
    private readonly Option<bool>? _coregister;

    private GridOptions(Command command, bool detect)
    {
        command.Options.Add(_align);
        if (!detect) return;
        _resampleToModel = new("--resample-to-model")
        {
            Description = "Run the model at its card's GSD (input.gsd) when the scene's differs by more than 10 %: both dates warped to it, polygons in the scene's CRS",
        };
        _coregister = new("--coregister")
        {
            Description = "Take out the residual shift between the dates that the co-registration check measures (sub-pixel, one global shift)",
        };
        command.Options.Add(_resampleToModel);
        command.Options.Add(_coregister);
    }

    /// <summary>Adds <c>--align</c>, <c>--resample-to-model</c> and <c>--coregister</c> to detect.</summary>
    public static GridOptions AddToDetect(Command command) => new(command, detect: true);

    /// <summary>Adds <c>--align</c> to recheck.</summary>
    public static GridOptions AddToRecheck(Command command) => new(command, detect: false);

    /// <summary>The pair with the grid options given.</summary>
    public ScenePair Apply(ParseResult parse, ScenePair pair) => pair with
    {
        Align = parse.GetValue(_align),
        ResampleToModel = _resampleToModel is not null && parse.GetValue(_resampleToModel),
        Coregister = _coregister is not null && parse.GetValue(_coregister),
    };

    /// <summary>The recheck's images with the grid options given.</summary>
    public RecheckImages Apply(ParseResult parse, RecheckImages images) => images with { Align = parse.GetValue(_align) };
}
