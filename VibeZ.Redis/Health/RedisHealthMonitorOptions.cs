using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Health;

/// <summary>
/// How often the Redis health monitor asks; bound from the <c>Redis</c> section and handed to the health check
/// publisher's schedule by <see cref="RedisHealthMonitorSchedule"/>.
/// </summary>
public sealed class RedisHealthMonitorOptions
{
    /// <summary>
    /// Gets or sets the seconds between two health checks of the monitor (<c>Redis:HealthCheckIntervalSeconds</c>).
    /// </summary>
    /// <value>The default value is 30 seconds; it must be from 1 to 3600.</value>
    [SettingRange(RedisResilienceDefaults.MonitorSectionName, 1, RedisResilienceDefaults.MaxHealthCheckIntervalSeconds)]
    public int HealthCheckIntervalSeconds { get; set; } = RedisResilienceDefaults.HealthCheckIntervalSeconds;

    internal TimeSpan HealthCheckInterval => TimeSpan.FromSeconds(HealthCheckIntervalSeconds);
}
