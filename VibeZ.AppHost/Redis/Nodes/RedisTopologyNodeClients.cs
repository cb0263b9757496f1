using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>How the AppHost reaches one node of a topology: its published port on 127.0.0.1, TLS checked against the topology's own CA.</summary>
internal static class RedisTopologyNodeClients
{
    /// <summary>The address of the node on <paramref name="port"/>, logged in as <paramref name="user"/> (the <c>default</c> user when null).</summary>
    public static RedisNodeAddress NodeAddress(this RedisTopologyResource topology, int port, string password, string? user = null) =>
        new(RedisTopologyResource.HostAddress, port, user, password, topology.Tls is { } tls ? tls.ValidateServer : null);

    /// <summary>A client for one check of <paramref name="node"/>; dispose it when the check is done.</summary>
    public static RedisNodeClient NodeClient(this RedisTopologyResource topology, RedisNode node, string password) =>
        new(topology.NodeAddress(node.Port, password));
}
