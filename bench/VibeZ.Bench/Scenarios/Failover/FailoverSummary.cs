using VibeZ.Bench.Report;

namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>summary.json of the <c>failover</c> scenario: the shared top-level shape plus the run's timing.</summary>
internal sealed record FailoverSummary
{
    public required string Scenario { get; init; }

    public required int Subscribers { get; init; }

    public required string Mode { get; init; }

    public required double MessagesPerSecond { get; init; }

    public required int MessageBytes { get; init; }

    /// <summary>Gets the master's replicas in each sentinel topology.</summary>
    public required int Replicas { get; init; }

    /// <summary>Gets when the master was killed, in seconds after the first message.</summary>
    public required double CrashAtSeconds { get; init; }

    /// <summary>Gets how long new messages were sent.</summary>
    public required double SendSeconds { get; init; }

    public required double ResendBackoffMs { get; init; }

    public required IReadOnlyList<FailoverSystemSummary> Systems { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string Command { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required double DurationSeconds { get; init; }
}
