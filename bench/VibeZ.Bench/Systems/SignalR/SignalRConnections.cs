using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace VibeZ.Bench.Systems.SignalR;

/// <summary>Builds hub connections the way the SignalR client documentation does, over WebSockets.</summary>
internal static class SignalRConnections
{
    /// <summary>The hub method and client method names of the peer's <c>BenchHub</c>.</summary>
    public const string Subscribe = "Subscribe";

    public const string Publish = "Publish";

    public const string Message = "message";

    public static async Task<HubConnection> ConnectAsync(Uri hub, CancellationToken cancellationToken)
    {
        // WebSockets without the negotiate round trip: what VibeZ clients do too, and what the docs suggest when every
        // client can use WebSockets.
        var connection = new HubConnectionBuilder()
            .WithUrl(hub, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
            })
            .Build();
        await connection.StartAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Connects to <paramref name="hub"/> and joins <paramref name="channel"/>'s group, calling <paramref name="onMessage"/>
    /// for every message; the connection is closed again if joining fails.
    /// </summary>
    public static async Task<HubConnection> OpenSubscribedAsync(Uri hub, string channel, Action<string> onMessage, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(hub, cancellationToken);
        connection.On(Message, onMessage);
        try
        {
            await connection.InvokeAsync(Subscribe, channel, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
