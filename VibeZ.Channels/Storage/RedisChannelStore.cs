using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Publishing;
using VibeZ.ServiceDefaults.Redis.Configuration;
using VibeZ.ServiceDefaults.Redis.Connection;
using VibeZ.ServiceDefaults.Redis.Resilience;

namespace VibeZ.Channels.Storage;

/// <summary>
/// Channels in Redis: a hash with the epoch, the offset counter and the committed offset, one stream of message frames
/// per epoch, a dedupe key per message id, and a live Pub/Sub channel (sharded in a cluster), all under one hash tag.
/// Every operation goes through <see cref="IRedisResilience"/>, so a failover costs a short wait instead of an error;
/// appends are safe to retry because the script finds an id it has seen before.
/// </summary>
internal sealed partial class RedisChannelStore : IChannelStore
{
    // A commit that makes more messages visible than this announces only the new committed offset; subscribers
    // read the rest from history, so a live message stays small however long the commit waited.
    private const int MaxLiveMessages = 256;

    // The meta hash's fields a read needs, in the order Position reads them.
    private static readonly RedisValue[] MetaFields = ["epoch", "offset", "committed"];

    private readonly IConnectionMultiplexer _multiplexer;
    private readonly IRedisResilience _resilience;
    private readonly ReplicationConfirmer _confirmer;
    private readonly IOptions<GatewayOptions> _options;
    private readonly ILogger _logger;
    private readonly bool _sharded;
    private readonly bool _commitAtOnce;

