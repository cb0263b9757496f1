namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>One system's row of the <c>failover</c> summary.json.</summary>
internal sealed record FailoverSystemSummary
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>Gets the messages sent at least once (distinct sequence numbers).</summary>
    public required long Sent { get; init; }

    /// <summary>Gets the sends after the first, on retryable failures.</summary>
    public required long Resends { get; init; }

    /// <summary>Gets the messages the system acked (distinct).</summary>
    public required long Acked { get; init; }

    /// <summary>Gets the messages given up on after an error that is not retryable.</summary>
    public required long Failed { get; init; }

    /// <summary>Gets the messages neither acked nor given up on when the drain ended.</summary>
    public required long Unacked { get; init; }

    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Gets the second acks of one message (a resend of a message the system had already taken).</summary>
    public required long DuplicateAcks { get; init; }

    /// <summary>Gets the distinct messages each subscriber received, by subscriber.</summary>
    public required IReadOnlyList<long> DeliveredPerSubscriber { get; init; }

    /// <summary>Gets the acked messages that at least one subscriber never received.</summary>
    public required long Lost { get; init; }

    /// <summary>Gets the acked messages each subscriber never received.</summary>
    public required IReadOnlyList<long> LostPerSubscriber { get; init; }

    /// <summary>Gets the sequence numbers of the first acked-but-lost messages (at most 20), to look them up.</summary>
    public required IReadOnlyList<long> LostSample { get; init; }

    /// <summary>Gets the deliveries of a message a subscriber had already received, summed over subscribers.</summary>
    public required long Duplicates { get; init; }

    /// <summary>Gets the first deliveries of a message after a later one, summed over subscribers.</summary>
    public required long Reordered { get; init; }

    /// <summary>Gets the longest time without an ack, from the first message to the end of sending.</summary>
    public required double PublishGapMs { get; init; }

    /// <summary>Gets the time from the crash to the first ack after it; null when none came.</summary>
    public required double? CrashToFirstAckMs { get; init; }

    /// <summary>Gets the time from the crash to the first delivery (to any subscriber) of a message first sent after it.</summary>
    public required double? CrashToFirstDeliveryMs { get; init; }

    /// <summary>Gets the distinct deliveries per second over the run, all subscribers together.</summary>
    public required double DeliveriesPerSecond { get; init; }

    /// <summary>Gets the latency from when a message was due to its first delivery, p50 and p99, over every subscriber.</summary>
    public required double P50Ms { get; init; }

    public required double P99Ms { get; init; }

    public required string MasterBefore { get; init; }

    public required string MasterAfter { get; init; }

    /// <summary>Gets why the publisher's connection ended, when it did during the run.</summary>
    public required string? PublisherEnded { get; init; }
}
