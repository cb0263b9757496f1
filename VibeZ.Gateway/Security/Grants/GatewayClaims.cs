namespace VibeZ.Gateway.Security.Grants;

/// <summary>
/// The claims a client token carries. Each grant is a list of channel patterns — a JSON array of strings, or one string
/// of space-separated patterns — where <c>*</c> stands for any run of characters (<c>room-*</c>, or <c>*</c> for all).
/// </summary>
public static class GatewayClaims
{
    /// <summary>The client's identity; required. Message ids are deduplicated per subject.</summary>
    public const string Subject = "sub";

    /// <summary>The expiry (seconds since 1970); required.</summary>
    public const string Expires = "exp";

    /// <summary>Channels the client may subscribe to. <c>$system</c> needs no grant.</summary>
    public const string Subscribe = "vibez:sub";

    /// <summary>Channels the client may publish to over its WebSocket.</summary>
    public const string Publish = "vibez:pub";

    /// <summary>Channels whose history the client may read: the history API, and a subscribe that resumes with <c>since</c>.</summary>
    public const string History = "vibez:hist";

    /// <summary>Channels a backend may publish to over HTTP (<c>POST /api/channels/{channel}/messages</c>).</summary>
    public const string ApiPublish = "vibez:api_publish";
}
