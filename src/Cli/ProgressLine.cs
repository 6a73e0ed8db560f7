using System.Diagnostics;
using System.Globalization;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Cli;

/// <summary>
/// The progress of any command, in one style: <c>[bar] percent  what is being counted  elapsed (ETA)</c>, on a terminal
/// one line redrawn in place (at most ten times a second), in a log (stderr not a terminal) a plain line per tenth of
/// the run and per milestone (a new stage, an event, the end). The percentage is of the whole run: a command maps its
/// stages onto it so that only the end of the run reads 100 %.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool terminal) : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _lastDraw = -1000;
    private int _lastTenth = -1;
    private bool _open;

    /// <summary>Progress on stderr, redrawn in place when it is a terminal.</summary>
    public ProgressLine()
        : this(Console.Error, terminal: !Console.IsErrorRedirected)
    {
    }

    /// <summary>Whether the line is redrawn in place (a terminal) rather than written line by line (a log).</summary>
    public bool Terminal => terminal;

    /// <summary>Time since the command's work began.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Shows where the run is.</summary>
    /// <param name="fraction">Of the whole run, 0 to 1; 1 only when it is over.</param>
    /// <param name="detail">What is being counted, e.g. <c>tiles 3/25  polygons 4</c>.</param>
    /// <param name="eta">Time still to go, when the command can tell.</param>
    /// <param name="milestone">A new stage, an event or the end: always drawn, and a line of its own in a log.</param>
    public void Show(double fraction, string detail, TimeSpan? eta, bool milestone)
    {
        fraction = Math.Clamp(fraction, 0, 1);
        lock (_gate)
        {
            var elapsed = _clock.Elapsed;
            var text = string.Create(CultureInfo.InvariantCulture, $"{Bar(fraction)} {fraction,4:P0}  {detail}  {Clock(elapsed)}")
                + (eta is { } e ? $" (ETA {Clock(e)})" : "");
            if (terminal)
            {
                var now = _clock.ElapsedMilliseconds;
                if (now - _lastDraw < 100 && !milestone) return;
                _lastDraw = now;
                writer.Write("\r" + text + "\x1b[K");
                _open = true;
            }
            else
            {
                var tenth = (int)(fraction * 10);
                if (tenth == _lastTenth && !milestone) return;
                _lastTenth = tenth;
                writer.WriteLine(text);
            }
        }
    }

    /// <summary>Writes a line of its own (a warning, an event) without mixing it into the bar, which the next report redraws.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            if (_open) writer.Write("\r\x1b[K");
            _open = false;
            writer.WriteLine(text);
        }
    }

    /// <summary>Ends the redrawn line, so what follows starts on a line of its own.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_open) writer.WriteLine();
            _open = false;
        }
    }

    private static string Clock(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes:00}:{t.Seconds:00}");

    private static string Bar(double f)
    {
        const int width = 24;
        var full = (int)Math.Round(f * width);
        return "[" + new string('#', full) + new string('.', width - full) + "]";
    }
}

/// <summary>
/// A detection on a <see cref="ProgressLine"/>: the tiles take the bar to 90 %; the stages after them (the last polygons
/// and the class raster, then the output files and chips) have no count to measure, so each is a step; only
/// <see cref="DetectionStage.Done"/> reads 100 %, with every polygon delivered.
/// </summary>
internal sealed class DetectionProgressLine(ProgressLine line) : IProgress<DetectionProgress>
{
    private const double TilesShare = 0.9;

    private readonly Lock _gate = new();
    private DetectionStage _stage = DetectionStage.Tiles;

    public void Report(DetectionProgress p)
    {
        bool milestone;
        lock (_gate)
        {
            milestone = p.Stage != _stage;
            _stage = p.Stage;
        }
        if (p.Stage == DetectionStage.Tiles)
        {
            var f = TilesShare * (p.TilesTotal <= 0 ? 1.0 : Math.Clamp((double)p.TilesDone / p.TilesTotal, 0, 1));
            // The tiles' pace says nothing of the stages after them, so the estimate covers the tiles only.
            var eta = f > 0 ? TimeSpan.FromSeconds(line.Elapsed.TotalSeconds * (TilesShare - f) / f) : (TimeSpan?)null;
            line.Show(f, $"tiles {p.TilesDone}/{p.TilesTotal}  polygons {p.Polygons}", eta, p.TilesDone >= p.TilesTotal);
            return;
        }
        var (fraction, name) = p.Stage switch
        {
            DetectionStage.Finishing => (TilesShare + 0.02, "finishing polygons and class raster"),
            DetectionStage.Writing => (TilesShare + 0.06, "writing outputs and chips"),
            _ => (1.0, "done"),
        };
        line.Show(fraction, $"{name}  polygons {p.Polygons}", null, milestone);
    }
}
