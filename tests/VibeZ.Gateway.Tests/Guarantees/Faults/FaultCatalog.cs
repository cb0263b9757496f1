using VibeZ.Gateway.Tests.Guarantees.Checker;

namespace VibeZ.Gateway.Tests.Guarantees.Faults;

/// <summary>The suite's faults as a table, and which of them CI runs (1, 3, 7 and 8, in sentinel and cluster mode).</summary>
public static class FaultCatalog
{
    private static readonly Fault[] Faults =
    [
        new(FaultKind.MasterCrash, "1", "master crash", Expectations.OneFault, InCluster: true, run => run.MasterCrashAsync()),
        new(FaultKind.MasterHang, "2", "master hang past the detection time", Expectations.OneFault, InCluster: true, run => run.MasterHangAsync()),
        new(FaultKind.ReplicaStallThenMasterCrash, "3", "replica stall, then master crash", Expectations.OneFault, InCluster: true, run => run.ReplicaStallThenMasterCrashAsync()),
        new(FaultKind.FailBackToRestartedMaster, "4", "master crash, rejoin as replica, fail back to it", Expectations.OneFault, InCluster: true, run => run.FailBackToRestartedMasterAsync()),

        // The guarantees assume a master with a replica in sync, so the killed replica has a sibling that stays in sync and
        // no client may see an error. Killing a master's only replica makes it refuse writes (NOREPLICAS, not_replicated), by design.
        new(FaultKind.ReplicaKilled, "5", "replica killed (no client sees an error)", Expectations.OneFault with { ErrorsAllowed = false }, InCluster: true, run => run.ReplicaKilledAsync())
        {
            ReplicasPerMaster = 2,
        },
        new(FaultKind.ReplicasHungInTurn, "5b", "each replica hung in turn (no client sees an error)", Expectations.OneFault with { ErrorsAllowed = false }, InCluster: true, run => run.ReplicasHungInTurnAsync())
        {
            ReplicasPerMaster = 2,
        },

        new(FaultKind.SentinelKilledThenFailover, "6", "one sentinel killed, then a failover", Expectations.OneFault, InCluster: false, run => run.SentinelKilledThenFailoverAsync()),

        // No copy of the data survives (the fixtures keep none on disk): a signalled loss is the best there is.
        new(FaultKind.AllNodesRestarted, "7", "every Redis node stopped for 10 s", Expectations.LossAllowed, InCluster: true, run => run.AllNodesRestartedAsync()),
        new(FaultKind.GatewayKilled, "8", "one Gateway killed with kill -9", Expectations.OneFault, InCluster: true, run => run.GatewayKilledAsync()),
        new(FaultKind.GatewayPausedThroughFailover, "8b", "one Gateway paused through a failover", Expectations.OneFault, InCluster: true, run => run.GatewayPausedThroughFailoverAsync()),
        new(FaultKind.TwoFaults, "9", "master crash and a Gateway killed 5 s apart", Expectations.LossAllowed, InCluster: true, run => run.TwoFaultsAsync()),
    ];

    private static readonly FaultKind[] InCi = [FaultKind.MasterCrash, FaultKind.ReplicaStallThenMasterCrash, FaultKind.AllNodesRestarted, FaultKind.GatewayKilled];

    public static Fault Of(FaultKind kind) => Faults.Single(f => f.Kind == kind);

    /// <summary>Gets the runs CI makes: faults 1, 3, 7 and 8 in both modes.</summary>
    public static TheoryData<FaultKind, string> Ci => Runs(f => InCi.Contains(f.Kind));

    /// <summary>Gets the rest of the matrix.</summary>
    public static TheoryData<FaultKind, string> Rest => Runs(f => !InCi.Contains(f.Kind));

    private static TheoryData<FaultKind, string> Runs(Func<Fault, bool> include)
    {
        var runs = new TheoryData<FaultKind, string>();
        foreach (var fault in Faults.Where(include))
        {
            runs.Add(fault.Kind, "sentinel");
            if (fault.InCluster)
            {
                runs.Add(fault.Kind, "cluster");
            }
        }

        return runs;
    }
}
