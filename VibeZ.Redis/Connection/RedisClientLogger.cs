using Microsoft.Extensions.Logging;

namespace VibeZ.Redis.Connection;

/// <summary>
/// StackExchange.Redis's log, with its per-attempt connection failures moved to Debug.
/// </summary>
/// <remarks>
/// For every reconnect attempt to a node that is down, StackExchange.Redis logs two errors with the whole
/// <c>RedisConnectionException</c> and the configuration string, and at Information that it is resurrecting the
/// connection: about 100 lines a second while a node is down, for as long as it stays down. VibeZ already reports
/// those outages (<see cref="RedisReconnectReporter"/>: the first failure in full, then summaries), so these entries
/// are kept for Debug. They are told apart by the names StackExchange.Redis gives its log events (its method names).
/// </remarks>
internal sealed class RedisClientLogger(ILogger inner) : ILogger
{
    private static readonly HashSet<string> ConnectionFailureEvents =
    [
        "LogErrorConnectionIssue",
        "LogErrorConnectionFailed",
        "LogErrorInnerException",
        "LogErrorConnectFailed",
        "LogErrorSocketShutdown",
        "LogErrorServerFaulted",
        "LogInformationConnectionFailureRequested",
        "LogInformationResurrecting",
    ];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var level = logLevel > LogLevel.Debug && eventId.Name is string name && ConnectionFailureEvents.Contains(name) ? LogLevel.Debug : logLevel;
        if (inner.IsEnabled(level))
        {
            inner.Log(level, eventId, state, exception, formatter);
        }
    }
}
