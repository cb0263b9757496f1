using Microsoft.Extensions.Options;
using VibeZ.Channels.Delivery;
using VibeZ.Channels.Presence;
using VibeZ.Channels.Storage;

namespace VibeZ.Gateway.Presence;

/// <summary>
/// This Gateway's subscriptions with presence: per channel, the local members and one Redis subscription to the
/// channel's <c>join</c>/<c>leave</c> frames, opened with the first member and closed with the last. Nothing here runs
/// per message; Redis sees one write per join or leave and one pipeline per heartbeat for the whole Gateway.
/// </summary>
internal sealed class ChannelPresence(IPresenceStore store, PresenceMetrics metrics, IOptions<GatewayOptions> options, ILogger<ChannelPresence> logger)
{
    // Guards the members and orders writes: a join, a leave and the heartbeat's snapshot are each sent to Redis while
    // it is held (the store sends before it returns), so a heartbeat never adds back a member that left before it.
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _channels = [];

    /// <summary>Gets how many subscriptions with presence this Gateway holds.</summary>
    public int MemberCount
    {
        get
        {
            lock (_lock)
            {
                return _channels.Values.Sum(entry => entry.Members.Count);
            }
        }
    }

    /// <summary>
    /// Adds <paramref name="subscriber"/> as <paramref name="member"/>: it receives the channel's <c>join</c> and
    /// <c>leave</c> frames from now on, and Redis lists it.
    /// </summary>
    /// <returns>
    /// Null when Redis has the member; otherwise the (retryable) error that kept it from being written. The member is
    /// kept either way, and the next heartbeat writes it and announces its join.
    /// </returns>
    /// <exception cref="ChannelStoreException">The channel's events could not be subscribed to; the member was not added.</exception>
    public async Task<ChannelStoreException?> JoinAsync(string channel, IChannelSubscriber subscriber, PresenceMember member, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_channels.TryGetValue(channel, out entry!))
            {
                entry = new Entry();
                _channels.Add(channel, entry);
            }

            if (!entry.Members.ContainsKey(subscriber))
            {
                metrics.Joined();
            }

            entry.Members[subscriber] = member;
            entry.Events ??= store.SubscribeAsync(channel, frame => Fanout(channel, frame), CancellationToken.None);
        }

        try
        {
            // Listening before the write, so the member's own join reaches it.
            await entry.Events.WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ChannelStoreException or OperationCanceledException)
        {
            await LeaveAsync(channel, subscriber, write: false);
            throw;
        }

        Task written;
        lock (_lock)
        {
            if (!entry.Members.ContainsKey(subscriber))
            {
                // It left while the subscription was being opened.
                return null;
            }

            written = store.JoinAsync(channel, member, cancellationToken);
        }

        try
        {
            await written;
            return null;
        }
        catch (ChannelStoreException ex)
        {
            PresenceLog.WriteDeferred(logger, channel, ex.Message);
            return ex;
        }
    }

    /// <summary>Removes <paramref name="subscriber"/>'s presence on <paramref name="channel"/>, if it has one.</summary>
    public Task LeaveAsync(string channel, IChannelSubscriber subscriber) => LeaveAsync(channel, subscriber, write: true);

    /// <summary>
    /// Hands every member this Gateway holds, by channel, to <paramref name="send"/>, which must send its commands before
    /// it returns: no join or leave is sent meanwhile.
    /// </summary>
    public Task<T> Heartbeat<T>(Func<IReadOnlyCollection<KeyValuePair<string, PresenceMember[]>>, Task<T>> send)
    {
        lock (_lock)
        {
            var members = _channels.Select(c => KeyValuePair.Create(c.Key, c.Value.Members.Values.Distinct().ToArray())).Where(c => c.Value.Length > 0).ToArray();
            return send(members);
        }
    }

    private async Task LeaveAsync(string channel, IChannelSubscriber subscriber, bool write)
    {
        Task? written = null;
        Task<IAsyncDisposable>? closing = null;
        lock (_lock)
        {
            if (!_channels.TryGetValue(channel, out var entry) || !entry.Members.Remove(subscriber, out var member))
            {
                return;
            }

            metrics.Left();
            if (write)
            {
                written = store.LeaveAsync(channel, member, CancellationToken.None);
            }

            if (entry.Members.Count == 0)
            {
                _channels.Remove(channel);
                closing = entry.Events;
            }
        }

        if (written is not null)
        {
            try
            {
                await written;
            }
            catch (ChannelStoreException ex)
            {
                // Its entry expires within the TTL; another Gateway's heartbeat then announces the leave.
                PresenceLog.LeaveNotWritten(logger, channel, options.Value.PresenceTimeToLive.TotalSeconds, ex.Message);
            }
        }

        if (closing is not null)
        {
            try
            {
                await (await closing).DisposeAsync();
            }
            catch (Exception ex) when (ex is ChannelStoreException or StackExchange.Redis.RedisException)
            {
                // Never opened, or Redis went away: nothing left to close.
            }
        }
    }

    private void Fanout(string channel, byte[] frame)
    {
        IChannelSubscriber[] subscribers;
        lock (_lock)
        {
            if (!_channels.TryGetValue(channel, out var entry))
            {
                return;
            }

            subscribers = [.. entry.Members.Keys];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.TrySend(frame);
        }
    }

    private sealed class Entry
    {
        public Dictionary<IChannelSubscriber, PresenceMember> Members { get; } = [];

        public Task<IAsyncDisposable>? Events { get; set; }
    }
}
