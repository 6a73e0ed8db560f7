using System.Diagnostics;
using System.Globalization;
using WeiPian.Engine.Inference;
using WeiPian.Engine.Raster;
using WeiPian.Engine.Raster.Primitives;

namespace WeiPian.Engine.Radiometry;

/// <summary>How a run brings the scenes' raw values onto the model's scaling.</summary>
public enum RadiometrySetting
{
    /// <summary>As the card says (<see cref="CardRadiometry.Mode"/>; <see cref="ScalingMode.Fixed"/> for a card that says nothing).</summary>
    Card,

    /// <summary>Map each date's sampled low/high percentiles per band onto reference values (<see cref="ScalingMode.Percentile"/>, <see cref="PercentileStretch"/>).</summary>
    Percentile,

    /// <summary>Map the after date onto the before date on pseudo-invariant pixels (<see cref="ScalingMode.Match"/>).</summary>
    Match,
}

/// <summary>
/// What one run feeds the model: each date's scaling, the card's composed with that date's radiometric correction,
/// decided from a sample of both scenes (<see cref="RadiometrySample"/>) before any tile runs, after checking the
/// samples against the card (<see cref="RadiometryChecks"/>).
/// </summary>
public sealed class RadiometryPlan
{
    private RadiometryPlan(ScalingMode mode, BandScaling before, BandScaling after, string description, TimeSpan time)
    {
        Mode = mode;
        Before = before;
        After = after;
        Description = description;
        SampleTime = time;
    }

    /// <summary>The scaling mode used.</summary>
    public ScalingMode Mode { get; }

    /// <summary>The before date's raw value to model value, per card band.</summary>
    public BandScaling Before { get; }

    /// <summary>The after date's raw value to model value, per card band.</summary>
    public BandScaling After { get; }

    /// <summary>One line for summaries: the mode and what it measured (percentiles, gains).</summary>
    public string Description { get; }

    /// <summary>Time spent sampling, checking and fitting.</summary>
    public TimeSpan SampleTime { get; }

    /// <summary>A setting by the name users type: <c>card</c>, <c>percentile</c> or <c>match</c>, in any case.</summary>
    /// <exception cref="InputException">Any other name; the message names <paramref name="what"/> and the names known.</exception>
    public static RadiometrySetting Parse(string name, string what = "radiometry") => name.ToLowerInvariant() switch
    {
        "card" => RadiometrySetting.Card,
        "percentile" => RadiometrySetting.Percentile,
        "match" => RadiometrySetting.Match,
        _ => throw new InputException($"{what} '{name}': use card, percentile or match."),
    };

    /// <summary>Samples both dates, checks them against the card and works out each date's scaling.</summary>
    /// <param name="card">The model's card.</param>
    /// <param name="before">The before date.</param>
    /// <param name="regionBefore">Its processed region.</param>
    /// <param name="bandsBefore">Its 1-based bands in card order.</param>
    /// <param name="after">The after date.</param>
    /// <param name="regionAfter">Its processed region (same size as <paramref name="regionBefore"/>).</param>
    /// <param name="bandsAfter">Its 1-based bands in card order.</param>
    /// <param name="setting">The run's choice; <see cref="RadiometrySetting.Card"/> takes the card's mode.</param>
    /// <exception cref="InputException">A date does not fit the card in the chosen mode; <see cref="InputException.Setting"/> names what fixes it.</exception>
    public static RadiometryPlan Prepare(ModelCard card, Scene before, PixelWindow regionBefore, IReadOnlyList<int> bandsBefore,
        Scene after, PixelWindow regionAfter, IReadOnlyList<int> bandsAfter, RadiometrySetting setting)
    {
        ArgumentNullException.ThrowIfNull(card);
        var clock = Stopwatch.StartNew();
        var radiometry = card.Input.Scaling.Radiometry;
        var scaling = card.Input.Scaling.Coefficients;
        var mode = setting switch
        {
            RadiometrySetting.Percentile => ScalingMode.Percentile,
            RadiometrySetting.Match => ScalingMode.Match,
            _ => radiometry.Mode,
        };
        if (mode == ScalingMode.Match)
        {
            var (b, a) = RadiometrySample.ReadPair(before, regionBefore, bandsBefore, after, regionAfter, bandsAfter);
            var statsBefore = Statistics(b);
            RadiometryChecks.Bands(card, b, statsBefore, false);
            RadiometryChecks.Bands(card, a, Statistics(a), false);
            RadiometryChecks.Fixed(card, b, statsBefore);
            var (gain, offset, invariant) = RelativeNormalisation.Fit(b.Values, a.Values);
            if (gain.Any(g => !(g > 0)))
                throw new InputException($"'{after.Path}' cannot be matched onto '{before.Path}': a band's fit on unchanged pixels has gain {Num(gain.Min())} (not positive); the dates do not look alike.") { Setting = "Radiometry" };
            return new RadiometryPlan(mode, scaling, scaling.Compose(gain, offset),
                $"match: after onto before on {invariant} invariant of {b.Count} sampled px, gain {List(gain)}, offset {List(offset)}", clock.Elapsed);
        }
        var (sb, sa) = RadiometrySample.ReadBoth(before, regionBefore, bandsBefore, after, regionAfter, bandsAfter);
        var stb = Statistics(sb);
        var sta = Statistics(sa);
        var percentile = mode == ScalingMode.Percentile;
        RadiometryChecks.Bands(card, sb, stb, percentile);
        RadiometryChecks.Bands(card, sa, sta, percentile);
        if (!percentile)
        {
            RadiometryChecks.Fixed(card, sb, stb);
            RadiometryChecks.Fixed(card, sa, sta);
            return new RadiometryPlan(mode, scaling, scaling,
                $"fixed: the card's scaling ({radiometry.BitDepth}-bit{(radiometry.BitDepthStated ? "" : " from its max")}), both dates checked on {sb.Count} and {sa.Count} sampled px", clock.Elapsed);
        }
        var (before8, after8, how) = PercentileStretch.Maps(card, sb, stb, sa, sta);
        return new RadiometryPlan(mode, scaling.Compose(before8.Gain, before8.Offset), scaling.Compose(after8.Gain, after8.Offset),
            $"percentile: {how}; before gain {List(before8.Gain)}, offset {List(before8.Offset)}; after gain {List(after8.Gain)}, offset {List(after8.Offset)}", clock.Elapsed);
    }

    private static BandStatistics[] Statistics(RadiometrySample sample) => [.. sample.Values.Select(v => new BandStatistics(v))];

    private static string List(double[] values) => string.Join(", ", values.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));

    private static string Num(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
