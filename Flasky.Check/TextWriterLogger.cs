using Microsoft.Extensions.Logging;

namespace Flasky.Check;

/// <summary>The CLI's logger: each message as one plain line on the console, without level or category prefixes.</summary>
internal sealed class TextWriterLogger(TextWriter output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        output.WriteLine(formatter(state, exception));
    }
}
