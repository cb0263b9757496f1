using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Telemetry;

internal static partial class RedisLog
{
    [LoggerMessage(1, LogLevel.Information, "Connecting to Redis in {Mode} mode: {Configuration}", EventName = "RedisConnecting")]
    public static partial void Connecting(ILogger logger, RedisMode mode, string configuration);

    [LoggerMessage(2, LogLevel.Warning, "REDIS_URL carries a password and {PasswordSetting} is also set; the password from REDIS_URL is ignored", EventName = "RedisUrlPasswordOverridden")]
    public static partial void UrlPasswordOverridden(ILogger logger, string passwordSetting);

    [LoggerMessage(3, LogLevel.Information, "Redis connected in {Mode} mode; endpoints: {EndPoints}", EventName = "RedisConnected")]
    public static partial void Connected(ILogger logger, RedisMode mode, string endPoints);

    [LoggerMessage(4, LogLevel.Information, "Sentinels authenticate with REDIS_SENTINEL_PASSWORD; the primary with REDIS_PASSWORD", EventName = "RedisSentinelSeparateAuth")]
    public static partial void SentinelSeparateAuth(ILogger logger);

    [LoggerMessage(5, LogLevel.Warning, "Redis reconnecting to {EndPoint}: attempt {Attempt} after {FailureType} ({Meaning})", EventName = "RedisReconnecting")]
    public static partial void Reconnecting(ILogger logger, string endPoint, long attempt, ConnectionFailureType failureType, string meaning, Exception? exception);

    [LoggerMessage(6, LogLevel.Information, "Redis connected to {EndPoint} again ({ConnectionType}) after {Attempts} attempts in {ElapsedMilliseconds} ms", EventName = "RedisReconnected")]
    public static partial void Reconnected(ILogger logger, string endPoint, ConnectionType connectionType, long attempts, long elapsedMilliseconds);

    [LoggerMessage(7, LogLevel.Warning, "Redis master {OldMaster} lost ({FailureType}); waiting for the sentinels to promote a replica", EventName = "RedisFailoverStarted")]
    public static partial void FailoverStarted(ILogger logger, string oldMaster, ConnectionFailureType failureType);

    [LoggerMessage(8, LogLevel.Information, "Redis failover completed: master moved from {OldMaster} to {NewMaster} in {DurationMilliseconds} ms", EventName = "RedisFailoverCompleted")]
    public static partial void FailoverCompleted(ILogger logger, string oldMaster, string newMaster, long durationMilliseconds);

    [LoggerMessage(9, LogLevel.Information, "Redis cluster slot moved: slot {HashSlot} from {OldEndPoint} to {NewEndPoint} (MOVED/ASK, normal in cluster mode)", EventName = "RedisClusterSlotMoved")]
    public static partial void ClusterSlotMoved(ILogger logger, int hashSlot, string oldEndPoint, string newEndPoint);

    [LoggerMessage(10, LogLevel.Warning, "A Redis connection event handler failed", EventName = "RedisConnectionEventHandlerFailed")]
    public static partial void EventHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Warning, "Redis reconnecting to {EndPoint}: attempt {Attempt}, down for {DownSeconds} s after {FailureType} ({Meaning}); {Attempts} attempts since the last report", EventName = "RedisStillReconnecting")]
    public static partial void StillReconnecting(ILogger logger, string endPoint, long attempt, long downSeconds, ConnectionFailureType failureType, string meaning, long attempts);

    // Event id 11 (RedisThreadPoolRaised) is retired: the thread-pool minimum is a build setting now (Directory.Build.props).
}
