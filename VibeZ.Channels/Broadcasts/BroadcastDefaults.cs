namespace VibeZ.Channels.Broadcasts;

internal static class BroadcastDefaults
{
    public const string SectionName = "Broadcasts";

    // A week covers reminders and announcements; anything later belongs in the application's own scheduler.
    public const double MaxDelaySeconds = 7 * 86_400;

    // A Worker that dies or hangs mid-delivery costs one attempt; five survive a rolling restart and a failover or two,
    // and a broadcast that kills every Worker it reaches stops after five.
    public const int MaxAttempts = 5;

    // Long enough that a failover (seconds) does not page anyone, short enough that a stuck delivery loop does.
    public const double LagDegradedSeconds = 30;

    // An operator's window onto recent failures, not an archive (each record keeps its own error): ten thousand entries
    // of id, reason and count are a few megabytes at most.
    public const int DeadLetterMaxLength = 10_000;

    public const int MaxIdLength = GatewayDefaults.MaxMessageIdLength;
}
