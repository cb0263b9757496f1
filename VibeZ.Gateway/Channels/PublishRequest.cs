namespace VibeZ.Gateway.Channels;

/// <summary>A message to append to a channel.</summary>
/// <param name="Channel">A valid, non-reserved channel name.</param>
/// <param name="Id">The publisher's id for the message; publishing the same id again returns the first result.</param>
/// <param name="Data">The message's data, as JSON text already checked to be valid.</param>
public sealed record PublishRequest(string Channel, string Id, string Data);
