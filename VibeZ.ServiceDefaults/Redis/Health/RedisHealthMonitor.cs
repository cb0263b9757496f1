using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VibeZ.ServiceDefaults.Redis.Resilience;

namespace VibeZ.ServiceDefaults.Redis.Health;

/// <summary>
/// Checks Redis every <c>Redis:HealthCheckIntervalSeconds</c> and logs when its health changes, so the log tells
/// when an outage began and ended without a line per tick.
/// </summary>
internal sealed class RedisHealthMonitor(
    IRedisHealthStatus status,
    IOptions<RedisHealthMonitorOptions> options,
    TimeProvider timeProvider,
    ILogger<RedisHealthMonitor> logger) : BackgroundService
{
    // Assumed healthy at start: services wait for Redis before they start, so only a change from that is news.
    private HealthStatus _status = HealthStatus.Healthy;
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here rather than in ExecuteAsync (which runs on another thread) so the schedule counts from start.
        // The first check waits one interval: a multiplexer still connecting at start-up is not an outage.
        _timer = new PeriodicTimer(options.Value.HealthCheckInterval, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer!.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task CheckOnceAsync(CancellationToken stoppingToken)
    {
        RedisHealthReport report;
        try
        {
            report = await status.CheckAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // A monitor that dies on the first odd failure would go quiet exactly when it is needed.
            report = new RedisHealthReport(HealthStatus.Unhealthy, $"The health check threw {ex.GetType().Name}: {ex.Message}");
        }

        // Degraded (a master near its maxmemory) is a change of its own: Redis still serves, but writes will soon fail.
        if (report.Status == _status)
        {
            return;
        }

        _status = report.Status;
        switch (_status)
        {
            case HealthStatus.Healthy:
                RedisResilienceLog.BecameHealthy(logger, report.Reason);
                break;
            case HealthStatus.Degraded:
                RedisResilienceLog.BecameDegraded(logger, report.Reason);
                break;
            default:
                RedisResilienceLog.BecameUnhealthy(logger, report.Reason);
                break;
        }
    }
}
