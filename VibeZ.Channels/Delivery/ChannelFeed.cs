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
internal sealed class ChannelFeed : IAsyncDisposable
{
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
    private static readonly ChannelMark Origin = new(new ChannelPosition(string.Empty, 0), null);

    // How often one catch-up reads again after a read that a master that takes writes contradicted.
    private const int MaxDoubtedReads = 3;

    // A work queue that held more than this gives its space back once it is empty again.
    private const int ShrinkAbove = 64;

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

    /// <summary>Queues <paramref name="work"/> behind what is queued; starts a worker when none runs.</summary>
    private void Post(Func<Task> work)
    {
        lock (_work)
        {
            if (_closed)
            {
                return;
            }

            _work.Enqueue(work);
            _grown |= _work.Count > ShrinkAbove;
            if (_working)
            {
                return;
            }

            _working = true;
            _worker = Task.Run(RunAsync);
        }
    }

    /// <summary>Runs the queued work one at a time, in order, until none is left.</summary>
    private async Task RunAsync()
    {
        while (true)
        {
            Func<Task>? work;
            lock (_work)
            {
                if (!_work.TryDequeue(out work))
                {
                    if (_grown)
                    {
                        // A burst grew the queue; an idle channel should not keep its high-water mark.
                        _work.TrimExcess();
                        _grown = false;
                    }

                    // Not kept once done: a finished worker holds the last work it ran, and with it a subscriber.
                    _working = false;
                    _worker = Task.CompletedTask;
                    return;
                }
            }

            try
            {
                await work();
            }
            catch (ChannelStoreException ex)
            {
                // Redis stayed away for the whole budget; the next live message, reconnect or timer tries again.
                GatewayLog.ResyncFailed(_logger, _channel, ex.Message);
            }
            catch (Exception ex)
            {
                GatewayLog.FeedFailed(_logger, _channel, ex);
            }
        }
    }

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

    /// <summary>Reads a page of history once this Gateway has a free place for it; reads queue here, not in Redis.</summary>
    private async Task<ChannelHistory> ReadHistoryAsync(ChannelMark after, int limit)
    {
        using var place = await _hub.HistoryReads.EnterAsync(CancellationToken.None);
        return await _store.ReadAsync(_channel, after, limit, CancellationToken.None);
    }

