namespace VibeZ.Gateway.Presence;

internal static partial class PresenceLog
{
    [LoggerMessage(60, LogLevel.Information, "Presence on {Channel} was not written yet, the next heartbeat writes it: {Reason}", EventName = "PresenceWriteDeferred")]
    public static partial void WriteDeferred(ILogger logger, string channel, string reason);

    [LoggerMessage(61, LogLevel.Information, "A leave from {Channel} was not written; the member expires within {TimeToLiveSeconds} s: {Reason}", EventName = "PresenceLeaveNotWritten")]
    public static partial void LeaveNotWritten(ILogger logger, string channel, double timeToLiveSeconds, string reason);

    [LoggerMessage(62, LogLevel.Warning, "The presence heartbeat failed; it runs again in {IntervalSeconds} s: {Reason}", EventName = "PresenceHeartbeatFailed")]
    public static partial void HeartbeatFailed(ILogger logger, double intervalSeconds, string reason);

    [LoggerMessage(63, LogLevel.Information, "The presence heartbeat works again", EventName = "PresenceHeartbeatRecovered")]
    public static partial void HeartbeatRecovered(ILogger logger);
}
