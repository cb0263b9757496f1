using System.Text;
using System.Text.Json;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Tests.Channels.Storage;

/// <summary>
/// Channels in memory, with the semantics of <see cref="ChannelScripts"/>: appends take the next offset and stay
/// invisible until committed; a channel without history, or that rolled back past the caller's <c>known</c> message
/// (counter behind it, or another message at its offset), starts a new, empty epoch; reads never write. Tests play
/// Redis and the other Gateways through it: publish with or without a live commit, repeat a commit, trim history, let
/// keys expire, lose writes in a failover, interrupt the live feed, refuse or move commits.
/// </summary>
internal sealed class FakeChannelStore : IChannelStore
{
    /// <summary>The publisher scope of the messages the tests publish and the ones <see cref="Append"/> plays.</summary>
    public const string Scope = "tester";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, ChannelState> _channels = [];
    private readonly List<ReadCall> _reads = [];
    private readonly List<AppendCall> _appends = [];
    private TaskCompletionSource? _subscribeGate;
    private int _epochs;
    private int _subscribes;
    private int _unsubscribes;

    public event Action? LiveFeedInterrupted;

    /// <summary>Gets or sets what the next subscribes throw (Redis unreachable), or null.</summary>
    public Exception? SubscribeFailure { get; set; }

    /// <summary>Gets or sets what the next reads throw (Redis unreachable), or null.</summary>
    public Exception? ReadFailure { get; set; }

    /// <summary>Gets or sets what the next commits throw (no replica confirmed, say), or null.</summary>
    public Exception? CommitFailure { get; set; }

    /// <summary>Gets or sets how many of the next commits answer "append again" (the node lost its place).</summary>
    public int CommitsToMove { get; set; }

    /// <summary>Gets or sets what inspections throw (no master that takes writes), or null.</summary>
    public Exception? InspectFailure { get; set; }

    /// <summary>When set, every page ends after this many messages, as a page cut at its bytes does.</summary>
    public int? PageCut { get; set; }

    /// <summary>
    /// Gets or sets what the next reads answer instead of the truth, as a node that does not know the channel as it
    /// is would (a crashed master restarted empty); inspections still tell the truth.
    /// </summary>
    public Func<string, ChannelHistory>? StaleReads { get; set; }

    /// <summary>Gets or sets a hook that runs before every append, in order; tests hold appends with it.</summary>
    public Func<Task>? BeforeAppend { get; set; }

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

    public IReadOnlyList<AppendCall> Appends
    {
        get
        {
            lock (_lock)
            {
                return [.. _appends];
            }
        }
    }

    /// <summary>Gets how many handlers listen to <see cref="LiveFeedInterrupted"/>.</summary>
    public int LiveFeedListeners => LiveFeedInterrupted?.GetInvocationList().Length ?? 0;

    /// <summary>Gets how many subscriptions were opened.</summary>
    public int Subscribes => Volatile.Read(ref _subscribes);

    /// <summary>Gets how many subscriptions were disposed.</summary>
    public int Unsubscribes => Volatile.Read(ref _unsubscribes);

    public async Task<AppendedBatch> AppendAsync(string channel, IReadOnlyList<PublishRequest> batch, ChannelMark? known, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (BeforeAppend is { } before)
        {
            await before();
        }

        lock (_lock)
        {
            _appends.Add(new AppendCall(channel, [.. batch], known));
            var state = EpochFor(channel, known);
            var offsets = new List<long>();
            var statuses = new List<AppendStatus>();
            foreach (var request in batch)
            {
                var (offset, status) = AppendOne(state, request);
                offsets.Add(offset);
                statuses.Add(status);
            }

            return new AppendedBatch(channel, state.Epoch!, offsets, statuses);
        }
    }

    public Task<bool> CommitAsync(AppendedBatch batch, CancellationToken cancellationToken)
    {
        List<Subscription> subscriptions;
        ChannelCommit? commit;
        lock (_lock)
        {
            if (CommitFailure is { } failure)
            {
                return Task.FromException<bool>(failure);
            }

            if (CommitsToMove > 0)
            {
                CommitsToMove--;
                return Task.FromResult(false);
            }

            var state = State(batch.Channel);
            if (state.Epoch != batch.Epoch)
            {
                return Task.FromResult(false);
            }

            commit = CommitUpTo(state, batch.LastOffset);
            subscriptions = [.. state.Subscriptions];
        }

        Announce(subscriptions, commit);
        return Task.FromResult(true);
    }

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
            if (after.Epoch.Length > 0 && after.Epoch != state.Epoch)
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

