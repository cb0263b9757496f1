namespace VibeZ.Channels.Broadcasts;

internal static class BroadcastDefaults
{
    public const string SectionName = "Broadcasts";

    // A week covers reminders and announcements; anything later belongs in the application's own scheduler.
    public const double MaxDelaySeconds = 7 * 86_400;

    public const int MaxIdLength = GatewayDefaults.MaxMessageIdLength;
}
