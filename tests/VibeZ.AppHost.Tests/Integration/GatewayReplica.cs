namespace VibeZ.AppHost.Tests.Integration;

/// <summary>One running Gateway process and the address it listens on itself, behind Aspire's proxy.</summary>
/// <param name="ResourceId">The replica's resource id (<c>gateway-</c> and a suffix), as the dashboard lists it.</param>
/// <param name="Address">Its own http address, from its <c>ASPNETCORE_URLS</c>.</param>
public sealed record GatewayReplica(string ResourceId, Uri Address)
{
    /// <summary>The replica's WebSocket endpoint, <c>/ws</c>.</summary>
    public Uri WebSocket => new UriBuilder(Address) { Scheme = Address.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "/ws" }.Uri;

    /// <summary>A client of this replica alone, never of the proxy.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = Address };

    public override string ToString() => $"{ResourceId} at {Address}";
}
