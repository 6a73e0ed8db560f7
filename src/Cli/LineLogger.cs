using Microsoft.Extensions.Logging;

namespace WeiPian.Cli;

/// <summary>
/// The engine's log as the command line shows it: one line per message on stderr, <c>weipian: </c> before it
/// (<c>weipian: warning: </c> for warnings and worse); debug and trace messages are left out.
/// </summary>
internal sealed class LineLogger(Action<string> writeLine) : ILogger
{
    /// <summary>Lines straight to stderr.</summary>
    public LineLogger()
        : this(Console.Error.WriteLine)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        var level = logLevel >= LogLevel.Warning ? "warning: " : "";
        writeLine($"weipian: {level}{formatter(state, exception)}");
    }
}
