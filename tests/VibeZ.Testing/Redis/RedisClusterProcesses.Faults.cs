namespace VibeZ.Testing.Redis;

/// <summary>Which node a fault should hit, and bringing a crashed master back the way a supervisor would.</summary>
public sealed partial class RedisClusterProcesses
{
    /// <summary>Gets the slot of <paramref name="key"/> (<c>CLUSTER KEYSLOT</c>).</summary>
    public async Task<int> SlotOfAsync(string key) =>
        int.Parse((await RedisCli.RunAsync(_nodes[0].Port, Password, "CLUSTER", "KEYSLOT", key)).Trim());

    /// <summary>Reads <c>CLUSTER NODES</c>: the master that owns the slot of <paramref name="key"/> now, and its slots.</summary>
    public async Task<(RedisServerProcess Master, (int From, int To)[] Slots)> ShardOfKeyAsync(string key)
    {
        var slot = await SlotOfAsync(key);
        var (masterPort, _, slots) = await ShardAsync(_nodes[0].Port, (_, ranges) => ranges.Any(r => r.From <= slot && slot <= r.To), $"the master owning slot {slot} ({key})");
        return (_nodes.Single(n => n.Port == masterPort), slots);
    }

    /// <summary>
    /// Once another node was promoted in place of <paramref name="crashed"/>, starts it again: it rejoins as a replica
    /// by itself, from its nodes.conf. Not before: these nodes keep no data on disk, and a replica that resyncs from its
    /// master restarted empty loses everything (two faults, not one).
    /// </summary>
    public async Task RestartAsReplicaAsync(RedisServerProcess crashed)
    {
        crashed.Kill();
        var witness = _nodes.First(node => node != crashed);
        await TestWait.Until(
            async () =>
            {
                var nodes = await RedisCli.RunAsync(witness.Port, Password, "CLUSTER", "NODES");
                var lines = nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var line = lines.FirstOrDefault(l => l.Contains($":{crashed.Port}@")) ?? "";
                var served = lines.Count(l => l.Contains("master") && !l.Contains("fail") && l.Split(' ').Length > 8) == MasterCount;
                return (line.Contains("fail") && !line.Contains("fail?") && served, nodes.ReplaceLineEndings(" | "));
            },
            "the cluster to promote the crashed master's replica (three healthy masters serving slots)");
        await crashed.StartAsync();
    }
}
