using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;
using StackExchange.Redis.Configuration;

namespace VibeZ.Redis;

internal sealed partial class RedisNodeClient
{
    /// <summary>
    /// Lets the multiplexer open a socket to one endpoint only. It learns others from the node (a cluster node's
    /// <c>CLUSTER NODES</c>, read by <see cref="ClusterNodesAsync"/>) and would dial them at once, at addresses the
    /// host may not reach; for those no socket is made and the dial is refused on the spot.
    /// </summary>
    private sealed class OnlyThisNode(EndPoint node) : Tunnel
    {
        public override ValueTask<EndPoint?> GetSocketConnectEndpointAsync(EndPoint endpoint, CancellationToken cancellationToken) =>
            new(endpoint.Equals(node) ? endpoint : null);

        // StackExchange.Redis 2.13 records a failure thrown here as a failed connection; thrown while asking for the
        // socket endpoint above, it would escape its connect and leave the dial waiting for the connect timeout.
        public override ValueTask<Stream?> BeforeAuthenticateAsync(EndPoint endpoint, ConnectionType connectionType, Socket? socket, CancellationToken cancellationToken) =>
            endpoint.Equals(node)
                ? default
                : throw new InvalidOperationException($"A node client talks only to {node}; it does not follow the node to {endpoint}.");
    }
}