    private Task OnLiveAsync(ChannelCommit commit)
    {
        if (_delivered is not { } delivered)
        {
            // Not synced yet: the first join reads the position, which includes this commit.
            return Task.CompletedTask;
        }

        if (delivered.Epoch.Length == 0 && commit.Previous.Offset == 0)
        {
            // The channel's first epoch, from its start: nothing was there before it to lose or to check.
            delivered = new ChannelMark(new ChannelPosition(commit.Epoch, 0), null);
            MoveTo(delivered);
        }

        if (commit.Epoch != delivered.Epoch || commit.Messages.Count == 0)
        {
            // Another history, or a commit too long to announce: find out from Redis what happened.
            return commit.UpTo > delivered.Offset || commit.Epoch != delivered.Epoch ? CatchUpAsync(checkPending: false) : Task.CompletedTask;
        }

        // The commit must continue the very message delivered last, not only its offset; a commit that ends before
        // it is either late or a sign the history rolled back, and only Redis can tell which.
        if (commit.Previous.Offset > delivered.Offset || commit.UpTo < delivered.Offset || !Continues(commit, delivered))
        {
            return CatchUpAsync(checkPending: false);
        }

        foreach (var message in commit.Messages)
        {
            if (message.Offset > delivered.Offset)
            {
                Deliver(message);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether the commit names the same message at <paramref name="delivered"/>'s offset, where it names one and both ids are known.</summary>
    private static bool Continues(ChannelCommit commit, ChannelMark delivered)
    {
        if (delivered.Id is null || delivered.Offset == 0)
        {
            return true;
        }

        var there = commit.Previous.Offset == delivered.Offset ? commit.Previous.Id
            : commit.Messages.FirstOrDefault(m => m.Offset == delivered.Offset)?.Id;
        return there is null || there == delivered.Id;
    }

    /// <summary>
    /// Delivers everything committed after the last delivered message, following a change of epoch or starting one
    /// after a rollback; with <paramref name="checkPending"/>, also commits appended messages a replica confirmed.
    /// </summary>
    private async Task CatchUpAsync(bool checkPending)
    {
        var doubts = 0;
        while (_delivered is { } delivered)
        {
            var history = await ReadHistoryAsync(delivered, _options.MaxHistoryPageSize);
            if (history.Position.Epoch != delivered.Epoch || history.RolledBackPast(delivered))
            {
                // History gone, another epoch, a rollback: each would tell every subscriber that messages may be
                // missing, so only a master that takes writes is believed. Any node may answer a read: a crashed
                // master restarted empty before it learns it was replaced, a replica behind.
                var truth = await InspectAsync(delivered);
                if (truth is null)
                {
                    return;
                }

                if (truth.Position.Epoch != delivered.Epoch)
                {
                    StartNewEpoch(truth.Position.Epoch, delivered);
                    continue;
                }

                if (truth.RolledBackPast(delivered))
                {
                    var epoch = await _store.RestartEpochAsync(_channel, delivered.Epoch, CancellationToken.None);
                    GatewayLog.RolledBack(_logger, _channel, delivered.Epoch, delivered.Offset, epoch);
                    continue;
                }

                // The read reached a node that does not know the channel as it is; read again, a few times at most.
                if (++doubts > MaxDoubtedReads)
                {
                    return;
                }

                continue;
            }

            if (!history.ContinuesFrom(delivered.Offset))
            {
                // Trimmed away before this Gateway could deliver it (the channel outran HistoryLength during an outage).
                var resume = (history.Messages.Count > 0 ? history.Messages[0].Offset : history.Position.Offset + 1) - 1;
                GatewayLog.MessagesTrimmed(_logger, _channel, delivered.Offset, resume);
                Announce(new ChannelMark(delivered.Position with { Offset = resume }, null), recovered: false);
            }

            foreach (var message in history.Messages)
            {
                Deliver(message);
            }

            // A page cut at its count or its bytes is followed by the next one at once, not at the next resync.
            if (!history.Partial)
            {
                if (checkPending && history.Appended > history.Position.Offset)
                {
                    await CommitPendingAsync(delivered.Epoch);
                }

                return;
            }
        }
    }

    /// <summary>The channel as a master that takes writes sees it, or null while there is none (the next resync asks again).</summary>
    private async Task<ChannelHistory?> InspectAsync(ChannelMark delivered)
    {
        try
        {
            return await _store.InspectAsync(_channel, delivered, CancellationToken.None);
        }
        catch (ChannelStoreException ex)
        {
            GatewayLog.NoAuthoritativeMaster(_logger, _channel, ex.Message);
            return null;
        }
    }

    private async Task CommitPendingAsync(string epoch)
    {
        try
        {
            await _store.CommitPendingAsync(_channel, epoch, CancellationToken.None);
        }
        catch (ChannelStoreException ex)
        {
            // No replica to confirm with right now; the next timer tries again, and publishes commit on their own.
            GatewayLog.CommitPendingFailed(_logger, _channel, ex.Message);
        }
    }

    private void StartNewEpoch(string epoch, ChannelMark before)
    {
        var start = new ChannelMark(new ChannelPosition(epoch, 0), null);
        if (before.Epoch.Length == 0)
        {
            // The channel had no history (never published to, or gone and already announced): nothing is lost, and
            // the messages that follow name their epoch themselves.
            MoveTo(start);
            return;
        }

        GatewayLog.EpochChanged(_logger, _channel, before.Epoch, before.Offset, epoch);
        Announce(start, recovered: false);
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
