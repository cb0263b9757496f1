using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;
using VibeZ.Testing.Processes;

namespace VibeZ.Bench.Systems.WebSocketFloor;

/// <summary>
/// The floor under any WebSocket server on ASP.NET Core (<c>bench/VibeZ.Bench.WebSocketFloor</c>): one process, no
/// Redis, a channel table in memory. Only for <c>connections</c>: with no Redis between them, two such processes could
/// not route a message from one to the other.
/// </summary>
internal sealed class FloorSystem(ServiceProcess app) : IBenchSystem
{
    public string Name => BenchTopology.WebSocketFloor;

    public string Description => "1 ASP.NET Core app: WebSockets as the Gateway sets them up, a channel table in memory, no Redis";

    public IReadOnlyList<MonitoredProcess> Processes { get; } = [new("websocket-floor-1", app.ProcessId)];

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, DeliveryBoard board, CancellationToken cancellationToken)
    {
        var lastSequences = new long[100];
        return await FloorConnection.OpenAsync(Address(channel),
            data => board.Deliver(Payload.TryRead(data, out var fields), fields, lastSequences), cancellationToken);
    }

    public async Task<IBenchPublisher> ConnectPublisherAsync(int index, IReadOnlyList<string> channels, int messageBytes, CancellationToken cancellationToken) =>
        new FloorPublisher(await FloorConnection.OpenAsync(Address(null), null, cancellationToken), index, channels, messageBytes);

    private Uri Address(string? channel)
    {
        var address = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = "/ws" };
        if (channel is not null)
        {
            address.Query = "channel=" + Uri.EscapeDataString(channel);
        }

        return address.Uri;
    }
}
