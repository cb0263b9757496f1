namespace VibeZ.Redis.Health;

/// <summary>
/// Asks, on demand, whether Redis serves this process: <c>checkRedisHealthStatus()</c> in docs/redis/resilience.md (Health).
/// </summary>
public interface IRedisHealthStatus
{
    /// <summary>
    /// Runs the <c>redis</c> health check (the same one <c>/health</c> runs) and reports its status and reason.
    /// A failure of the check itself is reported as unhealthy, not thrown.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The status and the reason.</returns>
    Task<RedisHealthReport> CheckAsync(CancellationToken cancellationToken = default);
}
