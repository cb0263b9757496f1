namespace VibeZ.Channels.Broadcasts;

/// <summary>What became of a broadcast, as <c>GET /api/broadcasts/{id}</c> tells it.</summary>
/// <param name="Id">The broadcast id.</param>
/// <param name="Channel">Its channel.</param>
/// <param name="State"><c>scheduled</c>, <c>delivered</c> or <c>failed</c>.</param>
/// <param name="DeliverAt">When it is (or was) due.</param>
/// <param name="Offset">The channel offset it got, once delivered.</param>
/// <param name="Epoch">The channel epoch of that offset, once delivered.</param>
/// <param name="Error">Why it failed, once failed.</param>
public sealed record BroadcastStatus(string Id, string Channel, string State, DateTimeOffset DeliverAt, long? Offset, string? Epoch, string? Error);
