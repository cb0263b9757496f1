using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.ServiceDefaults.Redis.Configuration;
using VibeZ.ServiceDefaults.Redis.Connection;
using VibeZ.ServiceDefaults.Redis.Resilience;

namespace VibeZ.Channels;

/// <summary>
/// Channels in Redis: a hash with the epoch, the offset counter and the committed offset, one stream of message frames
/// per epoch, a dedupe key per message id, and a live Pub/Sub channel (sharded in a cluster), all under one hash tag.
/// Every operation goes through <see cref="IRedisResilience"/>, so a failover costs a short wait instead of an error;
/// appends are safe to retry because the script finds an id it has seen before.
/// </summary>
internal sealed class RedisChannelStore : IChannelStore
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

    public Task<ChannelHistory> ReadAsync(string channel, ChannelMark after, int limit, CancellationToken cancellationToken) =>
        RunAsync("channel.read", async (database, _) =>
        {
            // The history is read in the epoch the reader expects, alongside the position, in one round trip; if the
            // epoch turns out to have changed, that page is dropped (the reader then starts over in the new one).
            var meta = database.HashGetAsync(ChannelKeys.Meta(channel), MetaFields);
            var anchored = after.Offset > 0;
            var count = limit + (anchored ? 1 : 0);
            var first = anchored ? after.Offset : after.Offset + 1;
            var guessed = count > 0 && after.Epoch.Length > 0
                ? database.StreamRangeAsync(ChannelKeys.History(channel, after.Epoch), $"{first}-0", "+", count)
                : null;

            var values = await meta;
            if (Head(values, after) is { } head)
            {
                return head;
            }

            var (position, appended) = Position(values);
            var entries = guessed is not null ? await guessed
                : count > 0 ? await database.StreamRangeAsync(ChannelKeys.History(channel, position.Epoch), $"{first}-0", "+", count)
                : [];
            return Page(position, appended, entries, anchored ? after.Offset : null);
        }, cancellationToken);

    public Task<IReadOnlyList<ChannelHistory>> ReadHeadsAsync(IReadOnlyList<(string Channel, ChannelMark After)> channels, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<ChannelHistory>>("channel.read-heads", async (database, _) =>
        {
            // Sent as one batch: two small reads per channel (the hash, and the one stream entry at the reader's
            // offset), written to the socket together and answered in one round trip.
            var batch = database.CreateBatch();
            var metas = new Task<RedisValue[]>[channels.Count];
            var anchors = new Task<StreamEntry[]>?[channels.Count];
            for (var i = 0; i < channels.Count; i++)
            {
                var (channel, after) = channels[i];
                metas[i] = batch.HashGetAsync(ChannelKeys.Meta(channel), MetaFields);
                anchors[i] = after.Offset > 0 && after.Epoch.Length > 0
                    ? batch.StreamRangeAsync(ChannelKeys.History(channel, after.Epoch), $"{after.Offset}-0", $"{after.Offset}-0", 1)
                    : null;
            }

            batch.Execute();
            var heads = new ChannelHistory[channels.Count];
            for (var i = 0; i < channels.Count; i++)
            {
                var after = channels[i].After;
                var values = await metas[i];
                var entries = anchors[i] is { } anchor ? await anchor : [];
                if (Head(values, after) is not { } head)
                {
                    var (position, appended) = Position(values);
                    head = Page(position, appended, entries, after.Offset);
                }

                heads[i] = head;
            }

            return heads;
        }, cancellationToken);

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

    /// <summary>
    /// The answer when the meta hash alone settles it: no history (the empty epoch), or another epoch than the
    /// reader's (no messages, the reader starts over in the new one); otherwise null, and the history is read.
    /// </summary>
    private static ChannelHistory? Head(RedisValue[] values, ChannelMark after)
    {
        if (values[0].IsNull)
        {
            return new ChannelHistory(new ChannelPosition(string.Empty, 0), 0, []);
        }

        var (position, appended) = Position(values);
        return after.Epoch.Length > 0 && after.Epoch != position.Epoch ? new ChannelHistory(position, appended, []) : null;
    }

    /// <summary>The committed position and the offset counter, from the meta hash's <see cref="MetaFields"/>.</summary>
    private static (ChannelPosition Position, long Appended) Position(RedisValue[] values) =>
        (new ChannelPosition((string)values[0]!, (long?)values[2] ?? 0), (long?)values[1] ?? 0);

    private static ChannelHistory Page(ChannelPosition position, long appended, StreamEntry[] entries, long? anchorOffset)
    {
        ChannelMark? anchor = null;
        var messages = new List<ChannelMessage>(entries.Length);
        foreach (var entry in entries)
        {
            var offset = EntryOffset(entry.Id!);
            var id = (string)entry["i"]!;
            if (offset == anchorOffset)
            {
                anchor = new ChannelMark(position with { Offset = offset }, id);
            }
            else if (offset <= position.Offset)
            {
                // Entries past the committed offset are appended but not confirmed yet: nobody may see them.
                messages.Add(new ChannelMessage(position.Epoch, offset, id, (byte[])entry["f"]!));
            }
        }

        return new ChannelHistory(position, appended, messages, anchor);
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
            // OOM, BUSY, a script error: Redis refused, and will refuse the same request again.
            throw new ChannelStoreException(GatewayErrorCodes.RedisRefused, $"Redis refused '{operation}': {ex.Message}", retryable: false, ex);
        }
    }

    private static string DataHash(string data) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(data)));

    private static long EntryOffset(RedisValue entryId)
    {
        var text = (string)entryId!;
        return long.Parse(text.AsSpan(0, text.IndexOf('-')), provider: null);
    }

    private static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    private sealed class Subscription(ChannelMessageQueue queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await queue.UnsubscribeAsync();
    }
}
