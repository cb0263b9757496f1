using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace VibeZ.Gateway.Channels;

/// <summary>
/// The channels this Gateway process delivers: one <see cref="ChannelFeed"/> per channel with local subscribers,
/// opened with the first and closed with the last. Also remembers, per channel, the highest position this process
/// acked or delivered, which is how a master that lost acked writes is recognised.
/// </summary>
public sealed class ChannelHub : IAsyncDisposable
{
    private readonly IChannelStore _store;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ChannelFeed Feed, int Subscribers)> _feeds = [];
    private readonly ConcurrentDictionary<string, KnownPosition> _known = new();
    private readonly ITimer _resyncTimer;

    /// <summary>Creates the hub and starts its resync timer.</summary>
    public ChannelHub(IChannelStore store, GatewayNode node, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<ChannelHub> logger)
    {
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        Node = node.Id;
        _store.LiveFeedInterrupted += ResyncAll;
        _resyncTimer = timeProvider.CreateTimer(_ => OnTimer(), null, _options.ResyncInterval, _options.ResyncInterval);
    }

    /// <summary>Gets this Gateway's id, as sent in <c>subscribed</c> frames.</summary>
    public string Node { get; }

    /// <summary>Gets how many channels have local subscribers.</summary>
    public int ChannelCount
    {
        get
        {
            lock (_lock)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>Subscribes <paramref name="subscriber"/> to <paramref name="channel"/>; see <see cref="ChannelFeed.JoinAsync"/>.</summary>
    /// <exception cref="ChannelStoreException">Redis could not be reached in time; the subscriber was not added.</exception>
    public async Task JoinAsync(string channel, IChannelSubscriber subscriber, ChannelPosition? since, CancellationToken cancellationToken)
    {
        ChannelFeed feed;
        lock (_lock)
        {
            var created = !_feeds.TryGetValue(channel, out var entry);
            feed = created ? new ChannelFeed(channel, _store, this, _options, _logger) : entry.Feed;
            _feeds[channel] = (feed, entry.Subscribers + 1);
            if (created)
            {
                feed.Start();
            }
        }

        try
        {
            await feed.Started.WaitAsync(cancellationToken);
            await feed.JoinAsync(subscriber, since).WaitAsync(cancellationToken);
        }
        catch
        {
            await LeaveAsync(channel, subscriber);
            throw;
        }
    }

    /// <summary>Unsubscribes <paramref name="subscriber"/>; the channel's Redis subscription closes with its last subscriber.</summary>
    public async Task LeaveAsync(string channel, IChannelSubscriber subscriber)
    {
        ChannelFeed? closing = null;
        lock (_lock)
        {
            if (!_feeds.TryGetValue(channel, out var entry))
            {
                return;
            }

            entry.Feed.Leave(subscriber);
            if (entry.Subscribers == 1)
            {
                _feeds.Remove(channel);
                closing = entry.Feed;
            }
            else
            {
                _feeds[channel] = (entry.Feed, entry.Subscribers - 1);
            }
        }

        if (closing is not null)
        {
            await closing.DisposeAsync();
        }
    }

    /// <summary>
    /// Publishes through the store, telling it the highest position this process knows of the channel, and records
    /// where the message landed.
    /// </summary>
    /// <exception cref="ChannelStoreException">Redis did not accept or replicate the message in time.</exception>
    public async Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        var result = await _store.PublishAsync(request, Known(request.Channel), cancellationToken);
        Observe(request.Channel, result.Position);
        return result;
    }

    /// <summary>Gets the highest position this process acked or delivered on <paramref name="channel"/>, if it knows one.</summary>
    public ChannelPosition? Known(string channel) => _known.TryGetValue(channel, out var known) ? known.Position : null;

    /// <summary>Records an acked or delivered position; the highest of an epoch is kept, and a new epoch replaces the old.</summary>
    public void Observe(string channel, ChannelPosition position)
    {
        var now = _timeProvider.GetTimestamp();
        _known.AddOrUpdate(
            channel,
            static (_, state) => new KnownPosition(state.position, state.now),
            static (_, existing, state) => existing.Position.Epoch == state.position.Epoch && existing.Position.Offset >= state.position.Offset
                ? existing with { Touched = state.now }
                : new KnownPosition(state.position, state.now),
            (position, now));
    }

    /// <summary>Asks every channel to compare itself with Redis.</summary>
    public void ResyncAll()
    {
        List<ChannelFeed> feeds;
        lock (_lock)
        {
            feeds = [.. _feeds.Values.Select(entry => entry.Feed)];
        }

        foreach (var feed in feeds)
        {
            feed.Resync();
        }
    }

    /// <summary>Closes every channel's Redis subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        await _resyncTimer.DisposeAsync();
        _store.LiveFeedInterrupted -= ResyncAll;
        List<ChannelFeed> feeds;
        lock (_lock)
        {
            feeds = [.. _feeds.Values.Select(entry => entry.Feed)];
            _feeds.Clear();
        }

        foreach (var feed in feeds)
        {
            await feed.DisposeAsync();
        }
    }

    private void OnTimer()
    {
        ResyncAll();

        // Forget positions of channels nobody here used for longer than a channel lives in Redis.
        foreach (var (channel, known) in _known)
        {
            if (_timeProvider.GetElapsedTime(known.Touched) > _options.ChannelTimeToLive)
            {
                _known.TryRemove(KeyValuePair.Create(channel, known));
            }
        }
    }

    private sealed record KnownPosition(ChannelPosition Position, long Touched);
}
