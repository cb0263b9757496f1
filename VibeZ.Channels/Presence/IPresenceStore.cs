namespace VibeZ.Channels.Presence;

/// <summary>
/// Where presence and the Gateway registry live: the Gateway's and Worker's one seam to them (<see cref="RedisPresenceStore"/>).
/// </summary>
/// <remarks>
/// The write methods send their commands before they return, so two calls made one after the other reach Redis in
/// that order; callers rely on it to keep a heartbeat from adding back a member that left a moment before.
/// </remarks>
public interface IPresenceStore
{
    /// <summary>Adds <paramref name="member"/> to <paramref name="channel"/>'s presence and announces <c>join</c> if it is new.</summary>
    /// <exception cref="Storage.ChannelStoreException"><c>not_replicated</c> (retryable) when the master takes no writes for want of a replica; <c>redis_unavailable</c>; <c>redis_refused</c>.</exception>
    Task JoinAsync(string channel, PresenceMember member, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="member"/> and announces <c>leave</c> if it was there.</summary>
    /// <exception cref="Storage.ChannelStoreException">As <see cref="JoinAsync"/>; the member then expires with its TTL.</exception>
    Task LeaveAsync(string channel, PresenceMember member, CancellationToken cancellationToken);

    /// <summary>
    /// Refreshes every member this Gateway holds and its registry entry in one pipeline, and drops (announcing
    /// <c>leave</c>) members of those channels whose expiry passed.
    /// </summary>
    /// <returns>How many expired members (of Gateways that died) it dropped.</returns>
    /// <exception cref="Storage.ChannelStoreException">Some command failed; the next heartbeat tries again.</exception>
    Task<long> HeartbeatAsync(IReadOnlyCollection<KeyValuePair<string, PresenceMember[]>> members, GatewayAnnouncement announcement, CancellationToken cancellationToken);

    /// <summary>Removes this Gateway's registry entry (a clean stop).</summary>
    Task WithdrawAsync(string node, CancellationToken cancellationToken);

    /// <summary>Reads a channel's members whose expiry has not passed. Never writes: expired members are only skipped.</summary>
    /// <exception cref="Storage.ChannelStoreException">Redis could not be read in time.</exception>
    Task<IReadOnlyList<PresenceMember>> ReadAsync(string channel, CancellationToken cancellationToken);

    /// <summary>Starts receiving a channel's <c>join</c> and <c>leave</c> frames; disposing the result stops it.</summary>
    /// <param name="channel">A valid channel name.</param>
    /// <param name="onFrame">Called in order for each frame (UTF-8 JSON); must return quickly.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="Storage.ChannelStoreException">Redis could not be reached in time.</exception>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Action<byte[]> onFrame, CancellationToken cancellationToken);

    /// <summary>Removes registry entries of Gateways whose entry expired (run by one Worker under a lease).</summary>
    /// <returns>The node ids removed, and how many Gateways are alive.</returns>
    Task<RegistrySweep> RemoveDeadGatewaysAsync(CancellationToken cancellationToken);
}
