using Microsoft.Extensions.Logging;

namespace VibeZ.ServiceDefaults.Redis;

internal static partial class RedisLog
{
    [LoggerMessage(1, LogLevel.Information, "Connecting to Redis in {Mode} mode: {Configuration}", EventName = "RedisConnecting")]
    public static partial void Connecting(ILogger logger, RedisMode mode, string configuration);

    [LoggerMessage(2, LogLevel.Warning, "REDIS_URL carries a password and {PasswordSetting} is also set; the password from REDIS_URL is ignored", EventName = "RedisUrlPasswordOverridden")]
    public static partial void UrlPasswordOverridden(ILogger logger, string passwordSetting);

    [LoggerMessage(3, LogLevel.Information, "Connected to Redis in {Mode} mode; endpoints: {EndPoints}", EventName = "RedisConnected")]
    public static partial void Connected(ILogger logger, RedisMode mode, string endPoints);

    [LoggerMessage(4, LogLevel.Information, "Sentinels authenticate with REDIS_SENTINEL_PASSWORD; the primary with REDIS_PASSWORD", EventName = "RedisSentinelSeparateAuth")]
    public static partial void SentinelSeparateAuth(ILogger logger);
}
