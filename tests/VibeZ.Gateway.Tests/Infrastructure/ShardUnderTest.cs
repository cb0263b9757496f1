namespace VibeZ.Gateway.Tests.Infrastructure;

/// <summary>
/// The master and replicas that own a run's channels (in a cluster, the shard of slot 0, with channels picked to hash
/// into it), and what faults need from them: which is master now, a restart as a replica, and the waits that say a
/// failover is over.
/// </summary>
public sealed class ShardUnderTest
{
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(30);

    private readonly GatewayTopology _topology;

    private ShardUnderTest(GatewayTopology topology, RedisServerProcess master, IEnumerable<RedisServerProcess> replicas, IReadOnlyList<string> channels)
    {
        _topology = topology;
        Nodes = [master, .. replicas];
        Channels = channels;
    }

    /// <summary>Gets the shard's data nodes, in their first roles: the master, then its replicas.</summary>
    public IReadOnlyList<RedisServerProcess> Nodes { get; }

    public IReadOnlyList<string> Channels { get; }

    /// <summary>Finds the shard and <paramref name="count"/> channels it owns (in a cluster, asking <c>CLUSTER KEYSLOT</c>).</summary>
    public static async Task<ShardUnderTest> FindAsync(GatewayTopology topology, int count)
    {
        if (topology.Sentinel is { } sentinel)
        {
            return new ShardUnderTest(topology, sentinel.Master, sentinel.Replicas, [.. Enumerable.Range(0, count).Select(i => $"room-{i}")]);
        }

        var cluster = topology.Cluster ?? throw new InvalidOperationException($"Faults need a sentinel or cluster topology, not {topology.Mode}.");
        var any = cluster.Nodes[0];
        var (masterPort, replicaPorts, slots) = await cluster.ShardOfSlotZeroAsync(any.Port);
        var channels = new List<string>();
        for (var i = 0; channels.Count < count; i++)
        {
            var slot = int.Parse((await RedisCli.RunAsync(any.Port, cluster.Password, "CLUSTER", "KEYSLOT", $"vibez:{{room-{i}}}:meta")).Trim());
            if (slots.Any(range => range.From <= slot && slot <= range.To))
            {
                channels.Add($"room-{i}");
            }
        }

        return new ShardUnderTest(topology, cluster.Nodes.Single(n => n.Port == masterPort), replicaPorts.Select(port => cluster.Nodes.Single(n => n.Port == port)), channels);
    }

    /// <summary>
    /// Asks the sentinels (or the rest of the cluster) which of the shard's nodes is the master now; the replica
    /// returned is the first other node that is running (with two replicas, a fault on it leaves the other).
    /// </summary>
    public async Task<(RedisServerProcess Master, RedisServerProcess Replica)> RolesAsync()
    {
        int masterPort;
        if (_topology.Sentinel is { } sentinel)
        {
            var address = await sentinel.MasterAddressAsync();
            masterPort = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
        }
        else
        {
            var cluster = _topology.Cluster!;
            // A node outside the shard, which neither crashed nor restarted; a master with slots (fields past the 8th) owns them.
            var witness = cluster.Nodes.First(n => !Nodes.Contains(n));
            var lines = (await RedisCli.RunAsync(witness.Port, cluster.Password, "CLUSTER", "NODES")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var master = lines.Select(line => line.Split(' '))
                .Where(fields => fields.Length > 8 && fields[2].Contains("master", StringComparison.Ordinal) && !fields[2].Contains("fail", StringComparison.Ordinal))
                .Select(fields => int.Parse(fields[1].Split('@')[0].Split(':')[1]))
                .FirstOrDefault(port => Nodes.Any(n => n.Port == port));
            masterPort = master != 0 ? master : throw new InvalidOperationException($"CLUSTER NODES on {witness.Port} shows none of {Ports} as a working master:\n{string.Join("\n", lines)}");
        }

        var current = Nodes.SingleOrDefault(n => n.Port == masterPort)
            ?? throw new InvalidOperationException($"The master is on port {masterPort}, which is none of {Ports}.");
        var others = Nodes.Where(n => n != current).ToList();
        return (current, others.FirstOrDefault(n => n.ProcessId != 0) ?? others[0]);
    }

    private string Ports => string.Join(", ", Nodes.Select(n => n.Port));

    /// <summary>Waits until the other node was promoted in place of <paramref name="lost"/>, and returns it.</summary>
    public async Task<RedisServerProcess> WaitUntilPromotedAsync(RedisServerProcess lost)
    {
        RedisServerProcess? promoted = null;
        await TestWait.Until(
            async () =>
            {
                promoted = (await RolesAsync()).Master;
                return (promoted != lost, $"the master is still {promoted.Port}");
            },
            $"a failover away from {lost.Port}", FailoverTimeout);
        return promoted!;
    }

    /// <summary>Starts a stopped node again as a replica of <paramref name="master"/> (a cluster node finds its role in its nodes.conf).</summary>
    public Task RestartAsReplicaAsync(RedisServerProcess node, RedisServerProcess master) =>
        _topology.Sentinel is not null ? node.StartAsync("--replicaof", "127.0.0.1", master.Port.ToString()) : node.StartAsync();

    /// <summary>Waits until <paramref name="node"/> is a replica whose link to its master is up (in a cluster, and the cluster is whole).</summary>
    public async Task WaitUntilReplicatingAsync(RedisServerProcess node)
    {
        await TestWait.Until(
            async () =>
            {
                var info = await RedisCli.RunAsync(node.Port, node.Password, "INFO", "replication");
                return (info.Contains("role:slave", StringComparison.Ordinal) && info.Contains("master_link_status:up", StringComparison.Ordinal), info.ReplaceLineEndings(" ").Trim());
            },
            $"{node.Port} to replicate from the master", FailoverTimeout);
        if (_topology.Cluster is { } cluster)
        {
            await cluster.WaitUntilOkAsync();
        }
    }
}
