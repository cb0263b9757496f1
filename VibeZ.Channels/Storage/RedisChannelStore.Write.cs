using System.Buffers;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using VibeZ.Channels.Publishing;

namespace VibeZ.Channels.Storage;

/// <summary>The write side of <see cref="RedisChannelStore"/>: appends, commits once a replica confirmed them, and new epochs.</summary>
internal sealed partial class RedisChannelStore
{
    /// <summary>
    /// The most messages one live message carries. A commit that makes more visible announces only the new committed
    /// offset (and no previous id); subscribers read the rest from history, so a live message stays small however long
    /// the commit waited.
    /// </summary>
    internal const int MaxLiveMessages = 256;

    private static readonly SearchValues<char> NeverEscaped =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public async Task<AppendedBatch> AppendAsync(string channel, IReadOnlyList<PublishRequest> batch, ChannelMark? known, CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var keys = new RedisKey[batch.Count + 1];
        var arguments = new RedisValue[13 + (3 * batch.Count)];
        keys[0] = ChannelKeys.Meta(channel);
        var newEpoch = TakeSpareEpoch();
        arguments[0] = newEpoch;
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
            arguments[15 + (3 * i)] = string.Concat(",\"id\":\"", JsonText(request.Id), "\",\"data\":", request.Data, "}");
        }

        var (reply, server) = await RunScriptAsync("channel.append", ChannelScripts.Append, keys, arguments, cancellationToken);
        var epoch = (string)reply[0]!;
        if (epoch != newEpoch)
        {
            // The script answered, and the channel kept the epoch it had: the new one named nothing, so the next
            // append may offer it again. Only a definite answer returns it; after an error it may be in use.
            ReturnSpareEpoch(newEpoch);
        }

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

        // A batch committed at once is never confirmed with a replica, so its script did not read the replication id.
        return new AppendedBatch(channel, epoch, offsets, statuses)
        {
            Ticket = _commitAtOnce ? null : new ReplicationTicket(server, (string)reply[1]!),
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
            [batch.Epoch, batch.LastOffset, ChannelKeys.HistoryPrefix(batch.Channel), ChannelKeys.Live(batch.Channel), _sharded ? "1" : "0", MaxLiveMessages, "1"],
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

        // The appended messages were confirmed above; the commit itself is not, so it needs no replication id.
        await RunScriptAsync("channel.commit", ChannelScripts.Commit, [meta],
            [epoch, state.Appended, ChannelKeys.HistoryPrefix(channel), ChannelKeys.Live(channel), _sharded ? "1" : "0", MaxLiveMessages, "0"],
            cancellationToken);
        GatewayLog.PendingCommitted(_logger, channel, state.Committed, state.Appended);
    }

    public async Task<string> RestartEpochAsync(string channel, string rolledBackEpoch, CancellationToken cancellationToken)
    {
        var (reply, _) = await RunScriptAsync("channel.restart-epoch", ChannelScripts.RestartEpoch, [ChannelKeys.Meta(channel)],
            [rolledBackEpoch, NewEpoch(), (long)_options.Value.ChannelTimeToLive.TotalMilliseconds], cancellationToken);
        return (string)reply[0]!;
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

    /// <summary>Takes the epoch an append offers in case the channel starts one: a spare one if there is, else a new one.</summary>
    private string TakeSpareEpoch() => Interlocked.Exchange(ref _spareEpoch, null) ?? NewEpoch();

    private void ReturnSpareEpoch(string epoch) => Interlocked.CompareExchange(ref _spareEpoch, epoch, null);

    /// <summary>
    /// A string as the inside of a JSON string, escaped exactly as <see cref="JsonSerializer"/> escapes it: ids made of
    /// characters no JSON writer escapes (what clients and the Gateway usually choose) are used as they are.
    /// </summary>
    internal static string JsonText(string value) =>
        value.AsSpan().ContainsAnyExcept(NeverEscaped) ? JsonEncodedText.Encode(value).Value : value;

    internal static string DataHash(string data)
    {
        // Hashed from a rented buffer: the data's bytes are needed only for this.
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(data.Length));
        try
        {
            Span<byte> hash = stackalloc byte[16];
            XxHash128.Hash(bytes.AsSpan(0, Encoding.UTF8.GetBytes(data, bytes)), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
