using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.Redis;

namespace VibeZ.AppHost.Tests.Integration;

/// <summary>
/// Checks that both test bases run on their topologies (<see cref="TopologyTests"/>, <see cref="Tls.TlsTopologyTests"/>),
/// written once.
/// </summary>
internal static class TopologyChecks
{
    private static readonly TimeSpan PlainTextAnswerWait = TimeSpan.FromSeconds(3);

    /// <summary>The service answers <c>/health</c> with <c>Healthy</c>, so its Redis connection is up.</summary>
    public static async Task AssertServiceReportsRedisHealthyAsync(TopologyFixture topology, string service)
    {
        using var client = topology.CreateClient(service);

        var health = await TestWait.For(client.GetStringAsync("/health", TestContext.Current.CancellationToken), TestTimeouts.Request, $"{service} to answer /health");

        Assert.True(HealthAnswer.Status(health) == "Healthy", $"{service} answered /health with '{health}'; resources:{topology.States()}");
    }

    /// <summary>
    /// Every node speaks the transport the topology was given and no other: with <c>VibeZ:Redis:Tls=true</c> it does not
    /// answer a plain-text PING (it listens on its TLS port alone), without it it answers PONG. Either way the services'
    /// user is connected to it, so the services reached every node over that transport.
    /// </summary>
    public static async Task AssertEveryNodeSpeaksOnlyItsTransportAsync(TopologyFixture topology)
    {
        var tls = topology.Topology.Tls is not null;
        foreach (var node in topology.Topology.Nodes)
        {
            // The same client and password as the AppHost's checks, without TLS.
            var plainText = new RedisNodeAddress(RedisTopologyResource.HostAddress, node.Port, User: null, topology.Password);
            var (answered, seen) = await RedisNodeClient.PingAsync(plainText, PlainTextAnswerWait, TestContext.Current.CancellationToken);
            Assert.True(tls ? !answered : answered && seen == "PONG", tls
                ? $"{node.Name} answered a plain-text PING on port {node.Port} with '{seen}': with TLS on it must speak TLS only"
                : $"{node.Name} did not answer a plain-text PING on port {node.Port} with PONG (it said '{seen}'), with TLS off");

            var clients = await topology.QueryAsync(node, "CLIENT", "LIST");
            Assert.True(clients.Contains($"user={RedisTopologyCredentials.ServiceUser}", StringComparison.Ordinal),
                $"{node.Name} has no connection of {RedisTopologyCredentials.ServiceUser}; its clients:\n{clients}");
        }
    }
}
