using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace VibeZ.Gateway.Channels;

/// <summary>
/// One channel's delivery inside one Gateway: a single Redis subscription shared by every local subscriber, and the
/// last offset delivered. Everything that changes it — live messages, joins, leaves, resyncs — runs one at a time in
/// arrival order, so subscribers see each channel's messages in offset order, once, without gaps they are not told of.
/// </summary>
/// <remarks>
/// The live feed is only a fast path. A message whose offset skips ahead, a feed that was interrupted, and a timer
/// all lead to the same resync: read history from the last delivered offset. So a Pub/Sub message lost during a
/// failover costs latency, not data.
/// </remarks>
internal sealed class ChannelFeed : IAsyncDisposable
{
    private readonly string _channel;
    private readonly IChannelStore _store;
    private readonly ChannelHub _hub;
    private readonly GatewayOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<Func<Task>> _work = Channel.CreateUnbounded<Func<Task>>(new() { SingleReader = true });
    // Per subscriber, the last offset it was sent. Mutable, so delivery updates it without writing to the dictionary
    // while enumerating it (removing during enumeration is allowed), and without copying it per message.
    private readonly Dictionary<IChannelSubscriber, StrongBox<long>> _subscribers = [];
    private readonly Task _loop;
    private IAsyncDisposable? _subscription;
    private ChannelPosition? _delivered;

    public ChannelFeed(string channel, IChannelStore store, ChannelHub hub, GatewayOptions options, ILogger logger)
    {
        _channel = channel;
        _store = store;
        _hub = hub;
        _options = options;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Gets the position delivered last, or null before the first sync.</summary>
    public ChannelPosition? Delivered => _delivered;

    /// <summary>
    /// Gets the opening of the Redis subscription, which every join waits for: the first join reads the channel's
    /// position after it, so no message falls between the two.
    /// </summary>
    public Task Started { get; private set; } = Task.CompletedTask;

    /// <summary>Opens the Redis subscription; see <see cref="Started"/>.</summary>
    public void Start() => Started = StartAsync();

    private async Task StartAsync() =>
        _subscription = await _store.SubscribeAsync(_channel, message => Post(() => OnLiveAsync(message)), CancellationToken.None);

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

    /// <summary>Asks for a comparison with Redis, to deliver whatever the live feed missed.</summary>
    public void Resync() => Post(() => _delivered is null ? Task.CompletedTask : CatchUpAsync());

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _loop;
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

    private void Post(Func<Task> work) => _work.Writer.TryWrite(work);

    private async Task RunAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
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
        if (_delivered is null)
        {
            var start = await _store.ReadAsync(_channel, after: 0, limit: 0, _hub.Known(_channel), CancellationToken.None);
            _delivered = start.Position;
            _hub.Observe(_channel, start.Position);
        }

        var delivered = _delivered.Value;
        var last = delivered.Offset;
        var recovered = since is null;
        if (since is { } from && from.Epoch == delivered.Epoch)
        {
            if (from.Offset == delivered.Offset)
            {
                recovered = true;
            }
            else if (from.Offset > delivered.Offset)
            {
                // The client saw more than this Gateway has delivered: it came from a faster Gateway (Redis has it, the
                // rest arrives live), or a failover lost what it saw and Redis reuses those offsets for new messages it
                // must not be told it has. Only Redis's counter tells the two apart.
                var now = await _store.ReadAsync(_channel, delivered.Offset, limit: 0, _hub.Known(_channel), CancellationToken.None);
                recovered = now.Position.Epoch == delivered.Epoch && now.Position.Offset >= from.Offset;
                last = recovered ? from.Offset : delivered.Offset;
                if (now.Position.Epoch != delivered.Epoch)
                {
                    Resync();
                }
            }
            else
            {
                recovered = await ReplayAsync(subscriber, from.Offset, delivered);
            }
        }

        subscriber.TrySend(ServerFrames.Subscribed(_channel, delivered with { Offset = last }, recovered, _hub.Node));
        _subscribers[subscriber] = new StrongBox<long>(last);
    }

    /// <summary>Sends one subscriber the messages after <paramref name="after"/> up to <paramref name="upTo"/>; true when none were missing.</summary>
    private async Task<bool> ReplayAsync(IChannelSubscriber subscriber, long after, ChannelPosition upTo)
    {
        var wanted = upTo.Offset - after;
        if (wanted > _options.MaxHistoryPageSize)
        {
            return false;
        }

        var history = await _store.ReadAsync(_channel, after, (int)wanted, _hub.Known(_channel), CancellationToken.None);
        if (history.Position.Epoch != upTo.Epoch)
        {
            // The history changed under us; the resync this causes tells every subscriber.
            Resync();
            return false;
        }

        foreach (var message in history.Messages.Where(m => m.Offset <= upTo.Offset))
        {
            subscriber.TrySend(message.Frame);
        }

        return history.ContinuesFrom(after) && history.Messages.Count >= wanted;
    }

    private Task OnLiveAsync(ChannelMessage message)
    {
        if (_delivered is not { } delivered)
        {
            // Not synced yet: the first join reads the position, which includes this message.
            return Task.CompletedTask;
        }

        if (message.Epoch == delivered.Epoch)
        {
            if (message.Offset <= delivered.Offset)
            {
                return Task.CompletedTask;
            }

            if (message.Offset == delivered.Offset + 1)
            {
                Deliver(message);
                return Task.CompletedTask;
            }
        }

        // A gap, or another history: find out from Redis what happened.
        return CatchUpAsync();
    }

    /// <summary>Delivers everything Redis has after the last delivered offset, following a change of epoch if there was one.</summary>
    private async Task CatchUpAsync()
    {
        while (_delivered is { } delivered)
        {
            var history = await _store.ReadAsync(_channel, delivered.Offset, _options.MaxHistoryPageSize, _hub.Known(_channel), CancellationToken.None);
            if (history.Position.Epoch != delivered.Epoch)
            {
                StartNewEpoch(history.Position.Epoch, delivered);
                continue;
            }

            if (!history.ContinuesFrom(delivered.Offset))
            {
                // Trimmed away before this Gateway could deliver it (the channel outran HistoryLength during an outage).
                var resume = (history.Messages.Count > 0 ? history.Messages[0].Offset : history.Position.Offset + 1) - 1;
                GatewayLog.MessagesTrimmed(_logger, _channel, delivered.Offset, resume);
                Announce(delivered with { Offset = resume }, recovered: false);
            }

            foreach (var message in history.Messages)
            {
                Deliver(message);
            }

            if (history.Messages.Count < _options.MaxHistoryPageSize || _delivered?.Offset >= history.Position.Offset)
            {
                return;
            }
        }
    }

    private void StartNewEpoch(string epoch, ChannelPosition before)
    {
        GatewayLog.EpochChanged(_logger, _channel, before.Epoch, before.Offset, epoch);
        Announce(new ChannelPosition(epoch, 0), recovered: false);
    }

    /// <summary>Tells every subscriber where delivery continues from, and that what lies before it is not complete.</summary>
    private void Announce(ChannelPosition position, bool recovered)
    {
        _delivered = position;
        var frame = ServerFrames.Subscribed(_channel, position, recovered, _hub.Node);
        foreach (var (subscriber, last) in _subscribers)
        {
            last.Value = position.Offset;
            if (!subscriber.TrySend(frame))
            {
                _subscribers.Remove(subscriber);
            }
        }
    }

    private void Deliver(ChannelMessage message)
    {
        _delivered = new ChannelPosition(message.Epoch, message.Offset);
        _hub.Observe(_channel, _delivered.Value);
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
}
