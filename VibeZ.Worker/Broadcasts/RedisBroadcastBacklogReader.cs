using StackExchange.Redis;
using VibeZ.Channels.Broadcasts;

namespace VibeZ.Worker.Broadcasts;

/// <summary>Three cheap reads of the broadcast keys, sent together: <c>XPENDING</c> (summary), <c>ZRANGE 0 0</c>, <c>XLEN</c>.</summary>
internal sealed class RedisBroadcastBacklogReader(IConnectionMultiplexer redis, TimeProvider timeProvider) : IBroadcastBacklogReader
{
    public async Task<BroadcastBacklog> ReadAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var pending = PendingAsync(database);
        var oldest = database.SortedSetRangeByRankWithScoresAsync(BroadcastKeys.Due, 0, 0);
        var dead = database.StreamLengthAsync(BroadcastKeys.Dead);
        await Task.WhenAll(pending, oldest, dead).WaitAsync(cancellationToken);

        var earliest = (await oldest) is [var first] ? DateTimeOffset.FromUnixTimeMilliseconds((long)first.Score) : (DateTimeOffset?)null;
        return new BroadcastBacklog(await pending, earliest, await dead, timeProvider.GetUtcNow());
    }

    private static async Task<long> PendingAsync(IDatabase database)
    {
        try
        {
            return (await database.StreamPendingAsync(BroadcastKeys.Stream, BroadcastKeys.Group)).PendingMessageCount;
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // No broadcast has been due yet (or a failover lost the group): nothing can be pending.
            return 0;
        }
    }
}
