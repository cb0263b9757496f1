namespace VibeZ.Gateway.Channels;

/// <summary>
/// Part of a channel's history, read in one step with the channel's current position so the two agree.
/// </summary>
/// <param name="Position">The channel's epoch and latest offset when the page was read.</param>
/// <param name="Messages">The messages after the requested offset, in order; trimmed history is simply absent.</param>
public sealed record ChannelHistory(ChannelPosition Position, IReadOnlyList<ChannelMessage> Messages)
{
    /// <summary>
    /// Whether the page holds every message from <paramref name="after"/> + 1 up to its last one, that is, nothing
    /// between them was trimmed away.
    /// </summary>
    /// <param name="after">The offset the reader already had.</param>
    /// <returns>True when the page continues <paramref name="after"/> without a gap.</returns>
    public bool ContinuesFrom(long after) =>
        Messages.Count == 0 ? Position.Offset <= after : Messages[0].Offset == after + 1;
}
