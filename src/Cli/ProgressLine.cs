using System.Diagnostics;
using WeiPian.Engine.Pipeline;

namespace WeiPian.Cli;

/// <summary>
/// Progress for a terminal (one line redrawn in place, at most ten times a second) or for a log
/// (a plain line per tenth of the tiles when the output is not a terminal).
/// </summary>
internal sealed class ProgressLine(TextWriter writer) : IProgress<DetectionProgress>, IDisposable
{
    private readonly bool _terminal = !Console.IsErrorRedirected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private long _lastDraw = -1000;
    private int _lastTenth = -1;
    private bool _open;

    public void Report(DetectionProgress p)
    {
        lock (_gate)
        {
            var fraction = p.TilesTotal <= 0 ? 1.0 : Math.Clamp((double)p.TilesDone / p.TilesTotal, 0, 1);
            var eta = fraction > 0 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (1 - fraction) / fraction) : TimeSpan.Zero;
            var text = $"{Bar(fraction)} {fraction,4:P0}  tiles {p.TilesDone}/{p.TilesTotal}  polygons {p.Polygons}  {_clock.Elapsed:mm\\:ss} (ETA {eta:mm\\:ss})";
            if (_terminal)
            {
                var now = _clock.ElapsedMilliseconds;
                if (now - _lastDraw < 100 && p.TilesDone < p.TilesTotal) return;
                _lastDraw = now;
                writer.Write("\r" + text);
                _open = true;
            }
            else
            {
                var tenth = (int)(fraction * 10);
                if (tenth == _lastTenth) return;
                _lastTenth = tenth;
                writer.WriteLine(text);
            }
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

    private static string Bar(double f)
    {
        const int width = 24;
        var full = (int)Math.Round(f * width);
        return "[" + new string('#', full) + new string('.', width - full) + "]";
    }
}
