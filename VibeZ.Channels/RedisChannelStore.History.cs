using StackExchange.Redis;

namespace VibeZ.Channels;

/// <summary>The read side of <see cref="RedisChannelStore"/>: history pages.</summary>
internal sealed partial class RedisChannelStore
{
    public Task<ChannelHistory> ReadAsync(string channel, ChannelMark after, int limit, CancellationToken cancellationToken) =>
        RunAsync("channel.read", async (database, _) =>
        {
            // The history is read in the epoch the reader expects, alongside the position, in one round trip; if the
            // epoch turns out to have changed, that page is dropped (the reader then starts over in the new one).
            var meta = database.HashGetAsync(ChannelKeys.Meta(channel), ["epoch", "offset", "committed"]);
            var anchored = after.Offset > 0;
            var count = limit + (anchored ? 1 : 0);
            var first = anchored ? after.Offset : after.Offset + 1;
            var guessed = count > 0 && after.Epoch.Length > 0
                ? database.StreamRangeAsync(ChannelKeys.History(channel, after.Epoch), $"{first}-0", "+", count)
                : null;

            var values = await meta;
            if (values[0].IsNull)
            {
                return new ChannelHistory(new ChannelPosition(string.Empty, 0), 0, []);
            }

            var epoch = (string)values[0]!;
            var position = new ChannelPosition(epoch, (long?)values[2] ?? 0);
            var appended = (long?)values[1] ?? 0;
            if (after.Epoch.Length > 0 && after.Epoch != epoch)
            {
                return new ChannelHistory(position, appended, []);
            }

            var entries = guessed is not null ? await guessed
                : count > 0 ? await database.StreamRangeAsync(ChannelKeys.History(channel, epoch), $"{first}-0", "+", count)
                : [];
            return Page(position, appended, entries, anchored ? after.Offset : null);
        }, cancellationToken);

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

    private static long EntryOffset(RedisValue entryId)
    {
        var text = (string)entryId!;
        return long.Parse(text.AsSpan(0, text.IndexOf('-')), provider: null);
    }
}
