namespace VibeZ.Channels;

/// <summary>
/// A position together with the id of the message at it: what a Gateway remembers of a channel, so that an offset
/// handed out again for another message is recognised by the message, not only by the counter.
/// </summary>
/// <param name="Position">The epoch and offset.</param>
/// <param name="Id">The id of the message at that offset, or null at offset 0 or where it is not known.</param>
public readonly record struct ChannelMark(ChannelPosition Position, string? Id)
{
    /// <summary>Gets the epoch.</summary>
    public string Epoch => Position.Epoch;

    /// <summary>Gets the offset.</summary>
    public long Offset => Position.Offset;
}
