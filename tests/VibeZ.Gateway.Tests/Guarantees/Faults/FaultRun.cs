using VibeZ.Gateway.Tests.Guarantees.Observations;
using VibeZ.Gateway.Tests.Infrastructure;

namespace VibeZ.Gateway.Tests.Guarantees.Faults;

/// <summary>
/// The steps faults are made of, on one run's fresh topology; each step is marked in the <see cref="History"/> once it
/// took effect (a crash returned, a signal was sent), so the checker times the first ack from the fault itself.
/// </summary>
public sealed class FaultRun(GatewayTopology topology, ShardUnderTest shard, History history)
{
    /// <summary>How long the master keeps writes to itself before it crashes: past <c>Gateway:ReplicationTimeoutMilliseconds</c> (1 s), so they are answered <c>not_replicated</c>.</summary>
    private static readonly TimeSpan AloneBeforeCrash = TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan AllDown = TimeSpan.FromSeconds(10);

    public GatewayTopology Topology => topology;

    public ShardUnderTest Shard => shard;

    /// <summary>Gets the time after which the topology declares a silent master failed (sentinel <c>down-after-milliseconds</c>, cluster <c>cluster-node-timeout</c>).</summary>
    public TimeSpan DetectionTime => TimeSpan.FromMilliseconds(topology.Sentinel is not null ? SentinelProcesses.DownAfterMilliseconds : GatewayTopology.ClusterNodeTimeoutMilliseconds);

    /// <summary>Records a step of the fault; <paramref name="disrupts"/> for one that cuts the service (the first ack is timed from the first such step).</summary>
    public void Mark(string what, bool disrupts = false) => history.Fault(what, disrupts);

    /// <summary>Crashes the master with <c>DEBUG SEGFAULT</c> and returns it.</summary>
    public async Task<RedisServerProcess> CrashMasterAsync()
    {
        var (master, _) = await shard.RolesAsync();
        await RedisCli.RunAsync(master.Port, master.Password, "DEBUG", "SEGFAULT");
        master.Kill();
        Mark($"the master {master.Port} crashed (DEBUG SEGFAULT)", disrupts: true);
        return master;
    }

    /// <summary>Waits for the failover away from <paramref name="lost"/>, then starts it again as a replica of its successor and waits until it replicates.</summary>
    public async Task RejoinAsReplicaAsync(RedisServerProcess lost)
    {
        var promoted = await shard.WaitUntilPromotedAsync(lost);
        Mark($"{promoted.Port} promoted");
        await shard.RestartAsReplicaAsync(lost, promoted);
        await shard.WaitUntilReplicatingAsync(lost);
        Mark($"{lost.Port} back as a replica");
    }

    public async Task MasterCrashAsync() => await RejoinAsReplicaAsync(await CrashMasterAsync());

    public async Task MasterHangAsync()
    {
        var (master, _) = await shard.RolesAsync();
        master.Pause();
        Mark($"SIGSTOP on the master {master.Port} for {(DetectionTime + TimeSpan.FromSeconds(3)).TotalSeconds:0.#} s", disrupts: true);
        await Task.Delay(DetectionTime + TimeSpan.FromSeconds(3), CancellationToken.None);
        master.Resume();
        Mark($"SIGCONT on {master.Port}");
        await shard.WaitUntilPromotedAsync(master);
        await shard.WaitUntilReplicatingAsync(master);
        Mark($"{master.Port} demoted to a replica");
    }

    /// <summary>
    /// The path: the replica stalls, the master keeps writes to itself, then crashes. The stall is SIGSTOP, the
    /// form of the issue's <c>DEBUG SLEEP 3</c> that lasts until the master crashed however slow this shared machine
    /// is. Stalling alone does not keep writes from the replica: the kernel holds what the master sent and the replica
    /// applies it on waking. So the master also drops the replica's link, which the frozen replica cannot restore
    /// before the crash: what the master wrote meanwhile dies with it.
    /// </summary>
    public async Task ReplicaStallThenMasterCrashAsync()
    {
        var (_, replica) = await StallReplicaAsync();
        await Task.Delay(AloneBeforeCrash, CancellationToken.None);
        var crashed = await CrashMasterAsync();
        EndStall(replica);
        await RejoinAsReplicaAsync(crashed);
    }

