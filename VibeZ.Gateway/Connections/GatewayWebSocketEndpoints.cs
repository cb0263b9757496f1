using VibeZ.Gateway.Channels;

namespace VibeZ.Gateway.Connections;

/// <summary>Maps the client WebSocket endpoint, <c>/ws</c>.</summary>
internal static class GatewayWebSocketEndpoints
{
    public static IEndpointRouteBuilder MapGatewayWebSockets(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/ws", async (HttpContext context, ChannelHub hub, SystemChannel system, Microsoft.Extensions.Options.IOptions<GatewayOptions> options, IHostApplicationLifetime lifetime, ILogger<GatewayConnection> logger) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                return Results.Problem("This endpoint speaks WebSocket; see docs/protocol.md.", statusCode: StatusCodes.Status400BadRequest);
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var connection = new GatewayConnection(context.TraceIdentifier, socket, hub, system, options.Value, logger);
            await connection.RunAsync(context.RequestAborted, lifetime.ApplicationStopping);
            return Results.Empty;
        });

        return endpoints;
    }
}
