namespace VibeZ.Channels.Delivery;

/// <summary>Something local that receives a channel's frames: a WebSocket connection.</summary>
public interface IChannelSubscriber
{
    /// <summary>
    /// Queues a frame without waiting. False means the subscriber's queue overflowed: it is being disconnected and
    /// gets nothing more, so one slow client never holds up the others.
    /// </summary>
    /// <param name="frame">UTF-8 JSON text.</param>
    /// <returns>Whether the frame was queued.</returns>
    bool TrySend(ReadOnlyMemory<byte> frame);
}
