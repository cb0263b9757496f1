namespace VibeZ.Channels.Publishing;

/// <summary>Where a published message landed.</summary>
/// <param name="Position">Its epoch and offset.</param>
/// <param name="Duplicate">True when the id had been published before and this is the first publish's position.</param>
public sealed record PublishResult(ChannelPosition Position, bool Duplicate);
