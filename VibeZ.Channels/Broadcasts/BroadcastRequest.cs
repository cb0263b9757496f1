namespace VibeZ.Channels.Broadcasts;

/// <summary>A validated broadcast: deliver <paramref name="Data"/> to <paramref name="Channel"/> at <paramref name="DeliverAt"/>.</summary>
/// <param name="Id">The idempotency key: the caller's, or a new one.</param>
/// <param name="Channel">A valid, non-reserved channel name.</param>
/// <param name="Data">The JSON to publish, as raw text.</param>
/// <param name="DeliverAt">When to publish; never before this, and now when it is in the past.</param>
public sealed record BroadcastRequest(string Id, string Channel, string Data, DateTimeOffset DeliverAt);
