namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Builds <c>REDIS_NAT_MAP</c>: every address a containerised node announces, mapped to the port it publishes on
/// 127.0.0.1. Sentinel topologies announce names, known in advance; cluster nodes announce IPs, read when a service
/// starts (<see cref="RedisClusterAddresses"/>). Local processes announce 127.0.0.1 and need no map.
/// </summary>
internal static class RedisNatMap
{
    public static string Build(RedisTopologyResource topology, IReadOnlyList<string>? announcedClusterAddresses)
    {
        if (topology.Runtime is not RedisRuntime.Container)
        {
            return "";
        }

        var announced = topology.Nodes.Select(n => $"{topology.AnnouncedHost(n)}:{n.Port}").Concat(announcedClusterAddresses ?? []);
        return string.Join(',', announced.Distinct().Select(a => $"{a}={RedisTopologyResource.HostAddress}:{a[(a.LastIndexOf(':') + 1)..]}"));
    }
}
