using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage;

/// <summary>Reads, as the read scripts do them: a page after a mark, the heads of many channels at once, and what sits at a mark. Reads never write.</summary>
internal sealed partial class FakeChannelStore
{
    public Task<ChannelHistory> ReadAsync(string channel, ChannelMark after, int limit, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ChannelHistory>(cancellationToken);
        }

        lock (_lock)
        {
            _reads.Add(new ReadCall(channel, after, limit));
            if (ReadFailure is { } failure)
            {
                return Task.FromException<ChannelHistory>(failure);
            }

            if (StaleReads is { } stale)
            {
                return Task.FromResult(stale(channel));
            }

            var state = State(channel);
            if (state.Epoch is null)
            {
                return Task.FromResult(new ChannelHistory(new ChannelPosition(string.Empty, 0), 0, []));
            }

            var position = new ChannelPosition(state.Epoch, state.Committed);
            if (after.Epoch is { Length: > 0 } && after.Epoch != state.Epoch)
            {
                return Task.FromResult(new ChannelHistory(position, state.Offset, []));
            }

            var anchor = after.Offset > 0 ? state.History.FirstOrDefault(m => m.Offset == after.Offset)?.Mark : null;
            var messages = state.History.Where(m => m.Offset > after.Offset && m.Offset <= state.Committed).Take(Math.Min(limit, PageCut ?? limit)).ToList();
            return Task.FromResult(new ChannelHistory(position, state.Offset, messages, anchor));
        }
    }

    public async Task<IReadOnlyList<ChannelHistory>> ReadHeadsAsync(IReadOnlyList<(string Channel, ChannelMark After)> channels, CancellationToken cancellationToken)
    {
        var heads = new List<ChannelHistory>(channels.Count);
        foreach (var (channel, after) in channels)
        {
            heads.Add(await ReadAsync(channel, after, limit: 0, cancellationToken));
        }

        return heads;
    }

    public Task<ChannelHistory> InspectAsync(string channel, ChannelMark mark, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (InspectFailure is { } failure)
            {
                return Task.FromException<ChannelHistory>(failure);
            }

            var state = State(channel);
            var anchor = state.Epoch == mark.Epoch ? state.History.FirstOrDefault(m => m.Offset == mark.Offset)?.Mark : null;
            return Task.FromResult(new ChannelHistory(new ChannelPosition(state.Epoch ?? string.Empty, state.Committed), state.Offset, [], anchor));
        }
    }
}
