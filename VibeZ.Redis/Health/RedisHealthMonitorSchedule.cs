using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VibeZ.Redis.Configuration;

namespace VibeZ.Redis.Health;

/// <summary>
/// Sets the health check publisher's schedule from <c>Redis:HealthCheckIntervalSeconds</c> and has it run the
/// <c>redis</c> check only. <see cref="HealthCheckPublisherOptions"/> holds one schedule for every publisher of the
/// process; VibeZ.Redis owns it, and <see cref="RedisHealthMonitor"/> is the only publisher VibeZ registers.
/// </summary>
internal sealed class RedisHealthMonitorSchedule(IOptions<RedisHealthMonitorOptions> monitor) : IConfigureOptions<HealthCheckPublisherOptions>
{
    public void Configure(HealthCheckPublisherOptions options)
    {
        // The first check waits one interval too: a multiplexer still connecting at start-up is not an outage.
        options.Delay = monitor.Value.HealthCheckInterval;
        options.Period = monitor.Value.HealthCheckInterval;

        // The other checks (self, the Worker's) are not the monitor's news, and running them on its schedule costs for nothing.
        options.Predicate = registration => registration.Name == RedisDefaults.HealthCheckName;
    }
}
