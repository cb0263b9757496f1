using Microsoft.Extensions.Options;
using VibeZ.Gateway.Security;

namespace VibeZ.Gateway.Connections;

/// <summary>Maps the client WebSocket endpoint, <c>/ws</c>.</summary>
internal static class GatewayWebSocketEndpoints
{
    public static IEndpointRouteBuilder MapGatewayWebSockets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws", async (HttpContext context, ChannelHub hub, SystemChannel system, IOptions<GatewayOptions> options, ClientAuthenticator auth,
            OriginPolicy origins, IHostApplicationLifetime lifetime, ILogger<GatewayConnection> logger) =>
        {
            if (!origins.Allows(context.Request))
            {
                return Results.Problem("This page's origin may not open the Gateway's WebSocket (Gateway:AllowedOrigins).", statusCode: StatusCodes.Status403Forbidden,
                    extensions: new Dictionary<string, object?> { ["code"] = GatewayErrorCodes.Forbidden, ["retryable"] = false });
            }

            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Results.Problem("This endpoint speaks WebSocket; see docs/protocol.md.", statusCode: StatusCodes.Status400BadRequest);
            }

            // A bearer token on the upgrade authenticates the socket at once, and a bad one is refused before it opens.
            // Without one (a browser cannot set headers on a WebSocket), the first frame must be a connect frame.
            ClientIdentity? identity = null;
            if (!auth.Enabled || context.Request.Headers.Authorization.Count > 0)
            {
                identity = auth.FromUser(context.User);
                if (identity is null)
                {
                    return Results.Challenge();
                }
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var connection = new GatewayConnection(context.TraceIdentifier, socket, hub, system, options.Value, auth, identity, logger);
            await connection.RunAsync(context.RequestAborted, lifetime.ApplicationStopping);
            return Results.Empty;
        });

        return endpoints;
    }
}
