using Microsoft.Extensions.Logging;

namespace VibeZ.Redis.Resilience;

internal static partial class RedisResilienceLog
{
    [LoggerMessage(200, LogLevel.Warning, "Redis operation {OperationName} gave up after {Attempts} attempt(s) in {ElapsedMilliseconds} ms (retried: {Retried})", EventName = "RedisOperationUnavailable")]
    public static partial void OperationUnavailable(ILogger logger, string operationName, int attempts, long elapsedMilliseconds, bool retried, Exception exception);

    [LoggerMessage(201, LogLevel.Information, "Redis attempt timed out in cluster mode; reading the cluster again in case a hung master's slots moved", EventName = "RedisClusterRefreshAfterAttemptTimeout")]
    public static partial void ClusterRefreshAfterAttemptTimeout(ILogger logger);

    [LoggerMessage(202, LogLevel.Warning, "Reading the Redis cluster again after an attempt timeout failed", EventName = "RedisClusterRefreshFailed")]
    public static partial void ClusterRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(210, LogLevel.Warning, "Redis became unhealthy: {Reason}", EventName = "RedisBecameUnhealthy")]
    public static partial void BecameUnhealthy(ILogger logger, string reason);

    [LoggerMessage(211, LogLevel.Information, "Redis is healthy again: {Reason}", EventName = "RedisBecameHealthy")]
    public static partial void BecameHealthy(ILogger logger, string reason);

    [LoggerMessage(212, LogLevel.Warning, "Redis is degraded: {Reason}", EventName = "RedisBecameDegraded")]
    public static partial void BecameDegraded(ILogger logger, string reason);
}
