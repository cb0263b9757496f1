using VibeZ.Channels.Publishing;

namespace VibeZ.Channels.Storage;

/// <summary>
/// Where channels live: their history, their counters and their live feed. The Gateway's one seam to Redis
/// (<see cref="RedisChannelStore"/>), so the routing logic is tested without it.
/// </summary>
/// <remarks>
/// A publish is two steps: <see cref="AppendAsync"/> fixes the order and the offsets, <see cref="CommitAsync"/> makes
/// the messages durable as configured and visible to readers and subscribers. Readers only ever see committed
/// messages.
/// </remarks>
public interface IChannelStore
{
    /// <summary>
    /// Raised when the live feed may have missed messages: its connection came back, or Redis failed over. Channels
    /// then read what they missed from history.
    /// </summary>
    event Action? LiveFeedInterrupted;

    /// <summary>
    /// Appends <paramref name="batch"/> to <paramref name="channel"/> in order, in one step. The channel starts a new
    /// epoch when it has no history, or when it rolled back past <paramref name="known"/> (Redis lost messages this
    /// process acked or delivered).
    /// </summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="batch">The messages, all for <paramref name="channel"/>.</param>
    /// <param name="known">The highest position this process acked or delivered on the channel, with its message id, or null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Where each message landed.</returns>
    /// <exception cref="ChannelStoreException">Redis did not accept the batch in time, or refused it (<c>not_replicated</c> when a master has too few replicas to write).</exception>
    Task<AppendedBatch> AppendAsync(string channel, IReadOnlyList<PublishRequest> batch, ChannelMark? known, CancellationToken cancellationToken);

    /// <summary>
    /// Makes an appended batch durable and visible: with <c>Replicated</c> durability once a replica confirmed the
    /// append, and returns once a replica confirmed the commit too, so a message acked after it survives any single
    /// failover, visible.
    /// </summary>
    /// <param name="batch">What <see cref="AppendAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// <see langword="true"/> when the batch is committed; <see langword="false"/> when it must be appended again,
    /// because the node it went to lost its place (a failover or restart) or the channel moved to another epoch.
    /// </returns>
    /// <exception cref="ChannelStoreException"><c>not_replicated</c> when no replica confirmed in time; <c>redis_unavailable</c>.</exception>
    Task<bool> CommitAsync(AppendedBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="limit"/> committed messages after <paramref name="after"/>, with the channel's
    /// position. Never writes: a channel without history has an empty epoch.
    /// </summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="after">Where the reader is. When it is past offset 0, the history also says which message is at that offset now (<see cref="ChannelHistory.Anchor"/>).
    /// An empty epoch reads the current one, whatever it is; <c>default</c> (its epoch is null) is the start, as the empty epoch at offset 0.</param>
    /// <param name="limit">The most messages to return; 0 reads only the position.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The position and the messages.</returns>
    /// <exception cref="ChannelStoreException">Redis could not be read in time.</exception>
    Task<ChannelHistory> ReadAsync(string channel, ChannelMark after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Reads, for many channels at once, what <see cref="ReadAsync"/> with a limit of 0 reads for one: the position,
    /// the offset counter and the message at the reader's offset. One round trip for all of them, so comparing every
    /// channel of a Gateway with Redis costs little when nothing changed.
    /// </summary>
    /// <param name="channels">Each channel with where its reader is.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>One history without messages per channel, in the order given.</returns>
    /// <exception cref="ChannelStoreException">Redis could not be read in time.</exception>
    Task<IReadOnlyList<ChannelHistory>> ReadHeadsAsync(IReadOnlyList<(string Channel, ChannelMark After)> channels, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a channel's position, and the message at <paramref name="mark"/>'s offset, from the one node whose answer is
    /// authoritative: a master that takes writes. A read may reach a crashed master restarted empty, or a replica
    /// behind; before a reader concludes that history is gone or rolled back, it asks here.
    /// </summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="mark">What the reader holds.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The position, with the message at the mark's offset as <see cref="ChannelHistory.Anchor"/>; no messages.</returns>
    /// <exception cref="ChannelStoreException">No master that takes writes answered: nothing may be concluded yet.</exception>
    Task<ChannelHistory> InspectAsync(string channel, ChannelMark mark, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a new epoch on a channel whose history rolled back (<see cref="ChannelHistory.RolledBackPast"/>), unless
    /// another process already did; the old epoch stays readable until it expires.
    /// </summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="rolledBackEpoch">The epoch found rolled back.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The channel's epoch afterwards.</returns>
    /// <exception cref="ChannelStoreException">Redis could not be reached in time.</exception>
    Task<string> RestartEpochAsync(string channel, string rolledBackEpoch, CancellationToken cancellationToken);

    /// <summary>
    /// Commits whatever a replica has confirmed of a channel's appended messages, for messages whose publisher gave up
    /// before their commit (they then become visible, once).
    /// </summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="epoch">The epoch the reader is in.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when done; nothing happens when no replica confirms.</returns>
    Task CommitPendingAsync(string channel, string epoch, CancellationToken cancellationToken);

    /// <summary>Starts receiving a channel's commits; disposing the result stops it.</summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="onCommit">Called in order for each commit; must return quickly.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ChannelStoreException">Redis could not be reached in time.</exception>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Action<ChannelCommit> onCommit, CancellationToken cancellationToken);
}
