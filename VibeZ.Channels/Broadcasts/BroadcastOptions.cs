namespace VibeZ.Channels.Broadcasts;

/// <summary>Settings of durable broadcasts, bound from the <c>Broadcasts</c> section.</summary>
public sealed class BroadcastOptions
{
    /// <summary>How far ahead a broadcast may be scheduled, in seconds.</summary>
    /// <value>The default value is 604800 (7 days).</value>
    public double MaxDelaySeconds { get; set; } = BroadcastDefaults.MaxDelaySeconds;

    /// <summary>
    /// How many times a Worker may be handed one broadcast (the stream entry's delivery count) before it is dead-lettered.
    /// A publish that fails for a passing reason (Redis unavailable, no replica in sync) does not count.
    /// </summary>
    /// <value>The default value is 5.</value>
    public int MaxAttempts { get; set; } = BroadcastDefaults.MaxAttempts;

    /// <summary>How overdue the oldest due broadcast may be, in seconds, before the Worker's /health turns Degraded.</summary>
    /// <value>The default value is 30.</value>
    public double LagDegradedSeconds { get; set; } = BroadcastDefaults.LagDegradedSeconds;

    /// <summary>
    /// How many entries the dead-letter stream keeps; writing one more drops the oldest (exactly, <c>XADD MAXLEN</c>).
    /// The dropped broadcast's record still says <c>failed</c> and why.
    /// </summary>
    /// <value>The default value is 10000.</value>
    public int DeadLetterMaxLength { get; set; } = BroadcastDefaults.DeadLetterMaxLength;

    internal TimeSpan LagDegraded => TimeSpan.FromSeconds(LagDegradedSeconds);

    internal TimeSpan MaxDelay => TimeSpan.FromSeconds(MaxDelaySeconds);
}
