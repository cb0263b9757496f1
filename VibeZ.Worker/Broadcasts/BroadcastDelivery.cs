using System.Threading.Channels;
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
/// read would hold up every other command on it. Instead, an idle Worker sleeps until the earliest scheduled broadcast is
/// due (the promotion script returns it), is woken at once by the nudge the Gateway publishes for each new broadcast, and
/// looks again every <see cref="IdlePollInterval"/> in case a nudge was lost (pub/sub is at most once).
/// </remarks>
internal sealed class BroadcastDelivery(
    IConnectionMultiplexer redis,
    ChannelHub hub,
    GatewayNode node,
    TimeProvider timeProvider,
    ILogger<BroadcastDelivery> logger) : BackgroundService
{
    // The longest an idle Worker goes without looking, which bounds the delay of a broadcast whose nudge was lost.
    internal static readonly TimeSpan IdlePollInterval = TimeSpan.FromSeconds(1);

    // After a failed round: soon enough to follow a failover closely, slow enough not to hammer a Redis that is down.
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    // An outage is logged in full once, then summarised this often.
    internal static readonly TimeSpan FailureSummaryInterval = TimeSpan.FromSeconds(30);

    // Longer than any publish takes (the resilience layer's retries included), so only a dead Worker's entries move.
    internal static readonly TimeSpan VisibilityTimeout = TimeSpan.FromSeconds(10);

    private const int BatchSize = 64;

    private const string Scope = "broadcast";

    private readonly string _consumer = node.Id;

    // Holds at most one wake-up: nudges that arrive while a round runs are covered by that round or the next.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private bool _groupExists;

    private bool _listening;

    private int _failuresInARow;

    private long _lastFailureLog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long? lastClaim = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            var wakeAt = timeProvider.GetUtcNow() + IdlePollInterval;
            try
            {
                var database = redis.GetDatabase();
                if (!_listening)
                {
                    // StackExchange.Redis keeps the subscription across reconnects and failovers once it is made.
                    await redis.GetSubscriber().SubscribeAsync(BroadcastKeys.Nudge, (_, _) => _wake.Writer.TryWrite(true));
                    _listening = true;
                }

                if (!_groupExists)
                {
                    await EnsureGroupAsync(database);
                    _groupExists = true;
                }

                var promoted = (RedisResult[])(await database.ScriptEvaluateAsync(BroadcastScripts.Promote, [BroadcastKeys.Due, BroadcastKeys.Stream],
                    [timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), BatchSize]))!;
                if (long.TryParse((string?)promoted[1], out var nextDue) && DateTimeOffset.FromUnixTimeMilliseconds(nextDue) < wakeAt)
                {
                    wakeAt = DateTimeOffset.FromUnixTimeMilliseconds(nextDue);
                }

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
                if (_failuresInARow > 0)
                {
                    BroadcastDeliveryLog.DeliveryRecovered(logger, _failuresInARow);
                    _failuresInARow = 0;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ChannelStoreException)
            {
                // A failover can promote a replica that never saw the group: make it again next time.
                _groupExists &= !ex.Message.Contains("NOGROUP", StringComparison.Ordinal);
                // A failover or a slow Redis: nothing is acked, so the entries stay pending and are delivered later.
                ReportFailure(ex);
                wakeAt = timeProvider.GetUtcNow() + RetryInterval;
            }

            if (!busy)
            {
                await WaitForWorkAsync(wakeAt, stoppingToken);
            }
        }
    }

    /// <summary>Waits until <paramref name="wakeAt"/> or a nudge, whichever comes first.</summary>
    private async Task WaitForWorkAsync(DateTimeOffset wakeAt, CancellationToken stoppingToken)
    {
        var wait = wakeAt - timeProvider.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            await _wake.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // Due, or time to look again.
        }
    }

    private void ReportFailure(Exception ex)
    {
        if (++_failuresInARow == 1)
        {
            _lastFailureLog = timeProvider.GetTimestamp();
            BroadcastDeliveryLog.DeliveryFailed(logger, ex);
        }
        else if (timeProvider.GetElapsedTime(_lastFailureLog) >= FailureSummaryInterval)
        {
            _lastFailureLog = timeProvider.GetTimestamp();
            BroadcastDeliveryLog.DeliveryStillFailing(logger, _failuresInARow, ex.Message);
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
