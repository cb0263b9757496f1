using Microsoft.Extensions.Options;
using VibeZ.Channels.Delivery;
using VibeZ.Gateway.Presence;
using VibeZ.Gateway.Security;
using VibeZ.Gateway.Security.Browser;
using VibeZ.Gateway.Security.Grants;
using VibeZ.Gateway.Security.Tokens;

namespace VibeZ.Gateway.Connections;

/// <summary>Maps the client WebSocket endpoint, <c>/ws</c>.</summary>
internal static class GatewayWebSocketEndpoints
{
    public static IEndpointRouteBuilder MapGatewayWebSockets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws", async (HttpContext context, ChannelHub hub, SystemChannel system, ChannelPresence presence, IOptions<GatewayOptions> options, ClientAuthenticator auth,
            OriginPolicy origins, ConnectionLimiter limiter, IHostApplicationLifetime lifetime, ILogger<GatewayConnection> logger) =>
        {
            if (!origins.Allows(context.Request))
            {
                return Results.Problem("This page's origin may not open the Gateway's WebSocket (Gateway:AllowedOrigins).", statusCode: StatusCodes.Status403Forbidden,
                    extensions: new Dictionary<string, object?> { ["code"] = GatewayErrorCodes.Forbidden, ["retryable"] = false });
            }

            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Results.Problem("This endpoint speaks WebSocket; see docs/gateway/protocol.md.", statusCode: StatusCodes.Status400BadRequest);
            }

            // A bearer token on the upgrade authenticates the socket at once, and a bad one is refused before it opens.
            // Without one (a browser cannot set headers on a WebSocket), the first frame must be a connect frame.
            // The token is validated here, not by the authentication middleware, so that only its grants stay for the
            // socket's life (ValidatesItsOwnToken).
            ClientIdentity? identity = null;
            if (!auth.Enabled)
            {
                identity = ClientIdentity.Anonymous;
            }
            else if (context.Request.Headers.Authorization.Count > 0)
            {
                (identity, var error) = await auth.ValidateBearerAsync(context.Request.Headers.Authorization.ToString(), context.RequestAborted);
                if (identity is null)
                {
                    GatewayAuthLog.TokenRefused(logger, context.TraceIdentifier, error);
                    return Results.Challenge();
                }
            }

            if (limiter.TryAcquire(context.Connection.RemoteIpAddress, out var lease) is { } refusal)
            {
                return refusal == ConnectionRefusal.TooManyFromAddress
                    ? Refuse(StatusCodes.Status429TooManyRequests, GatewayErrorCodes.TooManyConnections,
                        $"This address holds {options.Value.MaxConnectionsPerIp} connections to the Gateway already (Gateway:MaxConnectionsPerIp); close one first.")
                    : Refuse(StatusCodes.Status503ServiceUnavailable, GatewayErrorCodes.GatewayFull,
                        $"The Gateway holds {options.Value.MaxConnections} connections already (Gateway:MaxConnections); try another replica or later.");
            }

            using var held = lease;
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var connection = new GatewayConnection(context.TraceIdentifier, socket, hub, system, presence, options.Value, auth, identity, context.Abort, logger);
            await connection.RunAsync(context.RequestAborted, lifetime.ApplicationStopping);
            return Results.Empty;
        }).WithMetadata(ValidatesItsOwnToken.Instance);

        return endpoints;
    }

    private static IResult Refuse(int status, string code, string detail) =>
        Results.Problem(detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code, ["retryable"] = true });
}
