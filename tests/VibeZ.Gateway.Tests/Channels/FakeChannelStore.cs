using System.Text;
using System.Text.Json;
using VibeZ.Gateway.Channels;

namespace VibeZ.Gateway.Tests.Channels;

/// <summary>
/// Channels in memory, with the semantics of <see cref="ChannelScripts"/>: a channel without history, or whose counter
/// is behind the caller's <c>known</c> offset of the same epoch, starts a new, empty epoch at offset 0. Tests play
/// Redis and the other Gateways through it: publish with or without a live message, repeat a live message, trim
/// history, let keys expire, lose writes in a failover, interrupt the live feed.
/// </summary>
internal sealed class FakeChannelStore : IChannelStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChannelState> _channels = [];
    private readonly List<ReadCall> _reads = [];
    private readonly List<PublishCall> _publishes = [];
    private TaskCompletionSource? _subscribeGate;
    private int _epochs;
    private int _subscribes;
    private int _unsubscribes;

    public event Action? LiveFeedInterrupted;

    /// <summary>Gets or sets what the next subscribes throw (Redis unreachable), or null.</summary>
    public Exception? SubscribeFailure { get; set; }

    /// <summary>Gets or sets what the next reads throw (Redis unreachable), or null.</summary>
    public Exception? ReadFailure { get; set; }

    public IReadOnlyList<ReadCall> Reads
    {
        get
        {
            lock (_lock)
            {
                return [.. _reads];
            }
        }
    }

    public IReadOnlyList<PublishCall> Publishes
    {
        get
        {
            lock (_lock)
            {
                return [.. _publishes];
            }
        }
    }

    /// <summary>Gets how many handlers listen to <see cref="LiveFeedInterrupted"/>.</summary>
    public int LiveFeedListeners => LiveFeedInterrupted?.GetInvocationList().Length ?? 0;

    /// <summary>Gets how many subscriptions were opened.</summary>
    public int Subscribes => Volatile.Read(ref _subscribes);

    /// <summary>Gets how many subscriptions were disposed.</summary>
    public int Unsubscribes => Volatile.Read(ref _unsubscribes);

    public Task<PublishResult> PublishAsync(PublishRequest request, ChannelPosition? known, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _publishes.Add(new PublishCall(request, known));
        }

        return Task.FromResult(Publish(request, known, live: true).Published);
    }

    public Task<ChannelHistory> ReadAsync(string channel, long after, int limit, ChannelPosition? known, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _reads.Add(new ReadCall(channel, after, limit, known));
            if (ReadFailure is { } failure)
            {
                return Task.FromException<ChannelHistory>(failure);
            }

            var state = PositionOf(channel, known);
            var messages = state.History.Where(m => m.Offset > after).Take(limit).ToList();
            return Task.FromResult(new ChannelHistory(new ChannelPosition(state.Epoch!, state.Offset), messages));
        }
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelMessage> onMessage, CancellationToken cancellationToken)
    {
        Task gate;
        lock (_lock)
        {
            gate = _subscribeGate?.Task ?? Task.CompletedTask;
        }

        await gate.WaitAsync(cancellationToken);
        lock (_lock)
        {
            if (SubscribeFailure is { } failure)
            {
                throw failure;
            }

            var subscription = new Subscription(this, channel, onMessage);
            State(channel).Subscriptions.Add(subscription);
            _subscribes++;
            return subscription;
        }
    }

    /// <summary>Publishes as another Gateway would (knowing nothing); with <paramref name="live"/> false the live message is lost.</summary>
    public ChannelMessage Append(string channel, string data = "{}", string? id = null, bool live = true) =>
        Publish(new PublishRequest(channel, id ?? Guid.NewGuid().ToString("N"), data), known: null, live).Message;

    /// <summary>Publishes <paramref name="count"/> messages; see <see cref="Append"/>.</summary>
    public IReadOnlyList<ChannelMessage> AppendMany(string channel, int count, bool live = true) =>
        [.. Enumerable.Range(0, count).Select(_ => Append(channel, live: live))];

    /// <summary>Hands a message to the live subscribers (again).</summary>
    public void RaiseLive(string channel, ChannelMessage message)
    {
        List<Subscription> subscriptions;
        lock (_lock)
        {
            subscriptions = [.. State(channel).Subscriptions];
        }

        foreach (var subscription in subscriptions)
        {
            subscription.OnMessage(message);
        }
    }

    /// <summary>Tells subscribers of the store that the live feed may have missed messages (a reconnect, a failover).</summary>
    public void InterruptLiveFeed() => LiveFeedInterrupted?.Invoke();

    /// <summary>Drops all but the last <paramref name="keep"/> messages of the history; the counter stays.</summary>
    public void Trim(string channel, int keep)
    {
        lock (_lock)
        {
            var history = State(channel).History;
            history.RemoveRange(0, Math.Max(0, history.Count - keep));
        }
    }

    /// <summary>The channel's keys expired while it was idle: the next read or publish starts a new epoch.</summary>
    public void Expire(string channel)
    {
        lock (_lock)
        {
            var state = State(channel);
            state.Epoch = null;
            state.Offset = 0;
            state.History.Clear();
            state.Ids.Clear();
        }
    }

    /// <summary>A failover to a replica that had not received the last <paramref name="count"/> writes.</summary>
    public void LoseWrites(string channel, int count)
    {
        lock (_lock)
        {
            var state = State(channel);
            state.Offset -= count;
            state.History.RemoveAll(m => m.Offset > state.Offset);
            foreach (var id in state.Ids.Where(e => e.Value.Offset > state.Offset).Select(e => e.Key).ToList())
            {
                state.Ids.Remove(id);
            }
        }
    }

    /// <summary>Makes subscribes wait until <see cref="ReleaseSubscribes"/>, as they do while Redis fails over.</summary>
    public void HoldSubscribes()
    {
        lock (_lock)
        {
            _subscribeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void ReleaseSubscribes()
    {
        lock (_lock)
        {
            _subscribeGate?.TrySetResult();
            _subscribeGate = null;
        }
    }

    /// <summary>Gets the channel's current position without changing it.</summary>
    public ChannelPosition? Position(string channel)
    {
        lock (_lock)
        {
            var state = State(channel);
            return state.Epoch is null ? null : new ChannelPosition(state.Epoch, state.Offset);
        }
    }

    /// <summary>Gets how many live subscriptions of the channel are open.</summary>
    public int OpenSubscriptions(string channel)
    {
        lock (_lock)
        {
            return State(channel).Subscriptions.Count;
        }
    }

    private (PublishResult Published, ChannelMessage Message) Publish(PublishRequest request, ChannelPosition? known, bool live)
    {
        ChannelMessage message;
        List<Subscription> subscriptions;
        lock (_lock)
        {
            var state = PositionOf(request.Channel, known);
            if (state.Ids.TryGetValue(request.Id, out var seen) && seen.Epoch == state.Epoch)
            {
                return (new PublishResult(seen, Duplicate: true), state.History.Single(m => m.Offset == seen.Offset));
            }

            state.Offset++;
            var frame = "{\"type\":\"message\",\"channel\":\"" + request.Channel + "\",\"offset\":" + state.Offset
                + ",\"epoch\":\"" + state.Epoch + "\",\"id\":" + JsonSerializer.Serialize(request.Id) + ",\"data\":" + request.Data + "}";
            message = new ChannelMessage(state.Epoch!, state.Offset, Encoding.UTF8.GetBytes(frame));
            state.History.Add(message);
            state.Ids[request.Id] = new ChannelPosition(state.Epoch!, state.Offset);
            subscriptions = live ? [.. state.Subscriptions] : [];
        }

        // Outside the lock, as Redis delivers: after the write, on the subscriber's own thread.
        foreach (var subscription in subscriptions)
        {
            subscription.OnMessage(message);
        }

        return (new PublishResult(new ChannelPosition(message.Epoch, message.Offset), Duplicate: false), message);
    }

    // The shared head of both scripts: a channel without history, or behind what the caller acked or delivered in
    // the same epoch, starts a new epoch with an empty history at 0.
    private ChannelState PositionOf(string channel, ChannelPosition? known)
    {
        var state = State(channel);
        if (state.Epoch is null || (known is { } before && before.Epoch == state.Epoch && state.Offset < before.Offset))
        {
            state.Epoch = $"epoch-{++_epochs}";
            state.Offset = 0;
            state.History.Clear();
        }

        return state;
    }

    private ChannelState State(string channel)
    {
        if (!_channels.TryGetValue(channel, out var state))
        {
            _channels[channel] = state = new ChannelState();
        }

        return state;
    }

    public sealed record ReadCall(string Channel, long After, int Limit, ChannelPosition? Known);

    public sealed record PublishCall(PublishRequest Request, ChannelPosition? Known);

    private sealed class ChannelState
    {
        public string? Epoch { get; set; }

        public long Offset { get; set; }

        public List<ChannelMessage> History { get; } = [];

        public Dictionary<string, ChannelPosition> Ids { get; } = [];

        public List<Subscription> Subscriptions { get; } = [];
    }

    private sealed class Subscription(FakeChannelStore store, string channel, Action<ChannelMessage> onMessage) : IAsyncDisposable
    {
        public Action<ChannelMessage> OnMessage => onMessage;

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
