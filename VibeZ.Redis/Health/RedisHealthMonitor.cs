using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using VibeZ.Redis.Configuration;
using VibeZ.Redis.Resilience;

namespace VibeZ.Redis.Health;

/// <summary>
/// Logs when Redis health changes, so the log tells when an outage began and ended without a line per check. It is an
/// <see cref="IHealthCheckPublisher"/>: the health checks' own publisher service runs the <c>redis</c> check every
/// <c>Redis:HealthCheckIntervalSeconds</c> and hands it the report (<see cref="RedisHealthMonitorSchedule"/>).
/// </summary>
internal sealed class RedisHealthMonitor(ILogger<RedisHealthMonitor> logger) : IHealthCheckPublisher
{
    // Assumed healthy at start: services wait for Redis before they start, so only a change from that is news.
    private int _status = (int)HealthStatus.Healthy;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        // A check registered with a Delay or Period of its own gets a timer of its own, whose reports lack this entry.
        if (!report.Entries.TryGetValue(RedisDefaults.HealthCheckName, out var entry))
        {
            return Task.CompletedTask;
        }

        // The publisher's timer does not wait for a slow run, so two can overlap; the exchange still logs each change once.
        // Degraded (a master near its maxmemory) is a change of its own: Redis still serves, but writes will soon fail.
        if ((HealthStatus)Interlocked.Exchange(ref _status, (int)entry.Status) == entry.Status)
        {
            return Task.CompletedTask;
        }

        var reason = Reason(entry);
        switch (entry.Status)
        {
            case HealthStatus.Healthy:
                RedisResilienceLog.BecameHealthy(logger, reason);
                break;
            case HealthStatus.Degraded:
                RedisResilienceLog.BecameDegraded(logger, reason);
                break;
            default:
                RedisResilienceLog.BecameUnhealthy(logger, reason);
                break;
        }

        // Never throws: the publisher service would log an error for every failed publish, a line per interval again.
        return Task.CompletedTask;
    }

    private static string Reason(HealthReportEntry entry) =>

        // The health check service reports a check that threw by the exception's message alone; the type says what broke.
        entry.Exception is { } exception && entry.Description == exception.Message
            ? $"The health check threw {exception.GetType().Name}: {exception.Message}"
            : entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString();
}
