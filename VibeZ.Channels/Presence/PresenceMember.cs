using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace VibeZ.Channels.Presence;

/// <summary>
/// One subscription with presence: the Gateway that holds it, its connection, and the client it names (the token's
/// <c>sub</c>, or the connection id when authentication is off).
/// </summary>
/// <remarks>
/// In Redis a member is <c>node connection "client"</c>: node ids and connection ids hold no space, and the client is
/// a JSON string, so the scripts write <c>join</c> and <c>leave</c> frames from the member alone, whatever the client's name.
/// </remarks>
public readonly record struct PresenceMember(string Node, string Connection, string Client)
{
    /// <summary>The member as stored in the channel's sorted set.</summary>
    public override string ToString() => Node + " " + Connection + " " + JsonSerializer.Serialize(Client);

    /// <summary>Reads a stored member; false for anything this version did not write.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out PresenceMember? member)
    {
        member = null;
        var first = text.IndexOf(' ', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf(' ', first + 1);
        if (second < 0)
        {
            return false;
        }

        try
        {
            if (JsonSerializer.Deserialize<string>(text.AsSpan(second + 1)) is { } client)
            {
                member = new PresenceMember(text[..first], text[(first + 1)..second], client);
            }
        }
        catch (JsonException)
        {
            // Not ours: ignored, and it expires with its score.
        }

        return member is not null;
    }
}
