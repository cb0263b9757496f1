namespace VibeZ.Channels;

/// <summary>
/// A place in a channel's history: the epoch names one continuous history, the offset counts its messages from 1.
/// Offset 0 means "before the first message".
/// </summary>
/// <param name="Epoch">The history's name; a new one starts when the previous history was lost.</param>
/// <param name="Offset">The offset of the last message, or 0.</param>
public readonly record struct ChannelPosition(string Epoch, long Offset);
