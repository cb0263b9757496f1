namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Turns settings into the list of nodes a topology is made of: the one place that names nodes and gives them ports,
/// and so the one place that checks the ports, naming the settings each comes from.
/// </summary>
internal static class RedisTopologyPlan
{
    private const int HighestPort = 65535;

    /// <summary>Plans the nodes of <paramref name="settings"/>' topology.</summary>
    /// <exception cref="InvalidOperationException">A port is outside 1–65535 or wanted by two nodes.</exception>
    public static IReadOnlyList<RedisNode> Nodes(string topologyName, RedisTopologySettings settings)
    {
        var offset = settings.PortOffset;
        IReadOnlyList<RedisNode> nodes = settings.Topology switch
        {
            RedisTopologyKind.Single =>
            [
                new($"{topologyName}-server", RedisNodeRole.Master, settings.MasterPort + offset),
            ],
            RedisTopologyKind.Sentinel =>
            [
                new($"{topologyName}-master", RedisNodeRole.Master, settings.MasterPort + offset),
                new($"{topologyName}-replica", RedisNodeRole.Replica, settings.ReplicaPort + offset),
                .. Enumerable.Range(0, settings.Sentinels).Select(i =>
                    new RedisNode($"{topologyName}-sentinel-{i + 1}", RedisNodeRole.Sentinel, settings.SentinelPort + offset + i)),
            ],
            RedisTopologyKind.Cluster =>
            [
                .. Enumerable.Range(0, settings.ClusterMasters * (1 + settings.ClusterReplicasPerMaster)).Select(i =>
                    new RedisNode($"{topologyName}-node-{i}", RedisNodeRole.ClusterNode, settings.ClusterPort + offset + i)),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Topology, "Unknown topology."),
        };

        CheckPorts(nodes);
        return nodes;
    }

    private static void CheckPorts(IReadOnlyList<RedisNode> nodes)
    {
        // Every port a node binds, its cluster bus port included, with the setting it comes from.
        var errors = new List<string>();
        var taken = new Dictionary<int, string>();
        foreach (var node in nodes)
        {
            var setting = PortSetting(node.Role);
            Claim(node.Port, $"{node.Name} ({setting} + {Key(nameof(RedisTopologySettings.PortOffset))})");
            if (node.BusPort is { } busPort)
            {
                Claim(busPort, $"the cluster bus of {node.Name} ({setting} + {RedisTopologyDefaults.ClusterBusPortOffset} + {Key(nameof(RedisTopologySettings.PortOffset))})");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The Redis topology is misconfigured: " + string.Join(" ", errors));
        }

        void Claim(int port, string owner)
        {
            if (port is < 1 or > HighestPort)
            {
                errors.Add($"The port of {owner} would be {port}, outside 1–{HighestPort}.");
            }
            else if (!taken.TryAdd(port, owner))
            {
                errors.Add($"Port {port} is wanted by both {taken[port]} and {owner}.");
            }
        }
    }

    private static string PortSetting(RedisNodeRole role) => role switch
    {
        RedisNodeRole.Master => Key(nameof(RedisTopologySettings.MasterPort)),
        RedisNodeRole.Replica => Key(nameof(RedisTopologySettings.ReplicaPort)),
        RedisNodeRole.Sentinel => Key(nameof(RedisTopologySettings.SentinelPort)),
        _ => Key(nameof(RedisTopologySettings.ClusterPort)),
    };

    private static string Key(string name) => RedisTopologySettings.Key(name);
}
