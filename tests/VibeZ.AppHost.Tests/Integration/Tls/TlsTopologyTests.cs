using System.Text.Json.Nodes;
using VibeZ.AppHost.Tests.Infrastructure;

namespace VibeZ.AppHost.Tests.Integration.Tls;

/// <summary>
/// <c>VibeZ:Redis:Tls=true</c>, on local processes and in containers: the services reach Redis over TLS only, in every
/// mode. In containers replicas, sentinels and cluster peers dial each other by container name or fixed address, and
/// services dial the names nodes announce through the NAT map, so the certificate is checked against each. A few tests
/// per mode, not the whole topology suite again: what TLS changes is how every link is opened, and these show each
/// kind of link working (the AppHost's checks, replication and sentinels, the cluster bus, the services) and the
/// plain-text port closed.
/// </summary>
/// <remarks>
/// Every mode runs over TLS as processes, and sentinel and cluster also in containers, on a topology another class
/// starts anyway: the single server here (<see cref="SingleTlsTopologyTests"/>); sentinel and cluster under the fault
/// commands (<see cref="Faults.FaultCommandTests"/>), and in containers as the topologies of
/// <see cref="Sentinel.SentinelContainerTopologyTests"/> and <see cref="Cluster.ClusterContainerTopologyTests"/>, whose
/// whole suite runs over TLS. The single server's containers run without it (<see cref="Single.SingleContainerTopologyTests"/>):
/// TLS in containers is the same mount and certificate for every mode. Each topology started costs the run 40–100 s.
/// </remarks>
public abstract class TlsTopologyTests(TopologyFixture topology)
{
    protected TopologyFixture Topology { get; } = topology;

    [Theory]
    [InlineData("gateway")]
    [InlineData("worker")]
    public Task TheServicesReportRedisHealthyOverTls(string service) => TopologyChecks.AssertServiceReportsRedisHealthyAsync(Topology, service);

    [Fact]
    public async Task AMessagePublishedOverAWebSocketOnOneGatewayReachesASubscriberOnTheOther()
    {
        var replicas = await Topology.GatewayReplicasAsync();
        Assert.True(replicas.Count >= 2, $"the Gateway runs {replicas.Count} replica(s); this test needs two");
        var (subscriberReplica, publisherReplica) = (replicas[0], replicas[1]);
        var channel = $"tls-{Topology.Kind}-{Guid.NewGuid():N}".ToLowerInvariant();

        await using var subscriber = await GatewayClient.ConnectAsync(subscriberReplica.WebSocket, $"the subscriber on {subscriberReplica.ResourceId}", Topology.GatewayToken(), timeout: TestTimeouts.Request);
        await subscriber.SubscribeAsync(channel);

        await using var publisher = await GatewayClient.ConnectAsync(publisherReplica.WebSocket, $"the publisher on {publisherReplica.ResourceId}", Topology.GatewayToken(), timeout: TestTimeouts.Request);
        await publisher.SendAsync(new { type = "publish", channel, data = new { text = "over tls" }, id = "tls-1" });
        var ack = await publisher.WaitForAsync(frame => (string?)frame["id"] == "tls-1", "the answer to publish tls-1", TestTimeouts.Request);
        Assert.True(Is(ack, "ack", channel), $"publish tls-1 was answered with {ack.ToJsonString()}");

        var message = await subscriber.WaitForAsync(frame => Is(frame, "message", channel), $"the message published on {publisherReplica.ResourceId} to {channel}", TestTimeouts.Request);
        Assert.Equal("over tls", (string?)message["data"]?["text"]);
    }

    [Fact]
    public Task EveryNodeRefusesPlainTextAndServesTheServicesUserOverTls() => TopologyChecks.AssertEveryNodeSpeaksOnlyItsTransportAsync(Topology);

    private static bool Is(JsonObject frame, string type, string channel) => GatewayClient.Is(frame, type) && (string?)frame["channel"] == channel;
}
