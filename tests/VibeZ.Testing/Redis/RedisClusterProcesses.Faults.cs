namespace VibeZ.Testing.Redis;

/// <summary>Bringing a crashed master back the way a supervisor would.</summary>
public sealed partial class RedisClusterProcesses
{
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
