using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using VibeZ.AppHost.Tests.Infrastructure;
using VibeZ.AppHost.Tests.Integration.Tls;

namespace VibeZ.AppHost.Tests.Integration.Faults;

/// <summary>
/// The dashboard's fault commands on data nodes, run through Aspire's command service against a started topology:
/// each must answer as it should and have its effect. Force failover is topology-specific (see the subclasses).
/// </summary>
/// <remarks>
/// The topologies run with TLS, so every failover these commands cause crosses TLS links, and the checks of
/// <see cref="TlsTopologyTests"/> run on them too instead of on topologies of their own.
/// </remarks>
public abstract class FaultCommandTests(TopologyFixture topology) : TlsTopologyTests(topology)
{

    [Fact]
    public async Task StallReplicationOnAMasterIsRefusedWithTheReason()
    {
        var (master, _) = await MasterAndReplicaAsync();

        var result = await Topology.ExecuteCommandAsync(master.Name, RedisFaultCommands.StallReplication);

        Assert.False(result.Success, $"Stall replication on the master {master.Name} succeeded: {result.Message}");
        Assert.Contains($"{master.Name} is a master now, not a replica", result.Message);
        Assert.True(await Topology.AnswersAsync(master, TimeSpan.FromSeconds(1)), $"{master.Name} stopped answering although the command was refused");
    }

    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task StallReplicationLetsTheReplicaFallBehindForFiveSeconds()
    {
        await UntilTheTopologyIsHealthyAsync();
        var (master, replica) = await MasterAndReplicaAsync();
        var clock = Stopwatch.StartNew();

        var result = await Topology.ExecuteCommandAsync(replica.Name, RedisFaultCommands.StallReplication);

        Assert.True(result.Success, $"Stall replication on {replica.Name} failed: {result.Message}");
        Assert.Contains($"Replica {replica.Name} stalls for 5 s", result.Message);

        // While the replica sleeps its master sees the acknowledgements stop: the lag it reports for it grows.
        var maxLag = 0;
        while (!await Topology.AnswersAsync(replica, TimeSpan.FromMilliseconds(200)) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            maxLag = Math.Max(maxLag, await LagAsync(master, replica));
        }

        var silent = clock.Elapsed;
        Assert.InRange(silent.TotalSeconds, 4, 8);
        Assert.True(maxLag >= 3, $"{master.Name} reported a lag of at most {maxLag} s for {replica.Name} while it stalled for {silent.TotalSeconds:0.0} s; expected it to grow past 3 s.");
        await TestWait.Until(async () => await LagAsync(master, replica) <= 1, TimeSpan.FromSeconds(10), $"{replica.Name} to catch up with {master.Name}", Topology.States);
        TestContext.Current.TestOutputHelper?.WriteLine($"{replica.Name} was silent for {silent.TotalMilliseconds:0} ms; {master.Name} reported a lag of up to {maxLag} s.");
    }

    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task HangSilencesANodeForFifteenSecondsAndItsMasterSaysWhyItTakesNoWrites()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await UntilTheTopologyIsHealthyAsync();
        var (master, replica) = await MasterAndReplicaAsync();
        var clock = Stopwatch.StartNew();

        var result = await Topology.ExecuteCommandAsync(replica.Name, RedisFaultCommands.Hang);

        Assert.True(result.Success, $"Hang on {replica.Name} failed: {result.Message}");
        Assert.Contains($"{replica.Name} hangs for 15 s", result.Message);
        Assert.False(await Topology.AnswersAsync(replica, TimeSpan.FromSeconds(1)), $"{replica.Name} still answers PING after Hang");

        // Past min-replicas-max-lag (5 s) the master has no replica in sync, refuses writes, and its health check says so.
        // The check is asked directly: Aspire runs it only every 30 s while the master is healthy, longer than the fault.
        HealthReportEntry report = default;
        await TestWait.Until(async () =>
        {
            report = (await Topology.CheckHealthNowAsync(master.Name)).Entries.Values.Single();
            return report.Status == HealthStatus.Degraded;
        }, TimeSpan.FromSeconds(12), $"{master.Name}'s health check to report Degraded while its replica {replica.Name} hangs",
            () => $"{master.Name}: {report.Status} {report.Description}");
        Assert.StartsWith("master without a replica in sync takes no writes (min-replicas-to-write 1, min-replicas-max-lag 5 s)", report.Description);
        var key = await KeyServedByAsync(master);
        var refused = await Record.ExceptionAsync(() => Topology.QueryAsync(master, "SET", key, "x"));
        Assert.True(refused is VibeZ.Redis.RedisNodeException { IsErrorReply: true } && refused.Message.StartsWith("NOREPLICAS", StringComparison.Ordinal),
            $"A write to {master.Name} while {replica.Name} hangs should be refused with NOREPLICAS; it got: {refused?.Message ?? "OK"}");

