using VibeZ.Redis;

namespace VibeZ.AppHost.Tests.Integration.Tls;

/// <summary>What every node of a started topology must say to a plain-text client, with TLS on and off.</summary>
internal static class NodeTransportChecks
{
    private static readonly TimeSpan PlainTextAnswerWait = TimeSpan.FromSeconds(3);

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
