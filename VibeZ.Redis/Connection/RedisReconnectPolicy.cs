using StackExchange.Redis;

namespace VibeZ.Redis.Connection;

/// <summary>
/// The linear schedule of docs/redis/resilience.md (Reconnects): the n-th scheduled reconnect waits min(n × base, max) after the previous one started.
/// </summary>
/// <remarks>
/// StackExchange.Redis retries once at once when a connection drops, then asks this policy on every heartbeat whether
/// the next attempt is due; <c>currentRetryCount</c> is 0 before the first scheduled retry and resets once connected.
/// The policy is shared by every connection of the multiplexer and is not told which one asks, so it only reports
/// that an attempt is starting and <see cref="RedisReconnectReporter"/> attributes it.
/// </remarks>
internal sealed class RedisReconnectPolicy : IReconnectRetryPolicy
{
    private readonly long _baseDelayMilliseconds;
    private readonly long _maxDelayMilliseconds;

    public RedisReconnectPolicy(RedisReconnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _baseDelayMilliseconds = options.BaseDelayMilliseconds;
        _maxDelayMilliseconds = options.MaxDelayMilliseconds;
    }

    /// <summary>Raised with the 1-based number of the scheduled retry that StackExchange.Redis is about to start.</summary>
    public event Action<long>? RetryStarting;

    public TimeSpan BaseDelay => TimeSpan.FromMilliseconds(_baseDelayMilliseconds);

    /// <summary>The wait before scheduled retry <paramref name="retry"/> (1-based).</summary>
    public TimeSpan GetDelay(long retry) =>
        TimeSpan.FromMilliseconds(Math.Min(Math.Max(retry, 1) * _baseDelayMilliseconds, _maxDelayMilliseconds));

    public bool ShouldRetry(long currentRetryCount, int timeElapsedMillisecondsSinceLastRetry)
    {
        var retry = currentRetryCount + 1;
        if (timeElapsedMillisecondsSinceLastRetry < GetDelay(retry).TotalMilliseconds)
        {
            return false;
        }

        RetryStarting?.Invoke(retry);
        return true;
    }
}
