using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;
using VibeZ.Redis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The Force failover command: a replica takes over while the old master is still up, the way an operator moves a
/// master for maintenance. It waits until the topology names the new master, so success means the failover happened.
/// </summary>
internal static class RedisForcedFailover
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static async Task<ExecuteCommandResult> RunAsync(RedisTopologyResource topology, CancellationToken cancellationToken)
    {
        var password = await topology.PasswordParameter.GetValueAsync(cancellationToken) ?? "";
        return topology.Kind is RedisTopologyKind.Sentinel
            ? await SentinelAsync(topology, password, cancellationToken)
            : await ClusterAsync(topology, password, cancellationToken);
    }

    /// <summary><c>SENTINEL FAILOVER</c> on the first sentinel that answers; done when that sentinel names another master.</summary>
    private static async Task<ExecuteCommandResult> SentinelAsync(RedisTopologyResource topology, string password, CancellationToken cancellationToken)
    {
        var name = topology.Settings.MasterName;
        var unreachable = new List<string>();
        foreach (var sentinel in topology.Nodes.Where(n => n.Role is RedisNodeRole.Sentinel))
        {
            RedisNode oldMaster;
            try
            {
                oldMaster = await MasterNamedByAsync(topology, sentinel, password, cancellationToken);
                await using var client = topology.NodeClient(sentinel, password);
                await client.SentinelFailoverAsync(name, cancellationToken);
            }
            catch (RedisNodeException ex) when (ex.IsErrorReply)
            {
                // NOGOODSLAVE (no replica in sync to promote) or INPROG (a failover is already running) say it all.
                return CommandResults.Failure($"{sentinel.Name} refused SENTINEL FAILOVER {name}: {ex.Message}");
            }
            catch (RedisNodeException ex)
            {
                unreachable.Add(ex.Message);
                continue;
            }

            var clock = Stopwatch.StartNew();
            var deadline = TimeSpan.FromMilliseconds(topology.Settings.FailoverTimeoutMilliseconds);
            while (clock.Elapsed < deadline)
            {
                await Task.Delay(PollInterval, cancellationToken);
                var master = await MasterNamedByAsync(topology, sentinel, password, cancellationToken);
                if (master != oldMaster)
                {
                    return CommandResults.Success(
                        $"{sentinel.Name} failed {name} over from {oldMaster.Name} to {master.Name} in {clock.ElapsedMilliseconds} ms (SENTINEL FAILOVER); {oldMaster.Name} becomes its replica.");
                }
            }

            return CommandResults.Failure(
                $"{sentinel.Name} accepted SENTINEL FAILOVER {name} but still names {oldMaster.Name} after {deadline.TotalSeconds:0} s (its failover-timeout); see the sentinels' console.");
        }

        return CommandResults.Failure($"No sentinel answered: {string.Join("; ", unreachable)}");
    }

    /// <summary>
    /// <c>CLUSTER FAILOVER</c> on a replica in sync of the first master (in port order) that has one; done when the
    /// replica reports itself master.
    /// </summary>
    private static async Task<ExecuteCommandResult> ClusterAsync(RedisTopologyResource topology, string password, CancellationToken cancellationToken)
    {
        var nodes = await ClusterNodesAsync(topology, password, cancellationToken);
        var candidates =
            from master in nodes.Where(n => !n.IsReplica && !n.IsFailing() && n.Slots.Count > 0).OrderBy(n => n.Port())
            from replica in nodes.Where(n => n.ParentNodeId == master.NodeId && n.IsConnected && !n.IsFailing()).OrderBy(n => n.Port())
            select (Master: NodeAt(topology, master.Port()), Replica: NodeAt(topology, replica.Port()), master.Slots);
        var (oldMaster, replicaNode, slots) = candidates.FirstOrDefault();
        if (oldMaster is null || replicaNode is null)
        {
            return CommandResults.Failure("No master of the cluster has a connected replica to take over from it.");
        }

        await using (var replica = topology.NodeClient(replicaNode, password))
        {
            var replication = await replica.InfoAsync("replication", cancellationToken);
            if (replication.Get("master_link_status") != "up")
            {
                return CommandResults.Failure($"{replicaNode.Name}, the replica of {oldMaster.Name}, is not in sync (master_link_status '{replication.Get("master_link_status")}'); try again once it is.");
            }

            try
            {
                await replica.QueryAsync(["CLUSTER", "FAILOVER"], cancellationToken);
            }
            catch (RedisNodeException ex) when (ex.IsErrorReply)
            {
                return CommandResults.Failure($"{replicaNode.Name} refused CLUSTER FAILOVER: {ex.Message}");
            }
        }

        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromMilliseconds(topology.Settings.ClusterNodeTimeoutMilliseconds * 2L);
        while (clock.Elapsed < deadline)
        {
            await Task.Delay(PollInterval, cancellationToken);
            await using var replica = topology.NodeClient(replicaNode, password);
            var myself = (await replica.ClusterNodesAsync(cancellationToken)).Nodes.Single(n => n.IsMyself);
            if (!myself.IsReplica)
            {
                return CommandResults.Success(
                    $"{replicaNode.Name} took over slots {string.Join(' ', slots)} from {oldMaster.Name} in {clock.ElapsedMilliseconds} ms (CLUSTER FAILOVER on the replica); {oldMaster.Name} becomes its replica.");
            }
        }

        return CommandResults.Failure(
            $"{replicaNode.Name} accepted CLUSTER FAILOVER but is still a replica of {oldMaster.Name} after {deadline.TotalSeconds:0} s; see the nodes' console.");
    }

    private static async Task<RedisNode> MasterNamedByAsync(RedisTopologyResource topology, RedisNode sentinel, string password, CancellationToken cancellationToken)
    {
        await using var client = topology.NodeClient(sentinel, password);
        var answer = await client.SentinelMasterAsync(topology.Settings.MasterName, cancellationToken);
        return int.TryParse(answer[(answer.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture, out var port)
            ? NodeAt(topology, port)
            : throw new RedisNodeException($"{sentinel.Name} does not know the master '{topology.Settings.MasterName}' (it answered '{answer}')") { IsErrorReply = true };
    }

    private static async Task<ICollection<ClusterNode>> ClusterNodesAsync(RedisTopologyResource topology, string password, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        foreach (var node in topology.Nodes)
        {
            try
            {
                await using var client = topology.NodeClient(node, password);
                return (await client.ClusterNodesAsync(cancellationToken)).Nodes;
            }
            catch (RedisNodeException ex)
            {
                errors.Add(ex.Message);
            }
        }

        throw new RedisNodeException($"No cluster node answered CLUSTER NODES: {string.Join("; ", errors)}");
    }

    private static RedisNode NodeAt(RedisTopologyResource topology, int port) =>
        topology.Nodes.FirstOrDefault(n => n.IsDataNode && n.Port == port)
        ?? throw new RedisNodeException($"The topology names port {port}, which is no data node of {topology.Name}.") { IsErrorReply = true };
}
