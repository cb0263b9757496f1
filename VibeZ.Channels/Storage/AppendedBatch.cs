using VibeZ.Channels.Publishing;

namespace VibeZ.Channels.Storage;

/// <summary>
/// A batch of messages appended to one channel in order, in one step, but not yet visible: <see cref="IChannelStore.CommitAsync"/>
/// makes it durable and visible.
/// </summary>
/// <param name="Channel">The channel.</param>
/// <param name="Epoch">The epoch the messages were appended to.</param>
/// <param name="Offsets">Per message, in the batch's order: its offset (0 for a conflict).</param>
/// <param name="Statuses">Per message, in the batch's order: what the append did with it.</param>
public sealed record AppendedBatch(string Channel, string Epoch, IReadOnlyList<long> Offsets, IReadOnlyList<AppendStatus> Statuses)
{
    /// <summary>Gets the highest offset of the batch's messages, 0 when all conflicted.</summary>
    public long LastOffset => Offsets.Count == 0 ? 0 : Offsets.Max();

    /// <summary>Gets where the store ran the append, for its own replication checks; null where it does not check.</summary>
    internal ReplicationTicket? Ticket { get; init; }

    /// <summary>Gets whether the append already made the batch visible (Leader durability, a single server).</summary>
    internal bool Committed { get; init; }
}
