using StackExchange.Redis;

namespace VibeZ.Channels.Storage;

/// <summary>The read side of <see cref="RedisChannelStore"/>: history pages.</summary>
/// <remarks>
/// History is read with plain <c>HMGET</c> and <c>XRANGE … COUNT</c>, never inside a script: a script's reply is built
/// in a Lua table first, and nothing bounds it in bytes. A page is read in chunks whose size
/// <see cref="HistoryPageBudget"/> bounds in bytes; each later chunk starts at the page's last message and checks that
/// it is still the same one, so a page never joins two histories (a failover that lost committed messages in
/// <c>Leader</c> durability) and never skips over a trim.
/// </remarks>
internal sealed partial class RedisChannelStore
{
    public async Task<ChannelHistory> ReadAsync(string channel, ChannelMark after, int limit, CancellationToken cancellationToken)
    {
        // StackExchange.Redis cannot take back a command it sent: an attempt that timed out is still running in Redis.
        // A retry waits for it and takes its answer rather than sending the same read again, and the read returns only
        // once it is over, so a caller's place among the concurrent history reads covers Redis's work, not only its wait.
        Task<ChannelHistory>? running = null;
        try
        {
            return await RunAsync("channel.read", (database, _) =>
            {
                if (running is null || running.IsFaulted || running.IsCanceled)
                {
                    running = ReadPageAsync(database, channel, after, limit);
                }

                return running;
            }, cancellationToken);
        }
        catch when (running is { IsCompleted: false })
        {
            await ((Task)running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
    }

    private async Task<ChannelHistory> ReadPageAsync(IDatabase database, string channel, ChannelMark after, int limit)
    {
        // The first chunk is read in the epoch the reader expects, alongside the position, in one round trip; if the
        // epoch turns out to have changed, that chunk is dropped (the reader then starts over in the new one).
        var budget = HistoryPageBudget.For(_options.Value, limit);
        var anchored = after.Offset > 0;
        var asked = budget.NextChunk(0, 0, anchored);
        var meta = database.HashGetAsync(ChannelKeys.Meta(channel), MetaFields);
        var guessed = after.Epoch is { Length: > 0 } ? FirstChunkAsync(database, ChannelKeys.History(channel, after.Epoch), after.Offset, anchored, asked) : null;

        var values = await meta;
        if (Head(values, after) is { } head)
        {
            return head;
        }

        var (position, appended) = Position(values);
        var epoch = position.Epoch;
        var history = ChannelKeys.History(channel, epoch);
        var entries = await (guessed ?? FirstChunkAsync(database, history, after.Offset, anchored, asked));
        var page = new List<ChannelMessage>();
        ChannelMark? anchor = null;
        long sent = 0;
        while (true)
        {
            var previous = page.Count > 0 ? page[^1] : null;
            var added = 0;
            foreach (var entry in entries)
            {
                sent += EntryBytes(entry);
                var offset = EntryOffset(entry.Id!);
                var id = (string)entry["i"]!;
                if (previous is null && anchored && offset == after.Offset)
                {
                    anchor = new ChannelMark(position with { Offset = offset }, id);
                }
                else if (previous is not null && offset == previous.Offset)
                {
                    if (id != previous.Id)
                    {
                        // Another message where this page's last one was: the history changed between two chunks. The
                        // page ends before it; the next read, anchored at that message, finds out what happened.
                        return new ChannelHistory(position, appended, page, anchor);
                    }
                }
                else if (previous is not null && added == 0 && offset != previous.Offset + 1)
                {
                    // The page's last message is gone (trimmed or lost) since the chunk before: end the page there too.
                    return new ChannelHistory(position, appended, page, anchor);
                }
                else if (offset <= position.Offset && added < asked)
                {
                    // Entries past the committed offset are appended but not confirmed yet: nobody may see them.
                    page.Add(new ChannelMessage(epoch, offset, id, (byte[])entry["f"]!));
                    added++;
                }
            }

            // The page ends at the committed offset, at its count or bytes, or where a chunk brought nothing new.
            asked = budget.NextChunk(page.Count, sent, anchored: true);
            if (added == 0 || page[^1].Offset >= position.Offset || asked == 0)
            {
                return new ChannelHistory(position, appended, page, anchor);
            }

            entries = await database.StreamRangeAsync(history, $"{page[^1].Offset}-0", $"{position.Offset}-0", asked + 1);
        }
    }

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
                anchors[i] = after.Offset > 0 && after.Epoch is { Length: > 0 } ? AnchorAsync(batch, channel, after.Epoch, after.Offset) : null;
            }

            batch.Execute();

            // A reader without an epoch reads the current one, as ReadAsync does, and its name is known only from the
            // hash: those anchors follow in a second batch. The sweep's marks always name their epoch, so it never
            // waits for one; the HTTP history API's marks are the ones without.
            IBatch? current = null;
            for (var i = 0; i < channels.Count; i++)
            {
                var (channel, after) = channels[i];
                var values = await metas[i];
                if (anchors[i] is null && after.Offset > 0 && Head(values, after) is null)
                {
                    current ??= database.CreateBatch();
                    anchors[i] = AnchorAsync(current, channel, Position(values).Position.Epoch, after.Offset);
                }
            }

            current?.Execute();
            var heads = new ChannelHistory[channels.Count];
            for (var i = 0; i < channels.Count; i++)
            {
                var after = channels[i].After;
                var values = await metas[i];
                var entries = anchors[i] is { } anchor ? await anchor : [];
                heads[i] = Head(values, after) ?? HeadAt(values, after, entries);
            }

            return heads;
        }, cancellationToken);

    /// <summary>
    /// The answer when the meta hash alone settles it: no history (the empty epoch), or another epoch than the
    /// reader's (no messages, the reader starts over in the new one); otherwise null, and the history is read.
    /// A reader without an epoch (empty, or null in a <c>default</c> mark) is in the current one.
    /// </summary>
    private static ChannelHistory? Head(RedisValue[] values, ChannelMark after)
    {
        if (values[0].IsNull)
        {
            return new ChannelHistory(new ChannelPosition(string.Empty, 0), 0, []);
        }

        var (position, appended) = Position(values);
        return after.Epoch is { Length: > 0 } && after.Epoch != position.Epoch ? new ChannelHistory(position, appended, []) : null;
    }

    /// <summary>The one stream entry at <paramref name="offset"/> of <paramref name="epoch"/>, if Redis still has it.</summary>
    private static Task<StreamEntry[]> AnchorAsync(IDatabaseAsync database, string channel, string epoch, long offset) =>
        database.StreamRangeAsync(ChannelKeys.History(channel, epoch), $"{offset}-0", $"{offset}-0", 1);

    /// <summary>A head without messages: the position, the counter, and the message at the reader's offset, if Redis has it.</summary>
    private static ChannelHistory HeadAt(RedisValue[] values, ChannelMark after, StreamEntry[] entries)
    {
        var (position, appended) = Position(values);
        ChannelMark? anchor = null;
        foreach (var entry in entries)
        {
            if (EntryOffset(entry.Id!) == after.Offset)
            {
                anchor = new ChannelMark(position with { Offset = after.Offset }, (string)entry["i"]!);
            }
        }

        return new ChannelHistory(position, appended, [], anchor);
    }

    /// <summary>The committed position and the offset counter, from the meta hash's <see cref="MetaFields"/>.</summary>
    private static (ChannelPosition Position, long Appended) Position(RedisValue[] values) =>
        (new ChannelPosition((string)values[0]!, (long?)values[2] ?? 0), (long?)values[1] ?? 0);

    /// <summary>The first chunk: from the reader's offset (its anchor) when it has one, else from the first message.</summary>
    private static Task<StreamEntry[]> FirstChunkAsync(IDatabase database, RedisKey history, long after, bool anchored, int asked)
    {
        var count = asked + (anchored ? 1 : 0);
        return count > 0
            ? database.StreamRangeAsync(history, $"{(anchored ? after : after + 1)}-0", "+", count)
            : Task.FromResult<StreamEntry[]>([]);
    }

    /// <summary>What an entry took of Redis's reply, near enough: its id, field names and values.</summary>
    private static long EntryBytes(StreamEntry entry) =>
        entry.Id.Length() + entry.Values.Sum(field => field.Name.Length() + field.Value.Length());

    private static long EntryOffset(RedisValue entryId)
    {
        var text = (string)entryId!;
        return long.Parse(text.AsSpan(0, text.IndexOf('-')), provider: null);
    }
}
