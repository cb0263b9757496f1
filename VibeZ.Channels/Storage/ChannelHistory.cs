namespace VibeZ.Channels.Storage;

/// <summary>
/// Part of a channel's committed history, with the channel's position when it was read.
/// </summary>
/// <param name="Position">The channel's epoch and committed offset: the newest message subscribers may see. An empty
/// epoch means the channel has no history (never published to, or expired).</param>
/// <param name="Appended">The channel's offset counter, at or above <see cref="ChannelPosition.Offset"/>: messages past
/// the committed offset are appended but not yet confirmed by a replica.</param>
/// <param name="Messages">The committed messages after the requested offset, in order; trimmed history is simply absent.</param>
/// <param name="Anchor">The message at the requested offset of the reader's epoch, when one was asked for and is still in history.</param>
public sealed record ChannelHistory(ChannelPosition Position, long Appended, IReadOnlyList<ChannelMessage> Messages, ChannelMark? Anchor = null)
{
    /// <summary>
    /// Whether the page holds every message from <paramref name="after"/> + 1 up to its last one, that is, nothing
    /// between them was trimmed away.
    /// </summary>
    /// <param name="after">The offset the reader already had.</param>
    /// <returns>True when the page continues <paramref name="after"/> without a gap.</returns>
    public bool ContinuesFrom(long after) =>
        Messages.Count == 0 ? Position.Offset <= after : Messages[0].Offset == after + 1;

    /// <summary>
    /// Gets whether committed messages follow this page: it ended at its count or its bytes (or where the history
    /// changed while it was read), not at the committed offset. The reader continues after its last message.
    /// </summary>
    public bool Partial => Messages.Count > 0 && Messages[^1].Offset < Position.Offset;

    /// <summary>
    /// Whether this history contradicts what a reader holds at <paramref name="mark"/>, in the same epoch: Redis's
    /// counter is behind it, or the message at its offset is another one. Either means the offset was lost in a
    /// failover and may be handed out again, so the reader must not carry on in this epoch.
    /// </summary>
    /// <param name="mark">What the reader delivered or acked last.</param>
    /// <returns>True when the history rolled back past <paramref name="mark"/>.</returns>
    public bool RolledBackPast(ChannelMark mark) =>
        Position.Epoch == mark.Epoch && mark.Offset > 0
        && (Appended < mark.Offset || (Anchor is { } anchor && anchor.Position == mark.Position && mark.Id is not null && anchor.Id != mark.Id));
}
