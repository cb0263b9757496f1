using System.Runtime.CompilerServices;

namespace VibeZ.Channels.Delivery;

/// <summary>Joining <see cref="ChannelFeed"/>: the first sync of the feed, and the replay a resuming subscriber missed.</summary>
internal sealed partial class ChannelFeed
{
    private static readonly ChannelMark Origin = new(new ChannelPosition(string.Empty, 0), null);

    private async Task JoinCoreAsync(IChannelSubscriber subscriber, ChannelPosition? since)
    {
        if (_delivered is not { } delivered)
        {
            // The position, then the message at it, so that from the first delivery on this feed knows what it holds.
            var start = await _store.ReadAsync(_channel, Origin, limit: 0, CancellationToken.None);
            var tip = start.Position.Offset > 0
                ? await _store.ReadAsync(_channel, new ChannelMark(start.Position, null), limit: 0, CancellationToken.None)
                : start;
            delivered = new ChannelMark(start.Position, tip.Anchor is { } anchor && anchor.Position == start.Position ? anchor.Id : null);
            MoveTo(delivered);
            if (start.Position.Offset > 0)
            {
                _hub.Observe(_channel, delivered);
            }
        }

        var last = delivered.Offset;
        var recovered = since is null;

        // A client that joined while the channel had no history resumes from the start of the epoch that followed.
        if (since is { Epoch.Length: 0, Offset: 0 })
        {
            since = delivered.Position with { Offset = 0 };
        }

        if (since is { } from && from.Epoch == delivered.Epoch)
        {
            if (from.Offset == delivered.Offset)
            {
                recovered = true;
            }
            else if (from.Offset > delivered.Offset)
            {
                // The client saw more than this Gateway has delivered: it came from a faster Gateway (Redis has it
                // committed, the rest arrives live), or a failover lost what it saw. Only Redis's committed offset
                // tells the two apart.
                var now = await _store.ReadAsync(_channel, delivered, limit: 0, CancellationToken.None);
                recovered = now.Position.Epoch == delivered.Epoch && now.Position.Offset >= from.Offset && !now.RolledBackPast(delivered);
                last = recovered ? from.Offset : delivered.Offset;
                if (!recovered)
                {
                    Resync();
                }
            }
            else
            {
                recovered = await ReplayAsync(subscriber, from.Offset, delivered);
            }
        }

        subscriber.TrySend(ServerFrames.Subscribed(_channel, delivered.Position with { Offset = last }, recovered, _hub.Node));
        _subscribers[subscriber] = new StrongBox<long>(last);
    }

    /// <summary>
    /// Sends one subscriber the messages after <paramref name="after"/> up to <paramref name="upTo"/>, page after page;
    /// true when none were missing: every page continued the one before, and the last message is the one this Gateway
    /// delivered at <paramref name="upTo"/>.
    /// </summary>
    private async Task<bool> ReplayAsync(IChannelSubscriber subscriber, long after, ChannelMark upTo)
    {
        var from = new ChannelMark(upTo.Position with { Offset = after }, null);
        var complete = true;
        while (from.Offset < upTo.Offset)
        {
            var history = await ReadHistoryAsync(from, (int)Math.Min(upTo.Offset - from.Offset, _options.MaxHistoryPageSize));
            if (history.Position.Epoch != upTo.Epoch || history.RolledBackPast(upTo) || history.RolledBackPast(from))
            {
                // The history changed under us; the resync this causes tells every subscriber.
                Resync();
                return false;
            }

            complete &= history.ContinuesFrom(from.Offset);
            var page = history.Messages.Where(m => m.Offset <= upTo.Offset).ToList();
            if (page.Count == 0)
            {
                // History holds nothing more up to what this Gateway delivered: the rest is gone.
                return false;
            }

            foreach (var message in page)
            {
                if (!subscriber.TrySend(message.Frame))
                {
                    // Its send queue overflowed: it is being closed and gets nothing more.
                    return false;
                }
            }

            from = page[^1].Mark;
        }

        if (from.Id is not null && upTo.Id is not null && from.Id != upTo.Id)
        {
            Resync();
            return false;
        }

        return complete;
    }
}
