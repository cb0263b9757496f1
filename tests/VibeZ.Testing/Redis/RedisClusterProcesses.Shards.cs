namespace VibeZ.Testing.Redis;

/// <summary>Who owns what, read from <c>CLUSTER NODES</c>: a shard's master, its replicas and its slots.</summary>
public sealed partial class RedisClusterProcesses
{
    /// <summary>Reads <c>CLUSTER NODES</c> from <paramref name="port"/>: the master owning slot 0 and the replica following it (the first, by port, if it has more).</summary>
    public async Task<(int MasterPort, int ReplicaPort, (int From, int To)[] Slots)> MasterOfSlotZeroAsync(int port)
    {
        var (master, replicas, slots) = await ShardOfSlotZeroAsync(port);
        return (master, replicas[0], slots);
    }

    /// <summary>Reads <c>CLUSTER NODES</c> from <paramref name="port"/>: the master owning slot 0 and every replica following it, by port.</summary>
    public async Task<(int MasterPort, IReadOnlyList<int> ReplicaPorts, (int From, int To)[] Slots)> ShardOfSlotZeroAsync(int port) =>
        await ShardAsync(port, (_, slots) => slots.Any(r => r.From == 0), "the master owning slot 0");

    /// <summary>Reads <c>CLUSTER NODES</c> from <paramref name="port"/>: the slots of the master on <paramref name="masterPort"/> and the replica following it (the first, by port, if it has more).</summary>
    public async Task<(int MasterPort, int ReplicaPort, (int From, int To)[] Slots)> ShardOfMasterAsync(int port, int masterPort)
    {
        var (master, replicas, slots) = await ShardAsync(port, (nodePort, _) => nodePort == masterPort, $"the master on port {masterPort}");
        return (master, replicas[0], slots);
    }

    private async Task<(int MasterPort, IReadOnlyList<int> ReplicaPorts, (int From, int To)[] Slots)> ShardAsync(int port, Func<int, (int From, int To)[], bool> isMaster, string what)
    {
        var output = await RedisCli.RunAsync(port, Password, "CLUSTER", "NODES");
        var nodes = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => line.Split(' ')).ToList();
        static int PortOf(string[] fields) => int.Parse(fields[1].Split('@')[0].Split(':')[1]);
        static (int From, int To)[] Ranges(string[] fields) =>
            [.. fields.Skip(8).Where(f => !f.StartsWith('[')).Select(f => f.Split('-')).Select(p => (From: int.Parse(p[0]), To: int.Parse(p[^1])))];
        var master = nodes.SingleOrDefault(fields => fields.Length > 8 && fields[2].Contains("master", StringComparison.Ordinal) && isMaster(PortOf(fields), Ranges(fields)))
            ?? throw new InvalidOperationException($"CLUSTER NODES on {port} shows no {what}:\n{output}");
        var replicas = nodes.Where(fields => fields[3] == master[0]).Select(PortOf).Order().ToList();
        return replicas.Count > 0
            ? (PortOf(master), replicas, Ranges(master))
            : throw new InvalidOperationException($"CLUSTER NODES on {port} shows no replica of {what}:\n{output}");
    }
}
