namespace VibeZ.Channels;

/// <summary>
/// A range of a channel's history that has just become visible, as the commit step announces it on the live feed:
/// the messages after <paramref name="Previous"/> up to <paramref name="UpTo"/>.
/// </summary>
/// <param name="Epoch">The epoch the range belongs to.</param>
/// <param name="UpTo">The committed offset after this commit.</param>
/// <param name="Previous">The last message before the range (its id empty where it was trimmed, or at offset 0), so a
/// Gateway can check it continues the very message it delivered last.</param>
/// <param name="Messages">The messages of the range, in order; empty when the range was too long to announce, and
/// readers catch up from history instead.</param>
public sealed record ChannelCommit(string Epoch, long UpTo, ChannelMark Previous, IReadOnlyList<ChannelMessage> Messages);
