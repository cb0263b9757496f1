using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VibeZ.Redis.Health;

/// <summary>
/// The answer of <see cref="IRedisHealthStatus.CheckAsync"/>: the <c>checkRedisHealthStatus()</c> boolean of docs/redis/resilience.md (Health), with the reason.
/// </summary>
/// <param name="Status">The status the <c>redis</c> health check reported.</param>
/// <param name="Reason">Why, in the words of the check: which node answered, or what failed.</param>
public sealed record RedisHealthReport(HealthStatus Status, string Reason)
{
    /// <summary>Gets a value indicating whether Redis serves requests; a degraded Redis still does.</summary>
    public bool IsHealthy => Status != HealthStatus.Unhealthy;
}
