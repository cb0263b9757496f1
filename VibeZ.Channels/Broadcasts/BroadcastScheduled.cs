namespace VibeZ.Channels.Broadcasts;

/// <summary>A broadcast is stored: it will be delivered at <paramref name="DeliverAt"/>.</summary>
/// <param name="Id">The broadcast id.</param>
/// <param name="DeliverAt">Its delivery time; for a retry, the one stored first.</param>
/// <param name="Duplicate">Whether the same broadcast was stored before under this id.</param>
public sealed record BroadcastScheduled(string Id, DateTimeOffset DeliverAt, bool Duplicate);
