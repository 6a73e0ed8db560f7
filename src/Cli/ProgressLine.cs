using System.Diagnostics;
using System.Globalization;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Cli;

/// <summary>
/// Progress of a detection for a terminal (one line redrawn in place, at most ten times a second) or for a log (a plain
/// line per tenth of the run and one per stage, when stderr is not a terminal). The tiles take the bar to 90 %; the
/// stages after them (the last polygons and the class raster, then the output files and chips) take it on, and only the
/// end of the run reads 100 %, with the polygon count the summary gives.
/// </summary>
internal sealed class ProgressLine(TextWriter writer, bool terminal) : IProgress<DetectionProgress>, IDisposable
{
    // The share of the bar the tiles fill; what follows them has no count to measure, so each later stage is a step.
    private const double TilesShare = 0.9;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private long _lastDraw = -1000;
    private int _lastTenth = -1;
    private DetectionStage _lastStage = DetectionStage.Tiles;
    private bool _open;

    /// <summary>Progress on stderr, redrawn in place when it is a terminal.</summary>
    public ProgressLine()
        : this(Console.Error, terminal: !Console.IsErrorRedirected)
    {
    }

    public void Report(DetectionProgress p)
    {
        lock (_gate)
        {
            var fraction = Fraction(p);
            var elapsed = _clock.Elapsed;
            var text = p.Stage == DetectionStage.Tiles
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{Bar(fraction)} {fraction,4:P0}  tiles {p.TilesDone}/{p.TilesTotal}  polygons {p.Polygons}  {elapsed:mm\\:ss} (ETA {Eta(fraction, elapsed):mm\\:ss})")
                : string.Create(CultureInfo.InvariantCulture,
                    $"{Bar(fraction)} {fraction,4:P0}  {StageName(p.Stage)}  polygons {p.Polygons}  {elapsed:mm\\:ss}");
            var stageChanged = p.Stage != _lastStage;
            _lastStage = p.Stage;
            if (terminal)
            {
                var now = _clock.ElapsedMilliseconds;
                if (now - _lastDraw < 100 && !stageChanged) return;
                _lastDraw = now;
                writer.Write("\r" + text + "\x1b[K");
                _open = true;
            }
            else
            {
                var tenth = (int)(fraction * 10);
                if (tenth == _lastTenth && !stageChanged) return;
                _lastTenth = tenth;
                writer.WriteLine(text);
            }
        }
    }

    /// <summary>Writes a line of its own (a warning) without mixing it into the bar, which the next report redraws.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            if (_open) writer.Write("\r\x1b[K");
            _open = false;
            writer.WriteLine(text);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_open) writer.WriteLine();
            _open = false;
        }
    }

    private static double Fraction(DetectionProgress p) => p.Stage switch
    {
        DetectionStage.Tiles => TilesShare * (p.TilesTotal <= 0 ? 1.0 : Math.Clamp((double)p.TilesDone / p.TilesTotal, 0, 1)),
        DetectionStage.Finishing => TilesShare + 0.02,
        DetectionStage.Writing => TilesShare + 0.06,
        _ => 1.0,
    };

    // The tiles' pace says nothing of the stages after them, so the estimate covers the tiles only.
    private static TimeSpan Eta(double fraction, TimeSpan elapsed) =>
        fraction > 0 ? TimeSpan.FromSeconds(elapsed.TotalSeconds * (TilesShare - fraction) / fraction) : TimeSpan.Zero;

    private static string StageName(DetectionStage stage) => stage switch
    {
        DetectionStage.Finishing => "finishing polygons and class raster",
        DetectionStage.Writing => "writing outputs and chips",
        _ => "done",
    };

    private static string Bar(double f)
    {
        const int width = 24;
        var full = (int)Math.Round(f * width);
        return "[" + new string('#', full) + new string('.', width - full) + "]";
    }
}
