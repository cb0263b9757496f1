namespace VibeZ.Channels;

/// <summary>
/// One message of a channel as the Gateway stores and delivers it: <paramref name="Frame"/> is the finished
/// <c>{"type":"message",…}</c> JSON text in UTF-8, written once by the append script and sent to every subscriber
/// as it is.
/// </summary>
/// <param name="Epoch">The history the message belongs to.</param>
/// <param name="Offset">Its offset in that history.</param>
/// <param name="Id">Its identity in the channel (<see cref="Publishing.PublishRequest.Identity"/>: the publisher's scope and id); the frame carries the publisher's id alone.</param>
/// <param name="Frame">The message frame, UTF-8 JSON.</param>
public sealed record ChannelMessage(string Epoch, long Offset, string Id, ReadOnlyMemory<byte> Frame)
{
    /// <summary>Gets the message's mark: its position and id.</summary>
    public ChannelMark Mark => new(new ChannelPosition(Epoch, Offset), Id);
}
