using VibeZ.Channels.Presence;
using VibeZ.Channels.Storage;
using VibeZ.Gateway.Security.Grants;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Api;

/// <summary>
/// <c>GET /api/channels/{channel}/presence</c>: who is subscribed with presence, across every Gateway. It reads, like
/// history, so it needs the same grant (<c>vibez:hist</c>) and never writes: expired members are skipped, not removed.
/// </summary>
internal static class PresenceApiEndpoints
{
    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder endpoints)
    {
        var presence = endpoints.MapClientApiGroup("/api/channels/{channel}/presence");

        presence.MapGet("/", ReadAsync);
        return endpoints;
    }

    private static async Task<IResult> ReadAsync(string channel, HttpContext context, IPresenceStore store, ClientAuthenticator auth, CancellationToken cancellationToken)
    {
        if (!ChannelName.TryValidate(channel, allowReserved: false, out var channelError))
        {
            return ChannelApiEndpoints.Problem(StatusCodes.Status400BadRequest,
                channel == ChannelName.System ? GatewayErrorCodes.ReservedChannel : GatewayErrorCodes.InvalidChannel, channelError);
        }

        if (!auth.FromUser(context.User)!.History.Allows(channel))
        {
            return ChannelApiEndpoints.Forbidden($"The token does not grant reading presence ({GatewayClaims.History}) of {channel}.");
        }

        try
        {
            // A client subscribed through several connections (or Gateways) is one member, counted once per subscription.
            var members = (await store.ReadAsync(channel, cancellationToken))
                .GroupBy(m => m.Client, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new { client = g.Key, connections = g.Count() });
            return Results.Ok(new { channel, members });
        }
        catch (ChannelStoreException ex)
        {
            return ChannelApiEndpoints.Unavailable(ex);
        }
    }
}
