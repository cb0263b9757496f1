namespace VibeZ.Redis.Connection;

/// <summary>
/// What the process's one Redis connection is doing now, pushed as it changes: the feed behind a "Redis state"
/// label in a UI, or the Gateway's <c>$system</c> channel.
/// </summary>
public interface IRedisConnectionState
{
    /// <summary>Gets the latest state.</summary>
    RedisConnectionStateChange Current { get; }

    /// <summary>
    /// Raised on every change of <see cref="RedisConnectionStateChange.Status"/>, on a StackExchange.Redis thread:
    /// handlers must return quickly and must not throw.
    /// </summary>
    event Action<RedisConnectionStateChange>? Changed;
}

/// <summary>The states <see cref="IRedisConnectionState"/> reports.</summary>
public enum RedisConnectionStatus
{
    /// <summary>Commands reach a master (<c>Redis connected</c> in docs/redis/resilience.md, Events).</summary>
    Connected,

    /// <summary>A connection dropped and is being re-established (<c>Redis reconnecting</c>).</summary>
    Reconnecting,

    /// <summary>The sentinel master was lost and a replica is being promoted; ends with <see cref="Connected"/>.</summary>
    Failover,
}

/// <summary>One change of the connection's state.</summary>
/// <param name="Status">The new state.</param>
/// <param name="EndPoint">The endpoint the change is about, when there is one.</param>
/// <param name="Detail">What happened, in the words of the matching log line.</param>
/// <param name="At">When it happened.</param>
public sealed record RedisConnectionStateChange(RedisConnectionStatus Status, string? EndPoint, string Detail, DateTimeOffset At);
