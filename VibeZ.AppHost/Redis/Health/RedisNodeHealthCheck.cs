using Microsoft.Extensions.Diagnostics.HealthChecks;
using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Healthy when a node is ready for the role it has now (roles change on failover): a master accepts writes, a replica
/// has its link to the master up, a sentinel knows the master and can reach a quorum, a cluster node sees the cluster ok.
/// Degraded, with the reason, when a master refuses writes because no replica is in sync (<c>min-replicas-to-write</c>).
/// </summary>
internal sealed class RedisNodeHealthCheck(RedisTopologyResource topology, RedisNode node) : IHealthCheck
{
    // What a master with min-replicas-to-write answers a write while no replica is in sync.
    private const string NoReplicasError = "NOREPLICAS";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
            await using var client = topology.NodeClient(node, password);
            return node.Role switch
            {
                RedisNodeRole.Sentinel => await CheckSentinelAsync(client, cancellationToken),
                RedisNodeRole.ClusterNode => await CheckClusterNodeAsync(client, cancellationToken),
                _ => await CheckDataNodeAsync(topology, node, client, cancellationToken),
            };
        }
        catch (RedisNodeException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    /// <summary>Checks a master or replica of a single or sentinel topology.</summary>
    public static async Task<HealthCheckResult> CheckDataNodeAsync(RedisTopologyResource topology, RedisNode node, RedisNodeClient client, CancellationToken cancellationToken)
    {
        var replication = await client.InfoAsync("replication", cancellationToken);
        if (replication.Get("role") == "master")
        {
            // A write, not a PING: a master that cannot take writes is not ready to be one.
            try
            {
                await client.QueryAsync(["SET", $"vibez:health:{node.Name}", topology.Name, "PX", "10000"], cancellationToken);
            }
            catch (RedisNodeException ex) when (ex.Message.StartsWith(NoReplicasError, StringComparison.Ordinal))
            {
                return WithoutReplica(topology, replication);
            }

            return HealthCheckResult.Healthy($"master, {replication.Get("connected_slaves")} replica(s) connected");
        }

        var link = replication.Get("master_link_status");
        return link == "up"
            ? HealthCheckResult.Healthy($"replica of {replication.Get("master_host")}:{replication.Get("master_port")}")
            : HealthCheckResult.Unhealthy($"replica whose link to {replication.Get("master_host")}:{replication.Get("master_port")} is '{link}'");
    }

    private async Task<HealthCheckResult> CheckSentinelAsync(RedisNodeClient client, CancellationToken cancellationToken)
    {
        var name = topology.Settings.MasterName;
        var master = await client.SentinelMasterAsync(name, cancellationToken);
        if (master.Length == 0)
        {
            return HealthCheckResult.Unhealthy($"does not know the master '{name}'");
        }

        // CKQUORUM answers with an error when too few sentinels are reachable to authorise a failover.
        var quorum = await client.QueryAsync(["SENTINEL", "CKQUORUM", name], cancellationToken);
        return HealthCheckResult.Healthy($"master {master}; {quorum}");
    }

    /// <summary>
    /// Whether a master refuses writes now for want of a replica in sync: Redis reports how many replicas it counts
    /// (<c>min_slaves_good_slaves</c>) only where <c>min-replicas-to-write</c> is set.
    /// </summary>
    public static bool TakesNoWrites(IReadOnlyDictionary<string, string> replication) =>
        replication.Get("role") == "master" && replication.Get("min_slaves_good_slaves") == "0";

    /// <summary>Says why a master refuses writes, instead of the NOREPLICAS error a write probe gets.</summary>
    public static HealthCheckResult WithoutReplica(RedisTopologyResource topology, IReadOnlyDictionary<string, string> replication) =>
        HealthCheckResult.Degraded(
            $"master without a replica in sync takes no writes (min-replicas-to-write 1, min-replicas-max-lag {topology.Settings.MinReplicasMaxLagSeconds} s): " +
            $"{replication.Get("connected_slaves")} replica(s) connected, none acknowledged within the lag");

    private async Task<HealthCheckResult> CheckClusterNodeAsync(RedisNodeClient client, CancellationToken cancellationToken)
    {
        var info = await client.ClusterInfoAsync(cancellationToken);
        if (info.Get("cluster_state") != "ok")
        {
            return HealthCheckResult.Unhealthy($"cluster_state is '{info.Get("cluster_state")}' ({info.Get("cluster_slots_assigned")} slots assigned)");
        }

        var replication = await client.InfoAsync("replication", cancellationToken);
        return TakesNoWrites(replication)
            ? WithoutReplica(topology, replication)
            : HealthCheckResult.Healthy($"cluster ok, {info.Get("cluster_slots_ok")} slots ok, {info.Get("cluster_known_nodes")} nodes known");
    }
}
