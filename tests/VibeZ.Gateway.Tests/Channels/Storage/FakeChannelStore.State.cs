using System.Text;
using System.Text.Json;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage;

/// <summary>Each channel's state and the steps the scripts are made of: append, commit, start an epoch, announce.</summary>
internal sealed partial class FakeChannelStore
{
    // Outside the lock, as Redis delivers: after the write, on the subscriber's own thread.
    private static void Announce(List<Subscription> subscriptions, ChannelCommit? commit)
    {
        if (commit is null)
        {
            return;
        }

        foreach (var subscription in subscriptions)
        {
            subscription.OnCommit(commit);
        }
    }

    private (long Offset, AppendStatus Status) AppendOne(ChannelState state, PublishRequest request)
    {
        if (state.Ids.TryGetValue(request.Identity, out var seen))
        {
            if (seen.Data != request.Data)
            {
                return (0, AppendStatus.Conflict);
            }

            if (seen.Epoch == state.Epoch)
            {
                return (seen.Offset, AppendStatus.Duplicate);
            }
        }

        state.Offset++;
        var frame = "{\"type\":\"message\",\"channel\":\"" + StateName(state) + "\",\"offset\":" + state.Offset
            + ",\"epoch\":\"" + state.Epoch + "\",\"id\":" + JsonSerializer.Serialize(request.Id) + ",\"data\":" + request.Data + "}";
        state.History.Add(new ChannelMessage(state.Epoch!, state.Offset, request.Identity, Encoding.UTF8.GetBytes(frame)));
        state.Ids[request.Identity] = new SeenId(state.Epoch!, state.Offset, request.Data);
        return (state.Offset, AppendStatus.Appended);
    }

    private static ChannelCommit? CommitUpTo(ChannelState state, long upTo)
    {
        upTo = Math.Min(upTo, state.Offset);
        if (upTo <= state.Committed)
        {
            return null;
        }

        // As the commit script: a range longer than one live message announces only its offset, without the previous id.
        var announced = upTo - state.Committed <= RedisChannelStore.MaxLiveMessages;
        var previous = announced ? state.History.FirstOrDefault(m => m.Offset == state.Committed) : null;
        var messages = announced ? state.History.Where(m => m.Offset > state.Committed && m.Offset <= upTo).ToList() : [];
        var commit = new ChannelCommit(state.Epoch!, upTo, new ChannelMark(new ChannelPosition(state.Epoch!, state.Committed), previous?.Id), messages);
        state.Committed = upTo;
        return commit;
    }

    // The head of the append script: a channel without history, or that rolled back past what the caller acked or
    // delivered in the same epoch, starts a new epoch with an empty history at 0.
    private ChannelState EpochFor(string channel, ChannelMark? known)
    {
        var state = State(channel);
        var rolledBack = known is { Offset: > 0 } before && before.Epoch == state.Epoch
            && (state.Offset < before.Offset || (before.Id is not null && state.History.FirstOrDefault(m => m.Offset == before.Offset) is { } there && there.Id != before.Id));
        if (state.Epoch is null || rolledBack)
        {
            StartEpoch(state);
        }

        return state;
    }

    private void StartEpoch(ChannelState state)
    {
        state.Epoch = $"epoch-{++_epochs}";
        state.Offset = 0;
        state.Committed = 0;
        state.History.Clear();
    }

    private string StateName(ChannelState state) => _channels.Single(c => c.Value == state).Key;

    private ChannelState State(string channel)
    {
        if (!_channels.TryGetValue(channel, out var state))
        {
            _channels[channel] = state = new ChannelState();
        }

        return state;
    }

    public sealed record ReadCall(string Channel, ChannelMark After, int Limit);

    public sealed record AppendCall(string Channel, IReadOnlyList<PublishRequest> Batch, ChannelMark? Known);

    private sealed record SeenId(string Epoch, long Offset, string Data);

    private sealed class ChannelState
    {
        public string? Epoch { get; set; }

        public long Offset { get; set; }

        public long Committed { get; set; }

        public List<ChannelMessage> History { get; } = [];

        public Dictionary<string, SeenId> Ids { get; } = [];

        public List<Subscription> Subscriptions { get; } = [];
    }

    private sealed class Subscription(FakeChannelStore store, string channel, Action<ChannelCommit> onCommit) : IAsyncDisposable
    {
        public Action<ChannelCommit> OnCommit => onCommit;

        public ValueTask DisposeAsync()
        {
            lock (store._lock)
            {
                if (store.State(channel).Subscriptions.Remove(this))
                {
                    store._unsubscribes++;
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
