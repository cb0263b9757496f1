namespace VibeZ.Channels.Broadcasts;

/// <summary>Settings of durable broadcasts, bound from the <c>Broadcasts</c> section.</summary>
public sealed class BroadcastOptions
{
    /// <summary>How far ahead a broadcast may be scheduled, in seconds.</summary>
    /// <value>The default value is 604800 (7 days).</value>
    public double MaxDelaySeconds { get; set; } = BroadcastDefaults.MaxDelaySeconds;

    internal TimeSpan MaxDelay => TimeSpan.FromSeconds(MaxDelaySeconds);
}
