using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The <see cref="RedisContract"/> settings (<c>REDIS_*</c>, docs/configuration.md, Services) as a topology hands them to services.</summary>
public static class RedisServiceSettings
{
    /// <summary>The settings that name nodes; the user, its password and the NAT map are added beside them.</summary>
    /// <param name="topology">The topology.</param>
    public static IEnumerable<KeyValuePair<string, string>> For(RedisTopologyResource topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        yield return new(RedisContract.Mode, topology.Kind.ToString().ToLowerInvariant());
        switch (topology.Kind)
        {
            case RedisTopologyKind.Single:
                yield return new(RedisContract.Url, $"{(topology.Tls is null ? "redis" : "rediss")}://{RedisTopologyResource.HostAddress}:{topology.Master.Port}");
                break;
            case RedisTopologyKind.Sentinel:
                yield return new(RedisContract.Sentinels, HostPorts(topology, RedisNodeRole.Sentinel));
                yield return new(RedisContract.SentinelName, topology.Settings.MasterName);
                break;
            case RedisTopologyKind.Cluster:
                // The seeds are the addresses nodes announce (dialed through the NAT map), so the client knows each node
                // under one address instead of a seed address and an announced one.
                yield return new(RedisContract.ClusterNodes, string.Join(',', topology.Nodes.Select(n => $"{topology.AnnouncedHost(n)}:{n.Port}")));
                break;
        }
    }

    /// <summary>
    /// <see cref="RedisContract.NatMap"/>: every address a containerised node announces (its name, or a cluster node's
    /// fixed address on the topology's network), mapped to the port it publishes on 127.0.0.1. Local processes announce
    /// 127.0.0.1 and need no map, so this is empty for them.
    /// </summary>
    /// <param name="topology">The topology.</param>
    public static string NatMap(RedisTopologyResource topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return topology.Runtime is RedisRuntime.Container
            ? string.Join(RedisContract.NatMapEntrySeparator, topology.Nodes.Select(n =>
                RedisContract.NatMapEntry($"{topology.AnnouncedHost(n)}:{n.Port}", $"{RedisTopologyResource.HostAddress}:{n.Port}")))
            : "";
    }

    private static string HostPorts(RedisTopologyResource topology, RedisNodeRole role) =>
        string.Join(',', topology.Nodes.Where(n => n.Role == role).Select(n => $"{RedisTopologyResource.HostAddress}:{n.Port}"));
}
