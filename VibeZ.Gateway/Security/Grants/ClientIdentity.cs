using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;

namespace VibeZ.Gateway.Security.Grants;

/// <summary>Who a client is and what its token grants, read from a validated token's claims.</summary>
internal sealed class ClientIdentity
{
    private ClientIdentity(string subject, ChannelGrant subscribe, ChannelGrant publish, ChannelGrant history, ChannelGrant apiPublish, DateTimeOffset? expires)
    {
        Subject = subject;
        Subscribe = subscribe;
        Publish = publish;
        History = history;
        ApiPublish = apiPublish;
        Expires = expires;
    }

    /// <summary>Gets everyone when authentication is off: every grant, one shared id scope (the empty subject), no expiry.</summary>
    public static ClientIdentity Anonymous { get; } = new(string.Empty, ChannelGrant.All, ChannelGrant.All, ChannelGrant.All, ChannelGrant.All, expires: null);

    /// <summary>Gets the <c>sub</c> claim, which scopes the client's message ids.</summary>
    public string Subject { get; }

    public ChannelGrant Subscribe { get; }

    public ChannelGrant Publish { get; }

    public ChannelGrant History { get; }

    public ChannelGrant ApiPublish { get; }

    /// <summary>Gets the token's <c>exp</c>, or null when authentication is off.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>Reads a validated token's claims; fails, saying why, when <c>sub</c> or <c>exp</c> is missing.</summary>
    public static bool TryCreate(ClaimsIdentity? identity, [NotNullWhen(true)] out ClientIdentity? client, [NotNullWhen(false)] out string? error)
    {
        client = null;
        var subject = identity?.FindFirst(GatewayClaims.Subject)?.Value;
        if (identity is null || string.IsNullOrEmpty(subject))
        {
            error = $"the token has no '{GatewayClaims.Subject}' claim, which names the client";
            return false;
        }

        if (!long.TryParse(identity.FindFirst(GatewayClaims.Expires)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exp))
        {
            error = $"the token has no '{GatewayClaims.Expires}' claim";
            return false;
        }

        client = new ClientIdentity(subject, Grant(identity, GatewayClaims.Subscribe), Grant(identity, GatewayClaims.Publish),
            Grant(identity, GatewayClaims.History), Grant(identity, GatewayClaims.ApiPublish), DateTimeOffset.FromUnixTimeSeconds(exp));
        error = null;
        return true;
    }

    private static ChannelGrant Grant(ClaimsIdentity identity, string type) => ChannelGrant.From(identity.FindAll(type).Select(c => c.Value));
}
