namespace VibeZ.Channels.Publishing;

/// <summary>A message to append to a channel.</summary>
/// <param name="Channel">A valid, non-reserved channel name.</param>
/// <param name="Scope">
/// Whose ids <paramref name="Id"/> belongs to: the publisher's <c>sub</c> claim (an empty string when authentication
/// is off). Ids are deduplicated within a scope only, so nobody can suppress another publisher's message by sending
/// its id first.
/// </param>
/// <param name="Id">The publisher's id for the message; publishing the same id again returns the first result.</param>
/// <param name="Data">The message's data, as JSON text already checked to be valid.</param>
public sealed record PublishRequest(string Channel, string Scope, string Id, string Data)
{
    /// <summary>
    /// Gets the message's identity within its channel: scope and id, length-prefixed so that no two pairs spell the
    /// same text. It names the dedupe key and is what history records as the message's id, so a mark (position and
    /// id) tells two publishers' messages apart even when they chose the same id.
    /// </summary>
    public string Identity => $"{Scope.Length}:{Scope}:{Id}";
}
