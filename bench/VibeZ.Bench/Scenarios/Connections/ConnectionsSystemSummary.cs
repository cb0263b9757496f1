namespace VibeZ.Bench.Scenarios.Connections;

/// <summary>
/// One system in the <c>connections</c> summary.json. <c>name</c>, <c>deliveriesPerSecond</c>, <c>p50Ms</c>,
/// <c>p99Ms</c> and <c>cpuPercent</c> keep the shape every scenario shares; here they describe the check that sent one
/// message to every connection, and the CPU while the connections sat idle.
/// </summary>
internal sealed record ConnectionsSystemSummary
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Gets the deliveries per second of the check (one message per connection).</summary>
    public required double DeliveriesPerSecond { get; init; }

    public required double? P50Ms { get; init; }

    public required double? P99Ms { get; init; }

    /// <summary>Gets the CPU of the server processes and the load generator while the connections were idle.</summary>
    public required IReadOnlyDictionary<string, double> CpuPercent { get; init; }

    /// <summary>Gets the seconds from the first connect to the last subscription confirmed (including the publisher).</summary>
    public required double ConnectSeconds { get; init; }

    public required long RssBeforeBytes { get; init; }

    public required long RssAfterBytes { get; init; }

    /// <summary>Gets (RSS after − RSS before) / connections, rounded to bytes.</summary>
    public required long RssPerConnectionBytes { get; init; }

    /// <summary>Gets the live managed heap after a full collection, before the connections.</summary>
    public required long GcHeapBeforeBytes { get; init; }

    public required long GcHeapAfterBytes { get; init; }

    public required long GcHeapPerConnectionBytes { get; init; }

    /// <summary>Gets how many of the check's deliveries (one per connection) arrived.</summary>
    public required long CheckDelivered { get; init; }

    public required long CheckExpected { get; init; }

    /// <summary>Gets the check as a fan-out step, with its errors and latencies.</summary>
    public required StepResult Check { get; init; }
}
