using VibeZ.Bench.Load;
using VibeZ.Bench.Systems;
using VibeZ.Bench.Systems.Vibez;
using VibeZ.Testing.Gateway;
using VibeZ.Testing.Redis;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>VibeZ for <c>failover</c>: two Gateways acking <c>Replicated</c> on a sentinel topology of their own; the publisher on the first, subscribers on both.</summary>
internal sealed class VibezFailoverTarget(GatewayTopology topology) : IFailoverTarget
{
    public string Name => BenchTopology.Vibez;

    public string Description =>
        $"2 Gateways, Durability=Replicated, on a sentinel topology (master + {topology.ReplicasPerMaster} replica(s) + 3 sentinels, min-replicas-to-write 1); the Gateways find the master through the sentinels (REDIS_MODE=sentinel){BenchTopology.Where(topology.Containers)}";

    public static async Task<VibezFailoverTarget> StartAsync(int replicas, RedisContainers? containers) =>
        new(await GatewayTopology.StartAsync("sentinel", replicas, containers, BenchTopology.GatewaySettings("Replicated")));

    public Task<string> MasterAddressAsync() => topology.Sentinel!.MasterAddressAsync();

    public void CrashMaster() => topology.Sentinel!.Master.Kill();

    public async Task<IAsyncDisposable> SubscribeAsync(int index, string channel, ArrivalLog log, CancellationToken cancellationToken)
    {
        return await VibezConnection.OpenSubscribedAsync((index % 2 == 0 ? topology.First : topology.Second).WebSocketAddress, channel,
            data => log.Record(Payload.TryRead(data, out var fields), fields), cancellationToken);
    }

    public async Task<IFailoverPublisher> ConnectPublisherAsync(string channel, PublishLedger ledger, CancellationToken stop, CancellationToken cancellationToken) =>
        await VibezFailoverPublisher.ConnectAsync(topology.First.WebSocketAddress, channel, ledger, stop, cancellationToken);

    public ValueTask DisposeAsync() => topology.DisposeAsync();
}
