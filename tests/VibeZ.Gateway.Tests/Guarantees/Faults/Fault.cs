using VibeZ.Gateway.Tests.Guarantees.Checker;

namespace VibeZ.Gateway.Tests.Guarantees.Faults;

/// <summary>One fault of the suite: its number in issue 10, what it does, what the checker may demand after it, and the action.</summary>
/// <param name="Kind">Which fault.</param>
/// <param name="Number">Its number in issue 10 (8b: the paused Gateway of fault 8).</param>
/// <param name="Description">A few words for reports.</param>
/// <param name="Expectations">What the checker demands after it.</param>
/// <param name="InCluster">Whether it applies to cluster mode as well as sentinel mode.</param>
/// <param name="InjectAsync">Injects the fault and returns once the topology is whole again (a failed node back as a replica).</param>
public sealed record Fault(FaultKind Kind, string Number, string Description, Expectations Expectations, bool InCluster, Func<FaultRun, Task> InjectAsync)
{
    /// <summary>Gets how many replicas each master of the run's topology has.</summary>
    /// <value>The default value is 1.</value>
    public int ReplicasPerMaster { get; init; } = 1;
}
