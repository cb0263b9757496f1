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
internal sealed partial class FakeChannelStore : IChannelStore
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
}