        var silent = clock.Elapsed + await Topology.SilenceAsync(replica, TimeSpan.FromSeconds(25));
        Assert.InRange(silent.TotalSeconds, 14, 20);
        await TestWait.For(Topology.Notifications.WaitForResourceHealthyAsync(master.Name, cancellationToken), TimeSpan.FromSeconds(30),
            $"{master.Name} to take writes again once {replica.Name} is back", Topology.States);
        TestContext.Current.TestOutputHelper?.WriteLine($"{replica.Name} was silent for {silent.TotalMilliseconds:0} ms; {master.Name} said: {report.Description}");
    }

    [Fact]
    [Trait(DisruptiveTestsLast.Trait, "true")]
    public async Task CrashTakesANodeDownUntilItIsStartedAgain()
    {
        await UntilTheTopologyIsHealthyAsync();
        var (_, replica) = await MasterAndReplicaAsync();

        var result = await Topology.ExecuteCommandAsync(replica.Name, RedisFaultCommands.Crash);

        Assert.True(result.Success, $"Crash on {replica.Name} failed: {result.Message}");
        Assert.Contains($"{replica.Name} crashed (DEBUG SEGFAULT)", result.Message);
        Assert.True(Topology.Notifications.TryGetCurrentState(replica.Name, out var state) && state.Snapshot.State?.Text is "Exited" or "Finished",
            $"{replica.Name} should have exited. Saw: {Topology.States()}");
        Assert.False(await Topology.AnswersAsync(replica, TimeSpan.FromSeconds(1)), $"{replica.Name} still answers PING after Crash");

        await Topology.StartFromDashboardAsync(replica);
        await Topology.WaitUntilReplicaInSyncAsync(replica);
    }

    /// <summary>
    /// Waits until the topology and every node are healthy: each disruptive test starts from a topology that has
    /// recovered from the one before, and health reports seen from then on are about this test's fault.
    /// </summary>
    protected async Task UntilTheTopologyIsHealthyAsync()
    {
        foreach (var name in Topology.Topology.Nodes.Select(n => n.Name).Prepend(Topology.Topology.Name))
        {
            await TestWait.For(Topology.Notifications.WaitForResourceHealthyAsync(name, TestContext.Current.CancellationToken), TimeSpan.FromSeconds(60),
                $"{name} to be healthy before the next fault", Topology.States);
        }
    }

    /// <summary>A master and one of its replicas, as the topology has them now (roles change on failover).</summary>
    protected abstract Task<(RedisNode Master, RedisNode Replica)> MasterAndReplicaAsync();

    /// <summary>A key that <paramref name="master"/> itself serves (in a cluster, one of its slots), to write to it directly.</summary>
    protected virtual Task<string> KeyServedByAsync(RedisNode master) => Task.FromResult("vibez:test:fault");

    /// <summary>The lag in seconds <paramref name="master"/> reports for <paramref name="replica"/> (<c>slaveN:…,lag=N</c>).</summary>
    private async Task<int> LagAsync(RedisNode master, RedisNode replica)
    {
        var replication = await Topology.InfoAsync(master, "replication");
        var line = replication.Where(f => f.Key.StartsWith("slave", StringComparison.Ordinal) && f.Value.Contains($",port={replica.Port},", StringComparison.Ordinal))
            .Select(f => f.Value).SingleOrDefault() ?? throw new InvalidOperationException($"{master.Name} lists no replica on port {replica.Port}");
        var lag = line.Split(',').Single(p => p.StartsWith("lag=", StringComparison.Ordinal));
        return int.Parse(lag["lag=".Length..], CultureInfo.InvariantCulture);
    }
}
