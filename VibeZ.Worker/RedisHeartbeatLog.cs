namespace VibeZ.Worker;

internal static partial class RedisHeartbeatLog
{
    [LoggerMessage(1, LogLevel.Warning, "Writing the worker heartbeat to Redis failed; retrying on the next beat", EventName = "RedisHeartbeatFailed")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception);
}