    /// <summary>Freezes the replica and cuts its link, so that the master's next writes exist on the master alone.</summary>
    public async Task<(RedisServerProcess Master, RedisServerProcess Replica)> StallReplicaAsync()
    {
        var (master, replica) = await shard.RolesAsync();
        replica.Pause();
        await RedisCli.RunAsync(master.Port, master.Password, "CLIENT", "KILL", "TYPE", "replica");
        Mark($"replica {replica.Port} stalled (SIGSTOP) and its link cut", disrupts: true);
        return (master, replica);
    }

    public void EndStall(RedisServerProcess replica)
    {
        replica.Resume();
        Mark($"replica {replica.Port} runs again (SIGCONT)");
    }

    public async Task FailBackToRestartedMasterAsync()
    {
        await MasterCrashAsync();
        await MasterCrashAsync();
    }

    public async Task ReplicaKilledAsync()
    {
        var (master, replica) = await shard.RolesAsync();
        replica.Kill();
        Mark($"replica {replica.Port} killed (SIGKILL)", disrupts: true);
        await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
        await shard.RestartAsReplicaAsync(replica, master);
        await shard.WaitUntilReplicatingAsync(replica);
        Mark($"{replica.Port} back as a replica");
    }

    /// <summary>
    /// Each of the master's replicas in turn hangs (SIGSTOP) past the detection time, then runs again: whichever one
    /// the Gateways ask first to confirm writes hangs at some point while the other stays in sync.
    /// </summary>
    public async Task ReplicasHungInTurnAsync()
    {
        var (master, _) = await shard.RolesAsync();
        var hang = DetectionTime + TimeSpan.FromSeconds(1);
        foreach (var replica in shard.Nodes.Where(n => n != master))
        {
            replica.Pause();
            Mark($"replica {replica.Port} hung (SIGSTOP) for {hang.TotalSeconds:0.#} s", disrupts: true);
            await Task.Delay(hang, CancellationToken.None);
            replica.Resume();
            Mark($"replica {replica.Port} runs again (SIGCONT)");
            await shard.WaitUntilReplicatingAsync(replica);
        }
    }

    public async Task SentinelKilledThenFailoverAsync()
    {
        // The last sentinel: the test's own questions go to the first.
        var sentinel = topology.Sentinel!.Sentinels[^1];
        sentinel.Kill();
        Mark($"sentinel {sentinel.Port} killed (SIGKILL)");
        await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        await MasterCrashAsync();
    }

    public async Task AllNodesRestartedAsync()
    {
        topology.Sentinel?.KillAll();
        topology.Cluster?.KillAll();
        Mark($"every Redis node killed for {AllDown.TotalSeconds:0} s", disrupts: true);
        await Task.Delay(AllDown, CancellationToken.None);
        await (topology.Sentinel is { } sentinel ? sentinel.StartAllAsync() : topology.Cluster!.StartAllAsync());
        Mark("every Redis node started again (empty)");
    }

    public async Task GatewayKilledAsync()
    {
        var pid = topology.First.ProcessId;
        await topology.First.KillAsync();
        Mark($"Gateway A (pid {pid}) killed with SIGKILL", disrupts: true);
    }

    public async Task GatewayPausedThroughFailoverAsync()
    {
        topology.Second.Pause();
        Mark($"Gateway B (pid {topology.Second.ProcessId}) paused (SIGSTOP)");
        await MasterCrashAsync();
        topology.Second.Resume();
        Mark("Gateway B resumed (SIGCONT)");
    }

    public async Task TwoFaultsAsync()
    {
        var crash = MasterCrashAsync();
        await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
        var pid = topology.Second.ProcessId;
        await topology.Second.KillAsync();
        Mark($"Gateway B (pid {pid}) killed with SIGKILL", disrupts: true);
        await crash;
    }
}
