using System.Runtime.CompilerServices;
using VibeZ.Channels.Storage;

namespace VibeZ.Channels.Delivery;

/// <summary>
/// One channel's delivery inside one Gateway: a single Redis subscription shared by every local subscriber, and the
/// last message delivered. Everything that changes it — live commits, joins, leaves, resyncs — runs one at a time in
/// arrival order, so subscribers see each channel's messages in offset order, once, without gaps they are not told of.
/// </summary>
/// <remarks>
/// The live feed is only a fast path. A commit that skips ahead or does not continue the message delivered last, a
/// feed that was interrupted, and a timer all lead to the same resync: read history from the last delivered message.
/// So a Pub/Sub message lost during a failover costs latency, not data. The last delivered message is checked by its
/// id, not only its offset: if Redis shows another message there, the offset was lost and handed out again, and the
/// channel moves to a new epoch with every subscriber told (<c>recovered:false</c>).
/// </remarks>
internal sealed partial class ChannelFeed : IAsyncDisposable
{
    // This file holds the state and what every part shares; the work queue, joins, the live path and resyncs have a
    // file each beside it (ChannelFeed.Work.cs, .Join.cs, .Live.cs, .Resync.cs).
    private readonly string _channel;
    private readonly IChannelStore _store;
    private readonly ChannelHub _hub;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    // Work waiting its turn. A worker runs only while there is some: an idle channel holds no loop, no task and no
    // channel of its own, which at ten thousand channels is most of a channel's memory.
    private readonly Queue<Func<Task>> _work = new();
    // Per subscriber, the last offset it was sent. Mutable, so delivery updates it without writing to the dictionary
    // while enumerating it (removing during enumeration is allowed), and without copying it per message.
    private readonly Dictionary<IChannelSubscriber, StrongBox<long>> _subscribers = [];

    private Task _worker = Task.CompletedTask;
    private bool _working;
    private bool _grown;
    private bool _closed;
    private IAsyncDisposable? _subscription;
    private ChannelMark? _delivered;

    public ChannelFeed(string channel, IChannelStore store, ChannelHub hub, GatewayOptions options, ILogger logger)
    {
        _channel = channel;
        _store = store;
        _hub = hub;
        _options = options;
        _logger = logger;
    }

    /// <summary>Gets the channel's name.</summary>
    public string Channel => _channel;

    /// <summary>Gets the message delivered last, or null before the first sync; safe to read from any thread.</summary>
    public ChannelMark? Delivered
    {
        get
        {
            // A mark is three fields: read under the lock it is written under, so a reader never sees half of one.
            lock (_work)
            {
                return _delivered;
            }
        }
    }

    /// <summary>
    /// Gets the opening of the Redis subscription, which every join waits for: the first join reads the channel's
    /// position after it, so no message falls between the two.
    /// </summary>
    public Task Started { get; private set; } = Task.CompletedTask;

    /// <summary>Opens the Redis subscription; see <see cref="Started"/>.</summary>
    public void Start() => Started = StartAsync();

    private async Task StartAsync() =>
        _subscription = await _store.SubscribeAsync(_channel, commit => Post(() => OnLiveAsync(commit)), CancellationToken.None);

    /// <summary>
    /// Adds a subscriber: replays what it missed since <paramref name="since"/> (when given and still in history),
    /// then sends its <c>subscribed</c> frame; from then on it gets every message after that frame's offset.
    /// </summary>
    public Task JoinAsync(IChannelSubscriber subscriber, ChannelPosition? since)
    {
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(async () =>
        {
            try
            {
                await JoinCoreAsync(subscriber, since);
                joined.TrySetResult();
            }
            catch (Exception ex)
            {
                joined.TrySetException(ex);
            }
        });
        return joined.Task;
    }

    /// <summary>Removes a subscriber; it gets nothing after this.</summary>
    public void Leave(IChannelSubscriber subscriber) => Post(() =>
    {
        _subscribers.Remove(subscriber);
        return Task.CompletedTask;
    });

    /// <summary>
    /// Asks for a comparison with Redis, to deliver whatever the live feed missed; with <paramref name="checkPending"/>
    /// (the timer's resync) also commits what a replica confirmed but nobody committed.
    /// </summary>
    public void Resync(bool checkPending = false) => Post(() => _delivered is null ? Task.CompletedTask : CatchUpAsync(checkPending));

    /// <summary>
    /// Whether a resync from <paramref name="checkedMark"/> would find nothing to do, given the channel's
    /// <paramref name="head"/> (<see cref="IChannelStore.ReadHeadsAsync"/>) read after it: this feed still holds that
    /// mark, Redis has committed nothing after it and has nothing appended waiting for a commit, and the message at
    /// its offset is still the same one.
    /// </summary>
    public bool IsCurrent(ChannelMark checkedMark, ChannelHistory head) =>
        Delivered == checkedMark
        && head.Position == checkedMark.Position
        && head.Appended == checkedMark.Offset
        && !head.RolledBackPast(checkedMark);

    public async ValueTask DisposeAsync()
    {
        Task worker;
        lock (_work)
        {
            // What is queued still runs, as a leave must; nothing posted after this does.
            _closed = true;
            worker = _worker;
        }

        await worker;
        if (!Started.IsCompleted)
        {
            // The last join was cancelled while Redis was still subscribing: close the subscription once it is open,
            // without making the leaving client wait for Redis.
            _ = Started.ContinueWith(_ => CloseSubscriptionAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        await CloseSubscriptionAsync();
    }

    private async Task CloseSubscriptionAsync()
    {
        if (_subscription is not null)
        {
            try
            {
                await _subscription.DisposeAsync();
            }
            catch (Exception ex)
            {
                // The subscription dies with the connection anyway; a failed UNSUBSCRIBE only costs unused messages.
                GatewayLog.UnsubscribeFailed(_logger, _channel, ex);
            }
        }
    }

    /// <summary>Reads a page of history once this Gateway has a free place for it; reads queue here, not in Redis.</summary>
    private async Task<ChannelHistory> ReadHistoryAsync(ChannelMark after, int limit)
    {
        using var place = await _hub.HistoryReads.EnterAsync(CancellationToken.None);
        return await _store.ReadAsync(_channel, after, limit, CancellationToken.None);
    }

    /// <summary>Tells every subscriber where delivery continues from, and whether what lies before it is complete.</summary>
    private void Announce(ChannelMark mark, bool recovered)
    {
        MoveTo(mark);
        var frame = ServerFrames.Subscribed(_channel, mark.Position, recovered, _hub.Node);
        foreach (var (subscriber, last) in _subscribers)
        {
            last.Value = mark.Offset;
            if (!subscriber.TrySend(frame))
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    private void Deliver(ChannelMessage message)
    {
        MoveTo(message.Mark);
        _hub.Observe(_channel, message.Mark);
        foreach (var (subscriber, last) in _subscribers)
        {
            if (message.Offset <= last.Value)
            {
                continue;
            }

            last.Value = message.Offset;
            if (!subscriber.TrySend(message.Frame))
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    /// <summary>Records the message delivered last; only the work running in turn calls it.</summary>
    private void MoveTo(ChannelMark mark)
    {
        lock (_work)
        {
            _delivered = mark;
        }
    }
}
