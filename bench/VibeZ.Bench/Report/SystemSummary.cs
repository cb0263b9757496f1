using VibeZ.Bench.Scenarios;

namespace VibeZ.Bench.Report;

/// <summary>One system in summary.json: its highest sustained rate, and its latency at the rate every system sustained.</summary>
internal sealed record SystemSummary
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Gets the deliveries per second measured at the highest rate sustained with p99 ≤ 50 ms; 0 when none was.</summary>
    public required double DeliveriesPerSecond { get; init; }

    public required double MessagesPerSecond { get; init; }

    public required double? P50Ms { get; init; }

    public required double? P99Ms { get; init; }

    public required double? P999Ms { get; init; }

    /// <summary>Gets each process role's CPU (percent of one core) at that rate.</summary>
    public required IReadOnlyDictionary<string, double> CpuPercent { get; init; }

    /// <summary>Gets whether the system still passed the last rate tried: then its real ceiling lies higher.</summary>
    public required bool CeilingNotReached { get; init; }

    /// <summary>Gets the step at the common rate, when the system ran it.</summary>
    public required StepResult? AtCommonRate { get; init; }

    /// <summary>
    /// Gets why the first rate it did not sustain failed: the failure of that rate's second try, which ended the
    /// search (a rate that failed once and passed on its second try was sustained).
    /// </summary>
    public required string? FirstFailure { get; init; }

    public required IReadOnlyList<StepResult> Steps { get; init; }
}
