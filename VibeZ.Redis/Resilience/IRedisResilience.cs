using StackExchange.Redis;

namespace VibeZ.Redis.Resilience;

/// <summary>
/// Runs Redis operations so that a failover costs a short wait instead of an error, within a total time budget
/// (<c>Redis:Resilience:TotalTimeoutSeconds</c>). What still fails surfaces as <see cref="RedisUnavailableException"/>.
/// </summary>
public interface IRedisResilience
{
    /// <summary>
    /// Runs an operation that may be sent more than once: a read, or a write that is idempotent by construction
    /// (a script keyed by a message or broadcast id). Connection losses, timeouts and failover replies
    /// (READONLY, LOADING, MASTERDOWN, CLUSTERDOWN, TRYAGAIN) are retried with linear backoff until the budget runs out.
    /// </summary>
    /// <typeparam name="T">The operation's result.</typeparam>
    /// <param name="operationName">A short name for logs, telemetry and the exception, e.g. <c>history.read</c>.</param>
    /// <param name="operation">The operation; it receives the database and a token that fires when the budget runs out.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="RedisUnavailableException">Redis stayed unavailable for the whole budget.</exception>
    Task<T> ExecuteIdempotentAsync<T>(string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs an operation that must not be sent twice (a plain <c>INCR</c>, <c>LPUSH</c>, <c>PUBLISH</c>): it is
    /// never retried, because a timeout does not say whether Redis applied it. It gets one attempt, bounded by
    /// <c>Redis:Resilience:AttemptTimeoutMilliseconds</c>; without an answer by then it fails saying its outcome is unknown.
    /// </summary>
    /// <typeparam name="T">The operation's result.</typeparam>
    /// <param name="operationName">A short name for logs, telemetry and the exception.</param>
    /// <param name="operation">The operation; it receives the database and a token that fires when the budget runs out.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The operation's result.</returns>
    /// <exception cref="RedisUnavailableException">The one attempt failed on a connection loss, timeout or failover reply.</exception>
    Task<T> ExecuteOnceAsync<T>(string operationName, Func<IDatabase, CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default);
}
