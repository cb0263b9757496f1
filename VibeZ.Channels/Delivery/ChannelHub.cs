using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Publishing;
using VibeZ.Channels.Storage;

namespace VibeZ.Channels.Delivery;

/// <summary>
/// The channels this Gateway process delivers and publishes to: one <see cref="ChannelFeed"/> per channel with local
/// subscribers, opened with the first and closed with the last, and one <see cref="ChannelPublisher"/> per channel
/// published to, which keeps each client's publishes in order. Also remembers, per channel, the highest position this
/// process acked or delivered and the message there, which is how a master that lost acked writes is recognised.
/// </summary>
public sealed partial class ChannelHub : IAsyncDisposable
{
    private readonly IChannelStore _store;
    private readonly GatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (ChannelFeed Feed, int Subscribers)> _feeds = [];
    private readonly KnownMarks _known;
    private readonly ConcurrentDictionary<string, ChannelPublisher> _publishers = new();
    private readonly ITimer _resyncTimer;
    private int _knownFull;

    /// <summary>Creates the hub and starts its resync timer.</summary>
    public ChannelHub(IChannelStore store, GatewayNode node, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<ChannelHub> logger)
    {
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        Node = node.Id;
        HistoryReads = new HistoryReadGate(_options.MaxConcurrentHistoryReads);
        _known = new KnownMarks(_options.MaxKnownChannels, timeProvider);
        _store.LiveFeedInterrupted += ResyncAll;
        _resyncTimer = timeProvider.CreateTimer(_ => OnTimer(), null, _options.ResyncInterval, _options.ResyncInterval);
    }

    /// <summary>Gets this Gateway's id, as sent in <c>subscribed</c> frames.</summary>
    public string Node { get; }

    /// <summary>Gets the bound on this Gateway's concurrent history reads: the history API's, resumes' and catch-ups'.</summary>
    public HistoryReadGate HistoryReads { get; }

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
    /// Publishes through the channel's <see cref="ChannelPublisher"/>, after what this process sent to the channel
    /// before; completes when the message is acked. Cancelling before the publish went to Redis withdraws it.
    /// </summary>
    /// <exception cref="ChannelStoreException">Redis did not accept, replicate or commit the message in time, or its id is taken.</exception>
    public Task<PublishResult> PublishAsync(PublishRequest request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var publisher = _publishers.GetOrAdd(request.Channel, static (channel, hub) => new ChannelPublisher(channel, hub._store, hub, hub._options, hub._logger), this);
            if (publisher.TryPublish(request, cancellationToken, out var acked))
            {
                return acked.WaitAsync(cancellationToken);
            }

            // Retired by the timer a moment ago: it is about to leave the dictionary, make way for a new one.
            _publishers.TryRemove(KeyValuePair.Create(request.Channel, publisher));
        }
    }

    /// <summary>Gets the highest position this process acked or delivered on <paramref name="channel"/> and the message there, if it knows one.</summary>
    /// <remarks>
    /// A mark is what lets the next append see that Redis lost messages this process acked or delivered, and start a
    /// new epoch instead of handing their offsets to other messages. The marks are bounded
    /// (<see cref="GatewayOptions.MaxKnownChannels"/>, least recently used forgotten first), so a forgotten mark falls
    /// back to the safe path: the channel's live feed, if it has local subscribers, still holds what it delivered last
    /// (and its own resync finds a rollback by the message's identity and restarts the epoch); without one, the channel
    /// is as unknown here as after a restart of this Gateway, and every Gateway whose feed delivered the lost messages
    /// finds the rollback in its resync the same way.
    /// </remarks>
    public ChannelMark? Known(string channel)
    {
        if (_known.Get(channel) is { } known)
        {
            return known;
        }

        ChannelFeed? feed;
        lock (_lock)
        {
            feed = _feeds.TryGetValue(channel, out var entry) ? entry.Feed : null;
        }

        // Read outside the hub's lock: the feed's own lock is never taken inside it.
        return feed?.Delivered;
    }

    /// <summary>Records an acked or delivered message; the highest of an epoch is kept, and a new epoch replaces the old.</summary>
    public void Observe(string channel, ChannelMark mark)
    {
        // Once, so an operator can see the cap being reached; after that it stays reached, and a line per forgotten
        // mark would only be noise.
        if (_known.Observe(channel, mark) is not null && Interlocked.Exchange(ref _knownFull, 1) == 0)
        {
            GatewayLog.KnownChannelsFull(_logger, _options.MaxKnownChannels);
        }
    }

    /// <summary>Asks every channel to compare itself with Redis.</summary>
    public void ResyncAll()
    {
        foreach (var feed in Feeds())
        {
            feed.Resync(checkPending: false);
        }
    }

    /// <summary>Closes every channel's Redis subscription.</summary>
    public async ValueTask DisposeAsync()
    {
        await _resyncTimer.DisposeAsync();
        _store.LiveFeedInterrupted -= ResyncAll;
        await _sweep;
        var feeds = Feeds();
        lock (_lock)
        {
            _feeds.Clear();
        }

        foreach (var feed in feeds)
        {
            await feed.DisposeAsync();
        }
    }

    private List<ChannelFeed> Feeds()
    {
        lock (_lock)
        {
            return [.. _feeds.Values.Select(entry => entry.Feed)];
        }
    }
}
