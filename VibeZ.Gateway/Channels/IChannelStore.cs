namespace VibeZ.Gateway.Channels;

/// <summary>
/// Where channels live: their history, their counters and their live feed. The Gateway's one seam to Redis
/// (<see cref="RedisChannelStore"/>), so the routing logic is tested without it.
/// </summary>
public interface IChannelStore
{
    /// <summary>
    /// Raised when the live feed may have missed messages: its connection came back, or Redis failed over. Channels
    /// then read what they missed from history.
    /// </summary>
    event Action? LiveFeedInterrupted;

    /// <summary>
    /// Appends a message to its channel's history and hands it to every live subscriber, in one atomic step; returns
    /// once it is as durable as configured. Publishing an id again returns the first publish's position.
    /// </summary>
    /// <param name="request">The message.</param>
    /// <param name="known">The highest position this process acked or delivered on the channel, or null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Where the message landed.</returns>
    /// <exception cref="ChannelStoreException">Redis did not accept, or did not replicate, the message in time.</exception>
    Task<PublishResult> PublishAsync(PublishRequest request, ChannelPosition? known, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="limit"/> messages after <paramref name="after"/> with the channel's current
    /// position. A channel without history gets a new epoch; so does one whose counter is behind
    /// <paramref name="known"/>, because then Redis lost writes this process had already acked or delivered.
    /// </summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="after">The offset the reader already has; messages after it are returned.</param>
    /// <param name="limit">The most messages to return; 0 reads only the position.</param>
    /// <param name="known">The highest position this process acked or delivered on the channel, or null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The position and the messages.</returns>
    /// <exception cref="ChannelStoreException">Redis could not be read in time.</exception>
    Task<ChannelHistory> ReadAsync(string channel, long after, int limit, ChannelPosition? known, CancellationToken cancellationToken);

    /// <summary>Starts receiving a channel's live messages; disposing the result stops it.</summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="onMessage">Called in order for each message; must return quickly.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ChannelStoreException">Redis could not be reached in time.</exception>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelMessage> onMessage, CancellationToken cancellationToken);
}
