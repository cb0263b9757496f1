using VibeZ.Bench.Load;
using VibeZ.Bench.Measure;

namespace VibeZ.Bench.Systems;

/// <summary>One of the systems measured side by side: VibeZ, the SignalR peer, or raw Redis pub/sub.</summary>
internal interface IBenchSystem
{
    /// <summary>Gets the name used in summary.json (<c>vibez</c>, <c>vibez-leader</c>, <c>signalr</c>, <c>redis</c>).</summary>
    string Name { get; }

    /// <summary>Gets a line saying what runs: topology, processes, settings.</summary>
    string Description { get; }

    /// <summary>Gets the server processes whose CPU and memory are reported, by role.</summary>
    IReadOnlyList<MonitoredProcess> Processes { get; }

    /// <summary>Connects subscriber <paramref name="index"/> and subscribes it to <paramref name="channel"/>; returns once the system confirmed.</summary>
    Task<IAsyncDisposable> SubscribeAsync(int index, string channel, DeliveryBoard board, CancellationToken cancellationToken);

    /// <summary>
    /// Connects publisher <paramref name="index"/>, which publishes to <paramref name="channels"/> in turn: message
    /// <c>sequence</c> goes to <c>channels[sequence % channels.Count]</c>.
    /// </summary>
    Task<IBenchPublisher> ConnectPublisherAsync(int index, IReadOnlyList<string> channels, int messageBytes, CancellationToken cancellationToken);
}
