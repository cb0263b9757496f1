using System.Net;
using StackExchange.Redis;

namespace VibeZ.Redis.Cluster;

/// <summary>
/// Cluster seeds given by name (<c>localhost:7000</c>), put as the address each node announces (<c>127.0.0.1:7000</c>).
/// </summary>
/// <remarks>
/// StackExchange.Redis keeps every seed as an endpoint of its own next to the nodes the cluster names, so a seed given
/// by name is one node known under two names: both dialed, both retried when it dies, and the seed, which the cluster
/// never names, is what the client re-reads the cluster through. The seed does not resolve to one address to compare
/// with (<c>localhost</c> is <c>::1</c> and <c>127.0.0.1</c>), but the node says which one is itself.
/// </remarks>
internal static class RedisClusterSeeds
{
    /// <summary>
    /// The seeds with each one given by name replaced by the address its node announces; null when no seed is a name
    /// that answered. A seed that did not answer stays as given.
    /// </summary>
    public static IReadOnlyList<EndPoint>? ByAnnouncedAddress(IConnectionMultiplexer multiplexer, IEnumerable<EndPoint> seeds)
    {
        var replaced = false;
        var result = new List<EndPoint>();
        foreach (var seed in seeds)
        {
            var self = seed is DnsEndPoint && multiplexer.GetServer(seed) is { IsConnected: true, ClusterConfiguration: { } view }
                ? view.Nodes.FirstOrDefault(node => node.IsMyself)?.EndPoint
                : null;
            replaced |= self is not null;
            if (!result.Contains(self ?? seed))
            {
                result.Add(self ?? seed);
            }
        }

        return replaced ? result : null;
    }
}
