using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;
using VibeZ.Testing.Processes;

namespace VibeZ.Bench.Systems.SignalR;

/// <summary>The SignalR peer: its app processes on Redis, each channel a group; clients spread over the apps round-robin.</summary>
internal sealed class SignalRSystem(string description, IReadOnlyList<ServiceProcess> apps, IReadOnlyList<MonitoredProcess> redis, int credits) : IBenchSystem
{
    public string Name => "signalr";

    public string Description { get; } = description;

    public IReadOnlyList<MonitoredProcess> Processes { get; } =
        [.. apps.Select((app, i) => new MonitoredProcess($"signalr-{i + 1}", app.ProcessId)), .. redis];

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, DeliveryBoard board, CancellationToken cancellationToken)
    {
        var lastSequences = new long[100];
        return await SignalRConnections.OpenSubscribedAsync(Hub(index), channel,
            payload => board.Deliver(Payload.TryRead(payload.AsSpan(), out var fields), fields, lastSequences), cancellationToken);
    }

    public async Task<IBenchPublisher> ConnectPublisherAsync(int index, IReadOnlyList<string> channels, int messageBytes, CancellationToken cancellationToken) =>
        await SignalRPublisher.ConnectAsync(Hub(index), index, channels, messageBytes, credits, cancellationToken);

    private Uri Hub(int index) => new(apps[index % apps.Count].BaseAddress, "/hub");
}
