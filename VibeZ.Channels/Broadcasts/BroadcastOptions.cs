using VibeZ.Redis;

namespace VibeZ.Channels.Broadcasts;

/// <summary>Settings of durable broadcasts, bound from the <c>Broadcasts</c> section.</summary>
public sealed class BroadcastOptions
{
    private const string Section = BroadcastDefaults.SectionName;

    // Ten years: far beyond any use, and far inside what DateTimeOffset and a Redis score hold exactly.
    private const double MaxSecondsSetting = 3650 * 86_400;

    /// <summary>How far ahead a broadcast may be scheduled, in seconds.</summary>
    /// <value>The default value is 604800 (7 days); it must be from 1 to 315360000 (ten years).</value>
    [SettingRange(Section, 1, MaxSecondsSetting)]
    public double MaxDelaySeconds { get; set; } = BroadcastDefaults.MaxDelaySeconds;

    /// <summary>
    /// How many times a Worker may be handed one broadcast (the stream entry's delivery count) before it is dead-lettered.
    /// A publish that fails for a passing reason (Redis unavailable, no replica in sync) does not count.
    /// </summary>
    /// <value>The default value is 5; it must be from 1 to 1000.</value>
    /// <remarks>More than 1000 is "forever" in all but name, which is what dead letters exist to prevent.</remarks>
    [SettingRange(Section, 1, 1000)]
    public int MaxAttempts { get; set; } = BroadcastDefaults.MaxAttempts;

    /// <summary>How overdue the oldest due broadcast may be, in seconds, before the Worker's /health turns Degraded.</summary>
    /// <value>The default value is 30; it must be from 1 to 315360000.</value>
    [SettingRange(Section, 1, MaxSecondsSetting)]
    public double LagDegradedSeconds { get; set; } = BroadcastDefaults.LagDegradedSeconds;

    /// <summary>
    /// How many entries the dead-letter stream keeps; writing one more drops the oldest (exactly, <c>XADD MAXLEN</c>).
    /// The dropped broadcast's record still says <c>failed</c> and why.
    /// </summary>
    /// <value>The default value is 10000; it must be from 1 to 10000000.</value>
    /// <remarks>10000000 is far above any real backlog of failures; beyond it the stream is unbounded in all but name.</remarks>
    [SettingRange(Section, 1, 10_000_000)]
    public int DeadLetterMaxLength { get; set; } = BroadcastDefaults.DeadLetterMaxLength;

    internal TimeSpan LagDegraded => TimeSpan.FromSeconds(LagDegradedSeconds);

    internal TimeSpan MaxDelay => TimeSpan.FromSeconds(MaxDelaySeconds);
}
