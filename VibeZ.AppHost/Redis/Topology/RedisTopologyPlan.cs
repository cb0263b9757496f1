namespace Aspire.Hosting.ApplicationModel;

/// <summary>Turns settings into the list of nodes a topology is made of: the one place that names nodes and gives them ports.</summary>
internal static class RedisTopologyPlan
{
    public static IReadOnlyList<RedisNode> Nodes(string topologyName, RedisTopologySettings settings)
    {
        var offset = settings.PortOffset;
        return settings.Topology switch
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
    }
}