    public RedisChannelStore(
        IConnectionMultiplexer multiplexer,
        IRedisResilience resilience,
        IRedisConnectionState connectionState,
        RedisConnectionSettings settings,
        ReplicationConfirmer confirmer,
        IOptions<GatewayOptions> options,
        ILogger<RedisChannelStore> logger)
    {
        _multiplexer = multiplexer;
        _resilience = resilience;
        _confirmer = confirmer;
        _options = options;
        _logger = logger;
        _sharded = settings.Mode == RedisMode.Cluster;

        // A single server has no replica to wait for: there the strongest promise is the master's.
        _commitAtOnce = options.Value.Durability == GatewayDurability.Leader || settings.Mode == RedisMode.Single;

        _multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                LiveFeedInterrupted?.Invoke();
            }
        };
        connectionState.Changed += change =>
        {
            if (change.Status == RedisConnectionStatus.Connected)
            {
                LiveFeedInterrupted?.Invoke();
            }
        };
    }

    public event Action? LiveFeedInterrupted;

    public async Task<AppendedBatch> AppendAsync(string channel, IReadOnlyList<PublishRequest> batch, ChannelMark? known, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var keys = new RedisKey[batch.Count + 1];
        var arguments = new RedisValue[13 + (3 * batch.Count)];
        keys[0] = ChannelKeys.Meta(channel);
        arguments[0] = NewEpoch();
        arguments[1] = known?.Epoch ?? string.Empty;
        arguments[2] = known?.Offset ?? 0;
        arguments[3] = known?.Id ?? string.Empty;
        arguments[4] = (long)options.ChannelTimeToLive.TotalMilliseconds;
        arguments[5] = options.HistoryLength;
        arguments[6] = (long)options.DedupeWindow.TotalMilliseconds;
        arguments[7] = ChannelKeys.HistoryPrefix(channel);
        arguments[8] = "{\"type\":\"message\",\"channel\":\"" + channel + "\",\"offset\":";
        arguments[9] = _commitAtOnce ? "1" : "0";
        arguments[10] = ChannelKeys.Live(channel);
        arguments[11] = _sharded ? "1" : "0";
        arguments[12] = MaxLiveMessages;
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            keys[i + 1] = ChannelKeys.MessageId(channel, request.Identity);

            // History records the identity, so marks compare messages, not ids two publishers may share; the frame
            // clients get carries the publisher's own id.
            arguments[13 + (3 * i)] = request.Identity;
            arguments[14 + (3 * i)] = DataHash(request.Data);
            arguments[15 + (3 * i)] = ",\"id\":" + JsonSerializer.Serialize(request.Id) + ",\"data\":" + request.Data + "}";
        }

        var (reply, server) = await RunScriptAsync("channel.append", ChannelScripts.Append, keys, arguments, cancellationToken);
        var epoch = (string)reply[0]!;
        if ((long)reply[2] == 1 && known is { } before)
        {
            GatewayLog.HistoryLost(_logger, channel, before.Epoch, before.Offset, epoch);
        }

        var offsets = new long[batch.Count];
        var statuses = new AppendStatus[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            offsets[i] = (long)reply[4 + (2 * i)];
            statuses[i] = (AppendStatus)(long)reply[5 + (2 * i)];
        }

        return new AppendedBatch(channel, epoch, offsets, statuses)
        {
            Ticket = new ReplicationTicket(server, (string)reply[1]!),
            Committed = _commitAtOnce,
        };
    }

    public async Task<bool> CommitAsync(AppendedBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Committed || batch.LastOffset == 0)
        {
            return true;
        }

        // First the messages themselves: only what a replica has may become visible.
        if (!await ConfirmAsync(batch.Channel, batch.LastOffset, batch.Ticket!.Value, cancellationToken))
        {
            return false;
        }

        var (reply, server) = await RunScriptAsync("channel.commit", ChannelScripts.Commit, [ChannelKeys.Meta(batch.Channel)],
            [batch.Epoch, batch.LastOffset, ChannelKeys.HistoryPrefix(batch.Channel), ChannelKeys.Live(batch.Channel), _sharded ? "1" : "0", MaxLiveMessages],
            cancellationToken);
        if ((long)reply[0] < 0)
        {
            // Another Gateway found the channel rolled back and started a new epoch: append again, into that one.
            return false;
        }

        // Then the commit: acked means that a promoted replica shows the message, not only that it has it.
        return await ConfirmAsync(batch.Channel, batch.LastOffset, new ReplicationTicket(server, (string)reply[1]!), cancellationToken);
    }

    public async Task CommitPendingAsync(string channel, string epoch, CancellationToken cancellationToken)
    {
        if (_commitAtOnce)
        {
            return;
        }

        var meta = ChannelKeys.Meta(channel);
        var (state, server) = await RunAsync("channel.commit-pending", async (database, _) =>
        {
            var values = await database.HashGetAsync(meta, MetaFields);
            var master = ServerOf(meta);
            var info = await _multiplexer.GetServer(master).InfoAsync("replication");
            var replicationId = info.SelectMany(g => g).FirstOrDefault(p => p.Key == "master_replid").Value;
            return ((Epoch: (string?)values[0], Appended: (long?)values[1] ?? 0, Committed: (long?)values[2] ?? 0, ReplicationId: replicationId), master);
        }, cancellationToken);

        if (state.Epoch != epoch || state.Appended <= state.Committed || state.ReplicationId is null
            || await _confirmer.ConfirmAsync(new ReplicationTicket(server, state.ReplicationId), cancellationToken) != ReplicationConfirmation.Confirmed)
        {
            return;
        }

        await RunScriptAsync("channel.commit", ChannelScripts.Commit, [meta],
            [epoch, state.Appended, ChannelKeys.HistoryPrefix(channel), ChannelKeys.Live(channel), _sharded ? "1" : "0", MaxLiveMessages],
            cancellationToken);
        GatewayLog.PendingCommitted(_logger, channel, state.Committed, state.Appended);
    }

    public async Task<ChannelHistory> InspectAsync(string channel, ChannelMark mark, CancellationToken cancellationToken)
    {
        var (reply, _) = await RunScriptAsync("channel.inspect", ChannelScripts.Inspect, [ChannelKeys.Meta(channel), ChannelKeys.History(channel, mark.Epoch)],
            [mark.Epoch, mark.Offset], cancellationToken);
        var epoch = (string)reply[0]!;
        var id = (string)reply[3]!;
        var anchor = id.Length > 0 ? new ChannelMark(mark.Position, id) : (ChannelMark?)null;
        return new ChannelHistory(new ChannelPosition(epoch, (long)reply[2]), (long)reply[1], [], anchor);
    }

    public async Task<string> RestartEpochAsync(string channel, string rolledBackEpoch, CancellationToken cancellationToken)
    {
        var (reply, _) = await RunScriptAsync("channel.restart-epoch", ChannelScripts.RestartEpoch, [ChannelKeys.Meta(channel)],
            [rolledBackEpoch, NewEpoch(), (long)_options.Value.ChannelTimeToLive.TotalMilliseconds], cancellationToken);
        return (string)reply[0]!;
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelCommit> onCommit, CancellationToken cancellationToken)
    {
        // An attempt given up on (timed out) may still subscribe later; every queue but the one returned is closed
        // once it exists, so no channel is delivered twice.
        var attempts = new List<Task<ChannelMessageQueue>>();
        var queue = await RunAsync("channel.subscribe", async (_, _) =>
        {
            var attempt = _multiplexer.GetSubscriber().SubscribeAsync(ChannelKeys.LiveChannel(channel, _sharded));
            lock (attempts)
            {
                attempts.Add(attempt);
            }

            return await attempt;
        }, cancellationToken);

        lock (attempts)
        {
            foreach (var abandoned in attempts.Where(attempt => !(attempt.IsCompletedSuccessfully && ReferenceEquals(attempt.Result, queue))))
            {
                _ = abandoned.ContinueWith(
                    static task => task.Result.UnsubscribeAsync(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }

        queue.OnMessage(message =>
        {
            if (LiveCommit.TryParse((byte[])message.Message!, out var commit))
            {
                onCommit(commit);
            }
            else
            {
                GatewayLog.MalformedLiveMessage(_logger, channel);
            }
        });
        return new Subscription(queue);
    }

    /// <summary>Confirms with a replica; a write the node may have lost is not an error here, the caller appends again.</summary>
    private async Task<bool> ConfirmAsync(string channel, long offset, ReplicationTicket ticket, CancellationToken cancellationToken)
    {
        switch (await _confirmer.ConfirmAsync(ticket, cancellationToken))
        {
            case ReplicationConfirmation.Confirmed:
                return true;
            case ReplicationConfirmation.Moved:
                return false;
            default:
                var timeout = _options.Value.ReplicationTimeoutMilliseconds;
                GatewayLog.NotReplicated(_logger, channel, offset, timeout);
                throw new ChannelStoreException(GatewayErrorCodes.NotReplicated,
                    $"Redis has the message at offset {offset}, but no replica confirmed it within {timeout} ms; send it again with the same id (it may still be delivered, once).",
                    retryable: true);
        }
    }

    private Task<(RedisResult[] Reply, EndPoint Server)> RunScriptAsync(
        string operation, string script, RedisKey[] keys, RedisValue[] arguments, CancellationToken cancellationToken) =>
        RunAsync(operation, async (database, _) =>
        {
            try
            {
                var reply = (RedisResult[])(await database.ScriptEvaluateAsync(script, keys, arguments))!;

                // The node the script ran on, for the replication check; if routing moved meanwhile, the check sees
                // another history there and the caller writes again.
                return (reply, ServerOf(keys[0]));
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal))
            {
                throw new ChannelStoreException(GatewayErrorCodes.NotReplicated,
                    "The channel's master has no replica in sync, so it takes no writes (min-replicas-to-write); send it again with the same id.",
                    retryable: true, ex);
            }

        }, cancellationToken);

    private EndPoint ServerOf(RedisKey key)
    {
        try
        {
            return _multiplexer.GetServer(key).EndPoint;
        }
        catch (InvalidOperationException ex)
        {
            // StackExchange.Redis says so with an InvalidOperationException; it is a connection problem like any other.
            throw new RedisConnectionException(ConnectionFailureType.UnableToResolvePhysicalConnection, ex.Message, ex);
        }
    }

    private async Task<T> RunAsync<T>(string operation, Func<IDatabase, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _resilience.ExecuteIdempotentAsync(operation, action, cancellationToken);
        }
        catch (RedisUnavailableException ex)
        {
            throw new ChannelStoreException(GatewayErrorCodes.RedisUnavailable, ex.Message, retryable: true, ex);
        }
        catch (RedisServerException ex)
        {
            // OOM, NOPERM, a script error: Redis refused, and will refuse the same request again; BUSY passes.
            throw new ChannelStoreException(GatewayErrorCodes.RedisRefused, $"Redis refused '{operation}': {ex.Message}", RedisRefusals.PassesLater(ex), ex);
        }
    }

    private static string DataHash(string data) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(data)));

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
