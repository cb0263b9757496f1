namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Builds <c>REDIS_NAT_MAP</c>: every address a containerised node announces (its name, or a cluster node's fixed
/// address on the topology's network), mapped to the port it publishes on 127.0.0.1. Local processes announce
/// 127.0.0.1 and need no map.
/// </summary>
internal static class RedisNatMap
{
    public static string Build(RedisTopologyResource topology) => topology.Runtime is RedisRuntime.Container
        ? string.Join(',', topology.Nodes.Select(n => $"{topology.AnnouncedHost(n)}:{n.Port}={RedisTopologyResource.HostAddress}:{n.Port}"))
        : "";
}
