using Microsoft.Extensions.Diagnostics.HealthChecks;
using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Healthy when the topology as a whole serves clients and can survive a failure: the single server takes writes; the
/// sentinels agree on one master that takes writes and has a replica in sync, and each of them knows that replica;
/// every cluster node sees all 16384 slots served and every replica is in sync. Degraded when it serves clients
/// without that redundancy (a replica still syncing or not yet known to the sentinels, a node down, a cluster master
/// refusing writes for want of a replica), so services wait at start for a topology that can fail over, and are not
/// held up later. A sentinel master that refuses writes for want of a replica (<c>min-replicas-to-write</c>) leaves
/// the topology unhealthy: it takes no writes at all.
/// </summary>
internal sealed class RedisTopologyHealthCheck(RedisTopologyResource topology) : IHealthCheck
{
    private const int ClusterSlots = 16384;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
            return topology.Kind switch
            {
                RedisTopologyKind.Sentinel => await CheckSentinelAsync(password, cancellationToken),
                RedisTopologyKind.Cluster => await CheckClusterAsync(password, cancellationToken),
                _ => await CheckSingleAsync(password, cancellationToken),
            };
        }
        catch (RedisNodeException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    private async Task<HealthCheckResult> CheckSingleAsync(string password, CancellationToken cancellationToken)
    {
        await using var client = topology.NodeClient(topology.Master, password);
        return await RedisNodeHealthCheck.CheckDataNodeAsync(topology, topology.Master, client, cancellationToken);
    }

    private async Task<HealthCheckResult> CheckSentinelAsync(string password, CancellationToken cancellationToken)
    {
        var sentinels = topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel).ToList();
        var answers = new List<string>();
        var knowNoReplica = new List<string>();
        foreach (var sentinel in sentinels)
        {
            try
            {
                await using var client = topology.NodeClient(sentinel, password);
                answers.Add(await client.SentinelMasterAsync(topology.Settings.MasterName, cancellationToken));
                if (await client.SentinelReplicasInSyncAsync(topology.Settings.MasterName, cancellationToken) == 0)
                {
                    knowNoReplica.Add(sentinel.Name);
                }
            }
            catch (RedisNodeException)
            {
                // A sentinel that does not answer counts against the quorum below.
            }
        }

        var distinct = answers.Distinct().ToList();
        if (answers.Count < topology.Settings.Quorum || distinct.Count != 1 || distinct[0].Length == 0)
        {
            return HealthCheckResult.Unhealthy($"{answers.Count} of {sentinels.Count} sentinels answered (quorum {topology.Settings.Quorum}), naming [{string.Join(", ", distinct)}] as master");
        }

        var port = int.Parse(distinct[0][(distinct[0].LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var master = topology.Nodes.FirstOrDefault(n => n.Port == port && n.IsDataNode);
        if (master is null)
        {
            return HealthCheckResult.Unhealthy($"the sentinels name {distinct[0]} as master, which is not a node of {topology.Name}");
        }

        await using var masterClient = topology.NodeClient(master, password);
        var check = await RedisNodeHealthCheck.CheckDataNodeAsync(topology, master, masterClient, cancellationToken);
        var replication = await masterClient.InfoAsync("replication", cancellationToken);
        var description = $"master {master.Name} ({distinct[0]}) agreed by {answers.Count}/{sentinels.Count} sentinels; {check.Description}";
        if (check.Status is not HealthStatus.Healthy || replication.Get("role") != "master")
        {
            return HealthCheckResult.Unhealthy(description);
        }

        // A replica counts once it has synchronised ("state=online"), not merely connected: only then can it take over.
        var online = replication.Count(field => field.Key.StartsWith("slave", StringComparison.Ordinal) && field.Value.Contains("state=online", StringComparison.Ordinal));
        if (online == 0)
        {
            return HealthCheckResult.Degraded(description + "; no replica is in sync, a further failure loses the data");
        }

        // The sentinels see a new replica up to 10 s after the master does (they read its INFO every 10 s). Until then a
        // failover has nothing to promote, and the services, which follow the sentinels, keep off the replica.
        return knowNoReplica.Count > 0
            ? HealthCheckResult.Degraded($"{description}; {online} replica(s) in sync, but {string.Join(", ", knowNoReplica)} know(s) no replica in sync yet")
            : HealthCheckResult.Healthy($"{description}; {online} replica(s) in sync, known to every sentinel that answered");
    }

    private async Task<HealthCheckResult> CheckClusterAsync(string password, CancellationToken cancellationToken)
    {
        var down = new List<string>();
        var states = new List<string>();
        var slotsOk = 0;
        var replicasInSync = 0;
        var withoutReplica = new List<string>();
        foreach (var node in topology.Nodes)
        {
            try
            {
                await using var client = topology.NodeClient(node, password);
                var info = await client.ClusterInfoAsync(cancellationToken);
                states.Add(info.Get("cluster_state"));
                slotsOk = Math.Max(slotsOk, int.TryParse(info.Get("cluster_slots_ok"), out var ok) ? ok : 0);

                // A replica can take over only once it has synchronised with its master.
                var replication = await client.InfoAsync("replication", cancellationToken);
                replicasInSync += replication.Get("role") == "slave" && replication.Get("master_link_status") == "up" ? 1 : 0;
                if (RedisNodeHealthCheck.TakesNoWrites(replication))
                {
                    withoutReplica.Add(node.Name);
                }
            }
            catch (RedisNodeException)
            {
                down.Add(node.Name);
            }
        }

        if (states.Count == 0 || states.Any(s => s != "ok") || slotsOk != ClusterSlots)
        {
            return HealthCheckResult.Unhealthy($"cluster states [{string.Join(", ", states)}], {slotsOk} of {ClusterSlots} slots ok, not answering: [{string.Join(", ", down)}]");
        }

        var replicas = topology.Settings.ClusterMasters * topology.Settings.ClusterReplicasPerMaster;
        var description = $"cluster ok on {states.Count} nodes, all {ClusterSlots} slots served, {replicasInSync} of {replicas} replicas in sync";
        if (down.Count > 0)
        {
            description += $"; not answering: {string.Join(", ", down)}";
        }

        if (withoutReplica.Count > 0)
        {
            description += $"; masters without a replica in sync take no writes (min-replicas-to-write): {string.Join(", ", withoutReplica)}";
        }

        return down.Count > 0 || replicasInSync < replicas || withoutReplica.Count > 0
            ? HealthCheckResult.Degraded(description)
            : HealthCheckResult.Healthy(description);
    }
}
