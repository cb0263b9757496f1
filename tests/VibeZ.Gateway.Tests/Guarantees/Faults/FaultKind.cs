namespace VibeZ.Gateway.Tests.Guarantees.Faults;

/// <summary>The faults of the suite, numbered as in issue 10.</summary>
public enum FaultKind
{
    /// <summary>1: the master crashes (<c>DEBUG SEGFAULT</c>); it comes back as a replica once the failover is over.</summary>
    MasterCrash,

    /// <summary>2: the master hangs (SIGSTOP) longer than the detection time, then runs again and is demoted.</summary>
    MasterHang,

    /// <summary>3: the replica stalls (SIGSTOP) and its link breaks, writes pile up on the master alone, then the master crashes.</summary>
    ReplicaStallThenMasterCrash,

    /// <summary>4: the master crashes and rejoins as a replica; then the new master crashes, failing back to the old one.</summary>
    FailBackToRestartedMaster,

    /// <summary>5: one of the master's two replicas is killed and restarted; no client may see an error.</summary>
    ReplicaKilled,

    /// <summary>5b: each of the master's two replicas hangs (SIGSTOP) past the detection time in turn; no client may see an error.</summary>
    ReplicasHungInTurn,

    /// <summary>6: one sentinel is killed, then the master crashes.</summary>
    SentinelKilledThenFailover,

    /// <summary>7: every Redis node (sentinels too) is killed, and all are started again 10 s later, empty.</summary>
    AllNodesRestarted,

    /// <summary>8: one Gateway is killed with <c>kill -9</c> mid-stream; its clients resume on the other.</summary>
    GatewayKilled,

    /// <summary>8b: one Gateway is paused (SIGSTOP) through a master crash and its failover, then resumed.</summary>
    GatewayPausedThroughFailover,

    /// <summary>9: the master crashes, and 5 s later a Gateway is killed with <c>kill -9</c>.</summary>
    TwoFaults,
}