    public Task<string> RestartEpochAsync(string channel, string rolledBackEpoch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var state = State(channel);
            if (state.Epoch == rolledBackEpoch)
            {
                StartEpoch(state);
            }

            return Task.FromResult(state.Epoch ?? string.Empty);
        }
    }

    public Task CommitPendingAsync(string channel, string epoch, CancellationToken cancellationToken)
    {
        List<Subscription> subscriptions;
        ChannelCommit? commit;
        lock (_lock)
        {
            var state = State(channel);
            if (state.Epoch != epoch || CommitFailure is not null)
            {
                return Task.CompletedTask;
            }

            commit = CommitUpTo(state, state.Offset);
            subscriptions = [.. state.Subscriptions];
        }

        Announce(subscriptions, commit);
        return Task.CompletedTask;
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelCommit> onCommit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
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

            var subscription = new Subscription(this, channel, onCommit);
            State(channel).Subscriptions.Add(subscription);
            _subscribes++;
            return subscription;
        }
    }

    /// <summary>
    /// Publishes as another Gateway would (knowing nothing): appended and committed at once; with <paramref name="live"/>
    /// false the live commit is lost, and with <paramref name="commit"/> false it stays appended but invisible.
    /// </summary>
    public ChannelMessage Append(string channel, string data = "{}", string? id = null, bool live = true, bool commit = true)
    {
        List<Subscription> subscriptions;
        ChannelCommit? announced = null;
        ChannelMessage message;
        lock (_lock)
        {
            var state = EpochFor(channel, known: null);
            var (offset, _) = AppendOne(state, new PublishRequest(channel, Scope, id ?? Guid.NewGuid().ToString("N"), data));
            message = state.History.Single(m => m.Offset == offset);
            if (commit)
            {
                announced = CommitUpTo(state, offset);
            }

            subscriptions = live ? [.. state.Subscriptions] : [];
        }

        Announce(subscriptions, announced);
        return message;
    }

    /// <summary>Publishes <paramref name="count"/> messages; see <see cref="Append"/>.</summary>
    public IReadOnlyList<ChannelMessage> AppendMany(string channel, int count, bool live = true) =>
        [.. Enumerable.Range(0, count).Select(_ => Append(channel, live: live))];

    /// <summary>Hands a commit of exactly <paramref name="message"/> to the live subscribers (again).</summary>
    public void RaiseLive(string channel, ChannelMessage message)
    {
        List<Subscription> subscriptions;
        ChannelCommit commit;
        lock (_lock)
        {
            var state = State(channel);
            var previous = state.History.FirstOrDefault(m => m.Epoch == message.Epoch && m.Offset == message.Offset - 1);
            commit = new ChannelCommit(message.Epoch, message.Offset, new ChannelMark(new ChannelPosition(message.Epoch, message.Offset - 1), previous?.Id), [message]);
            subscriptions = [.. state.Subscriptions];
        }

        Announce(subscriptions, commit);
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

    /// <summary>The channel's keys expired while it was idle: reads find no history, and the next publish starts a new epoch.</summary>
    public void Expire(string channel)
    {
        lock (_lock)
        {
            var state = State(channel);
            state.Epoch = null;
            state.Offset = 0;
            state.Committed = 0;
            state.History.Clear();
            state.Ids.Clear();
        }
    }

    /// <summary>A failover to a replica that had not received the last <paramref name="count"/> writes, commits included.</summary>
    public void LoseWrites(string channel, int count)
    {
        lock (_lock)
        {
            var state = State(channel);
            state.Offset -= count;
            state.Committed = Math.Min(state.Committed, state.Offset);
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

    /// <summary>Gets the channel's epoch and committed offset without changing them, or null without history.</summary>
    public ChannelPosition? Position(string channel)
    {
        lock (_lock)
        {
            var state = State(channel);
            return state.Epoch is null ? null : new ChannelPosition(state.Epoch, state.Committed);
        }
    }

    /// <summary>Gets the channel's offset counter, committed or not.</summary>
    public long Appended(string channel)
    {
        lock (_lock)
        {
            return State(channel).Offset;
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
