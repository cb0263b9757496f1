namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Builds <c>REDIS_NAT_MAP</c>: every address a containerised node announces, mapped to the port it publishes on
/// 127.0.0.1. Sentinel topologies announce names, known in advance. Cluster nodes announce the IP the container network
/// gave them (CLUSTER MEET takes only IPs), so the map is read from CLUSTER NODES when a service starts, after the
/// cluster exists. Local processes announce 127.0.0.1 and need no map.
/// </summary>
internal static class RedisNatMap
{
    public static async Task<string> BuildAsync(RedisTopologyResource topology, CancellationToken cancellationToken)
    {
        if (topology.Runtime is not RedisRuntime.Container)
        {
            return "";
        }

        var entries = topology.Nodes.Select(n => Entry($"{topology.AnnouncedHost(n)}:{n.Port}", n.Port)).ToList();
        if (topology.Kind is RedisTopologyKind.Cluster)
        {
            entries.AddRange(await ReadClusterAddressesAsync(topology, cancellationToken));
        }

        return string.Join(',', entries.Distinct());
    }

    private static async Task<IEnumerable<string>> ReadClusterAddressesAsync(RedisTopologyResource topology, CancellationToken cancellationToken)
    {
        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        var ports = topology.Nodes.Select(n => n.Port).ToHashSet();
        var errors = new List<string>();
        foreach (var node in topology.Nodes)
        {
            try
            {
                var nodes = await RedisProbe.QueryAsync(node.Port, password, ["CLUSTER", "NODES"], cancellationToken);
                return ParseClusterNodes(nodes).Where(a => ports.Contains(a.Port)).Select(a => Entry($"{a.Host}:{a.Port}", a.Port));
            }
            catch (RedisProbeException ex)
            {
                errors.Add(ex.Message);
            }
        }

        throw new InvalidOperationException($"No node of {topology.Name} answered CLUSTER NODES, so its NAT map cannot be built: {string.Join("; ", errors)}");
    }

    /// <summary>Reads the announced <c>ip:port</c> of every line of CLUSTER NODES (<c>id ip:port@bus[,hostname] flags …</c>).</summary>
    internal static IEnumerable<(string Host, int Port)> ParseClusterNodes(string clusterNodes)
    {
        foreach (var line in clusterNodes.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var address = line.Split(' ')[1].Split('@')[0];
            var colon = address.LastIndexOf(':');
            if (colon > 0 && int.TryParse(address[(colon + 1)..], out var port))
            {
                yield return (address[..colon], port);
            }
        }
    }

    private static string Entry(string announced, int port) => $"{announced}={RedisTopologyResource.HostAddress}:{port}";
}
