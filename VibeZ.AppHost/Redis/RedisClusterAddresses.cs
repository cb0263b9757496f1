namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Reads the addresses cluster nodes announce. In containers these are the IPs the container network gave them
/// (CLUSTER MEET takes only IPs), known only once the cluster exists, so they are read when a service starts.
/// </summary>
internal static class RedisClusterAddresses
{
    /// <summary>Returns each node's announced <c>host:port</c>, or <see langword="null"/> where nodes announce 127.0.0.1.</summary>
    public static async Task<IReadOnlyList<string>?> ReadAnnouncedAsync(RedisTopologyResource topology, CancellationToken cancellationToken)
    {
        if (topology.Kind is not RedisTopologyKind.Cluster || topology.Runtime is not RedisRuntime.Container)
        {
            return null;
        }

        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        var ports = topology.Nodes.Select(n => n.Port).ToHashSet();
        var errors = new List<string>();
        foreach (var node in topology.Nodes)
        {
            try
            {
                var nodes = await RedisProbe.QueryAsync(node.Port, password, ["CLUSTER", "NODES"], cancellationToken);
                return [.. Parse(nodes).Where(a => ports.Contains(a.Port)).Select(a => $"{a.Host}:{a.Port}").Order(StringComparer.Ordinal)];
            }
            catch (RedisProbeException ex)
            {
                errors.Add(ex.Message);
            }
        }

        throw new InvalidOperationException($"No node of {topology.Name} answered CLUSTER NODES, so its announced addresses cannot be read: {string.Join("; ", errors)}");
    }

    /// <summary>Reads the announced <c>ip:port</c> of every line of CLUSTER NODES (<c>id ip:port@bus[,hostname] flags …</c>).</summary>
    internal static IEnumerable<(string Host, int Port)> Parse(string clusterNodes)
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
}
