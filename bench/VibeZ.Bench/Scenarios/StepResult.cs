namespace VibeZ.Bench.Scenarios;

/// <summary>One system at one offered rate.</summary>
internal sealed record StepResult
{
    public required double OfferedDeliveriesPerSecond { get; init; }

    public required double MessagesPerSecond { get; init; }

    /// <summary>Gets the deliveries per second measured in the step's window (after the warm-up).</summary>
    public required double DeliveriesPerSecond { get; init; }

    public required double? P50Ms { get; init; }

    public required double? P99Ms { get; init; }

    public required double? P999Ms { get; init; }

    public required double? MaxMs { get; init; }

    public required long Scheduled { get; init; }

    public required long Sent { get; init; }

    public required long ExpectedDeliveries { get; init; }

    public required long Delivered { get; init; }

    /// <summary>Gets deliveries whose sequence was not above the last one seen from the same publisher.</summary>
    public required long OutOfOrder { get; init; }

    /// <summary>Gets the most messages that were due at once but not yet sent: client-side queueing.</summary>
    public required long MaxBacklog { get; init; }

    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    public required IReadOnlyDictionary<string, double> CpuPercent { get; init; }

    /// <summary>Gets why a publisher's connection ended during the step, if one did.</summary>
    public required string? Ended { get; init; }

    public required bool Passed { get; init; }

    /// <summary>Gets why the step did not pass; null when it did.</summary>
    public required string? Failure { get; init; }
}
