using StackExchange.Redis;

namespace VibeZ.Redis.Connection;

/// <summary>
/// Watches the process's one multiplexer. <see cref="RedisConnector"/> attaches every registered observer right after
/// it connects, in the order they were registered; an observer gets everything else it needs through its constructor.
/// </summary>
/// <remarks>
/// One for every mode (<see cref="RedisReconnectReporter"/>), registered first so a connection's loss is logged before
/// what it leads to, and one per mode that has more to follow: <c>RedisSentinelFailoverTracker</c> in sentinel mode,
/// <c>RedisClusterSlotTracker</c> in cluster mode.
/// </remarks>
internal interface IRedisConnectionObserver
{
    /// <summary>Subscribes to <paramref name="multiplexer"/>; called once, right after it is created.</summary>
    void Attach(IConnectionMultiplexer multiplexer);
}
