namespace VibeZ.Gateway;

/// <summary>The Gateway's defaults and limits, in one place (Polly's <c>RetryConstants</c>).</summary>
internal static class GatewayDefaults
{
    public const string SectionName = "Gateway";

    public const int HistoryLength = 1000;

    // A day without a publish ends a channel's history; the next publish starts a new epoch.
    public const double ChannelTimeToLiveSeconds = 86_400;

    // Long enough for any client retry loop; dedupe keys cost one small key per message for this long.
    public const double DedupeWindowSeconds = 600;

    public const int ReplicationTimeoutMilliseconds = 1000;

    public const int MaxMessageBytes = 64 * 1024;

    public const int SendQueueCapacity = 1024;

    public const int MaxInvalidFrames = 10;

    public const double ResyncIntervalSeconds = 5;

    public const int MaxHistoryPageSize = 1000;

    public const int MaxPublishesInFlight = 1024;

    public const int MaxMessageIdLength = 128;

    // One publish batch goes to Redis as one script: large enough to carry a busy channel's messages in a few round
    // trips, small enough that one script never holds Redis for long.
    public const int MaxPublishBatchMessages = 256;

    public const int MaxPublishBatchBytes = 512 * 1024;
}
