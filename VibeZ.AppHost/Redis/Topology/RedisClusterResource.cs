namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A sharded Redis Cluster of <see cref="Masters"/> masters with <see cref="ReplicasPerMaster"/> replicas each, nodes
/// <c>{name}-node-0</c> and on, created by the <c>{name}-cluster-create</c> step: services get <c>REDIS_MODE=cluster</c>
/// and <c>REDIS_CLUSTER_NODES</c>.
/// </summary>
public sealed class RedisClusterResource(
    string name, RedisTopologySettings settings, RedisRuntime runtime, RedisTopologyCredentials credentials, string? containerRuntime = null, bool debugCommands = false)
    : RedisTopologyResource(name, RedisTopologyKind.Cluster, settings, runtime, credentials, containerRuntime, debugCommands)
{
    /// <summary>Gets the number of masters; Redis Cluster needs at least three.</summary>
    public int Masters => Settings.ClusterMasters;

    /// <summary>Gets the number of replicas of each master.</summary>
    public int ReplicasPerMaster => Settings.ClusterReplicasPerMaster;
}
