using StackExchange.Redis;
using VibeZ.Channels;
using VibeZ.Channels.Broadcasts;

namespace VibeZ.Worker.Broadcasts;

/// <summary>
/// Delivers due broadcasts: promotes them from the due index into the stream, reads the stream as one consumer of the
/// Workers' group, reclaims entries a dead Worker held (<c>XAUTOCLAIM</c>), and publishes each through the shared
/// <see cref="ChannelHub"/> with the broadcast id as message id, so a retry is a duplicate, never a second message.
/// </summary>
/// <remarks>
/// Reads never block (<c>XREADGROUP</c> without <c>BLOCK</c>): the connection is shared and multiplexed, and a blocking
/// read would hold up every other command on it. Due work is found by a short poll instead.
/// </remarks>
internal sealed class BroadcastDelivery(
    IConnectionMultiplexer redis,
    ChannelHub hub,
    GatewayNode node,
    TimeProvider timeProvider,
    ILogger<BroadcastDelivery> logger) : BackgroundService
{
    // Short enough that an immediate broadcast and a scheduled one are published well within 100 ms of being due.
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    // Longer than any publish takes (the resilience layer's retries included), so only a dead Worker's entries move.
    internal static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);

    private const int BatchSize = 64;

    private const string Scope = "broadcast";

    private readonly string _consumer = node.Id;

    private bool _groupExists;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? lastClaim = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                var database = redis.GetDatabase();
                if (!_groupExists)
                {
                    await EnsureGroupAsync(database);
                    _groupExists = true;
                }

                await database.ScriptEvaluateAsync(BroadcastScripts.Promote, [BroadcastKeys.Due, BroadcastKeys.Stream],
                    [timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), BatchSize]);

                var entries = await database.StreamReadGroupAsync(BroadcastKeys.Stream, BroadcastKeys.Group, _consumer, ">", BatchSize);
                if (lastClaim is not { } claimedAt || timeProvider.GetElapsedTime(claimedAt) >= VisibilityTimeout / 2)
                {
                    lastClaim = timeProvider.GetTimestamp();
                    var claimed = await database.StreamAutoClaimAsync(
                        BroadcastKeys.Stream, BroadcastKeys.Group, _consumer, (long)VisibilityTimeout.TotalMilliseconds, "0-0", BatchSize);
                    entries = [.. entries, .. claimed.ClaimedEntries];
                }

                foreach (var entry in entries)
                {
                    await DeliverAsync(database, entry, stoppingToken);
                }

                busy = entries.Length > 0;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ChannelStoreException)
            {
                // A failover can promote a replica that never saw the group: make it again next time.
                _groupExists &= !ex.Message.Contains("NOGROUP", StringComparison.Ordinal);
                // A failover or a slow Redis: nothing is acked, so the entries stay pending and are delivered later.
                BroadcastDeliveryLog.DeliveryFailed(logger, ex.Message);
            }

            if (!busy)
            {
                await Task.Delay(PollInterval, timeProvider, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task DeliverAsync(IDatabase database, StreamEntry entry, CancellationToken cancellationToken)
    {
        var id = (string)entry["id"]!;
        var record = BroadcastKeys.Record(id);
        var fields = await database.HashGetAsync(record, ["state", "channel", "data"]);
        if (fields[0] == "scheduled")
        {
            var result = await hub.PublishAsync(new PublishRequest((string)fields[1]!, Scope, id, (string)fields[2]!), cancellationToken);
            await database.HashSetAsync(record,
            [
                new("state", "delivered"), new("offset", result.Position.Offset), new("epoch", result.Position.Epoch),
                new("deliveredAt", timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            ]);
            BroadcastDeliveryLog.Delivered(logger, id, (string)fields[1]!, result.Position.Offset, result.Duplicate);
        }

        // Delivered before (a reclaimed entry whose first Worker died after publishing), or gone: nothing to do again.
        await database.StreamAcknowledgeAsync(BroadcastKeys.Stream, BroadcastKeys.Group, entry.Id);
    }

    private static async Task EnsureGroupAsync(IDatabase database)
    {
        try
        {
            await database.StreamCreateConsumerGroupAsync(BroadcastKeys.Stream, BroadcastKeys.Group, "0-0", createStream: true);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another Worker, or this one before, made it: the usual case.
        }
    }
}
