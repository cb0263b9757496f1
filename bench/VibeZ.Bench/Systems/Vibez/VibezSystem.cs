using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;
using VibeZ.Testing.Gateway;

namespace VibeZ.Bench.Systems.Vibez;

/// <summary>VibeZ: Gateway processes on a Redis topology; clients spread over the Gateways round-robin.</summary>
internal sealed class VibezSystem(string name, string description, IReadOnlyList<GatewayProcess> gateways, IReadOnlyList<MonitoredProcess> redis, int credits)
    : IBenchSystem
{
    public string Name { get; } = name;

    public string Description { get; } = description;

    public IReadOnlyList<MonitoredProcess> Processes { get; } =
        [.. gateways.Select((gateway, i) => new MonitoredProcess($"gateway-{i + 1}", gateway.ProcessId)), .. redis];

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, DeliveryBoard board, CancellationToken cancellationToken)
    {
        var lastSequences = new long[100];
        return await VibezConnection.OpenSubscribedAsync(gateways[index % gateways.Count].WebSocketAddress, channel,
            data => board.Deliver(Payload.TryRead(data, out var fields), fields, lastSequences), cancellationToken);
    }

    public async Task<IBenchPublisher> ConnectPublisherAsync(int index, IReadOnlyList<string> channels, int messageBytes, CancellationToken cancellationToken) =>
        await VibezPublisher.ConnectAsync(gateways[index % gateways.Count].WebSocketAddress, index, channels, messageBytes, credits, cancellationToken);
}
