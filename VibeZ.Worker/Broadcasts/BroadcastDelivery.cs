using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels;
using VibeZ.Channels.Broadcasts;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

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
/// A broadcast that can never be published, or that was handed out more than <see cref="BroadcastOptions.MaxAttempts"/>
/// times, is dead-lettered; one whose publish failed for a passing reason goes back into the due index.
/// </remarks>
internal sealed partial class BroadcastDelivery(
    IConnectionMultiplexer redis,
    ChannelHub hub,
    GatewayNode node,
    IOptions<BroadcastOptions> broadcastOptions,
    IOptions<GatewayOptions> gatewayOptions,
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

    // A broadcast whose publish failed for a passing reason is due again this much later: a failover takes seconds, and
    // a second is short enough that the broadcast is not noticeably late once it is over.
    internal static readonly TimeSpan TransientRetryDelay = TimeSpan.FromSeconds(1);

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

                // A first read hands an entry out for the first time; a claimed one has been handed out before, and its
                // delivery count says how often.
                var fresh = await database.StreamReadGroupAsync(BroadcastKeys.Stream, BroadcastKeys.Group, _consumer, ">", BatchSize);
                var claimed = Array.Empty<StreamEntry>();
                if (lastClaim is not { } claimedAt || timeProvider.GetElapsedTime(claimedAt) >= VisibilityTimeout / 2)
                {
                    lastClaim = timeProvider.GetTimestamp();
                    claimed = (await database.StreamAutoClaimAsync(
                        BroadcastKeys.Stream, BroadcastKeys.Group, _consumer, (long)VisibilityTimeout.TotalMilliseconds, "0-0", BatchSize)).ClaimedEntries;
                }

                ChannelStoreException? passing = null;
                foreach (var entry in fresh)
                {
                    passing = await DeliverAsync(database, entry, attempts: 1, stoppingToken) ?? passing;
                }

                foreach (var entry in claimed)
                {
                    passing = await DeliverAsync(database, entry, await AttemptsAsync(database, entry), stoppingToken) ?? passing;
                }

                busy = fresh.Length + claimed.Length > 0;
                if (passing is not null)
                {
                    // The broadcasts are due again shortly; say so the quiet way an outage is reported.
                    ReportFailure(passing);
                }
                else if (_failuresInARow > 0)
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

    /// <summary>Publishes one broadcast, or dead-letters it, or puts it back for later.</summary>
    /// <returns>The passing failure when the broadcast went back into the due index; otherwise null.</returns>
    private async Task<ChannelStoreException?> DeliverAsync(IDatabase database, StreamEntry entry, long attempts, CancellationToken cancellationToken)
    {
        var id = (string)entry["id"]!;
        var record = BroadcastKeys.Record(id);
        var fields = await database.HashGetAsync(record, ["state", "channel", "data"]);
        if (fields[0] != "scheduled")
        {
            // Delivered before (a reclaimed entry whose first Worker died after publishing), failed, or gone: nothing to
            // do again.
            await database.StreamAcknowledgeAsync(BroadcastKeys.Stream, BroadcastKeys.Group, entry.Id);
            return null;
        }

        var (channel, data) = ((string?)fields[1], (string?)fields[2]);
        if (Poison(channel, data, attempts) is { } reason)
        {
            await DeadLetterAsync(database, entry, id, reason, attempts);
            return null;
        }

        PublishResult result;
        try
        {
            result = await hub.PublishAsync(new PublishRequest(channel!, Scope, id, data!), cancellationToken);
        }
        catch (ChannelStoreException ex) when (!ex.Retryable)
        {
            // The store says the same publish will be refused again (the id taken by other data, Redis refusing the write).
            await DeadLetterAsync(database, entry, id, $"{ex.Code}: {ex.Message}", attempts);
            return null;
        }
        catch (ChannelStoreException ex)
        {
            // Redis unavailable, no replica in sync: not the broadcast's fault. A new stream entry later, so it does not
            // count as an attempt; the channel's dedupe makes the next publish a duplicate if this one did land.
            var retryAt = (timeProvider.GetUtcNow() + TransientRetryDelay).ToUnixTimeMilliseconds();
            await database.ScriptEvaluateAsync(BroadcastScripts.Retry, [BroadcastKeys.Stream, BroadcastKeys.Due],
                [BroadcastKeys.Group, entry.Id, id, retryAt]);
            return ex;
        }

        await database.HashSetAsync(record,
        [
            new("state", "delivered"), new("offset", result.Position.Offset), new("epoch", result.Position.Epoch),
            new("deliveredAt", timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
        ]);
        BroadcastDeliveryLog.Delivered(logger, id, channel!, result.Position.Offset, result.Duplicate);
        await database.StreamAcknowledgeAsync(BroadcastKeys.Stream, BroadcastKeys.Group, entry.Id);
        return null;
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
