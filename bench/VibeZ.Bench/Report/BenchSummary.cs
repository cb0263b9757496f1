namespace VibeZ.Bench.Report;

/// <summary>
/// summary.json. Outside checks read <c>scenario</c>, <c>subscribers</c> and each system's <c>name</c>,
/// <c>deliveriesPerSecond</c>, <c>p50Ms</c>, <c>p99Ms</c> and <c>cpuPercent</c>: keep those names and shapes.
/// </summary>
internal sealed record BenchSummary
{
    public required string Scenario { get; init; }

    public required int Subscribers { get; init; }

    public required int Publishers { get; init; }

    public required int Channels { get; init; }

    /// <summary>Gets how many subscribers each message reaches (all of them in <c>fanout</c>).</summary>
    public required int SubscribersPerChannel { get; init; }

    public required int MessageBytes { get; init; }

    /// <summary>Gets <c>full</c>, <c>quick</c> or <c>smoke</c>.</summary>
    public required string Mode { get; init; }

    public required double StepSeconds { get; init; }

    public required double P99LimitMs { get; init; }

    /// <summary>Gets the highest offered rate every system sustained, where their latencies are compared; null if there is none.</summary>
    public required double? CommonDeliveriesPerSecond { get; init; }

    public required IReadOnlyList<SystemSummary> Systems { get; init; }

    /// <summary>Gets the ratios the bars are stated in, e.g. <c>vibez/signalr</c>.</summary>
    public required IReadOnlyDictionary<string, double> Ratios { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string Command { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Says who each message reaches, for titles: "10 subscribers" or "1000 channels × 2 subscribers".</summary>
    public string Audience() => Channels == 1 ? $"{Subscribers} subscribers" : $"{Channels} channels × {SubscribersPerChannel} subscribers";

    public required double DurationSeconds { get; init; }
}
