using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels.Presence;
using VibeZ.Channels.Storage;
using VibeZ.Worker.Leases;

namespace VibeZ.Worker.Registry;

/// <summary>
/// Removes dead Gateways from the registry's index every interval, under the fenced lease so one Worker does it (as the
/// canary runs once). A Gateway's hash expires by itself; its index entry, scored by when it expires, is what would
/// otherwise stay forever.
/// </summary>
internal sealed class GatewayRegistryCleanup(
    IOptions<RegistryOptions> options,
    IPresenceStore store,
    RegistryMetrics metrics,
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    ILogger<GatewayRegistryCleanup> logger) : BackgroundService
{
    /// <summary>The lease name: one cleanup across all Worker replicas.</summary>
    public const string LeaseName = "gateway-registry";

    /// <summary>Lease TTL in intervals, as the canary's: a dead holder is taken over within 4 intervals.</summary>
    public const int LeaseIntervals = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CleanupInterval;
        var lease = new LeaseHolder(
            new RedisLease(redis, LeaseName, interval * LeaseIntervals, Environment.ProcessId.ToString()),
            acquired: fence => RegistryLog.LeaseAcquired(logger, fence),
            lost: fence => RegistryLog.LeaseLost(logger, fence),
            unavailable: ex => RegistryLog.CleanupFailed(logger, ex.Message));
        await lease.RunAsync(interval, timeProvider, CleanAsync, whileNot: metrics.Standby, stoppingToken);
    }

    private async Task CleanAsync(CancellationToken stoppingToken)
    {
        try
        {
            var sweep = await store.RemoveDeadGatewaysAsync(stoppingToken);
            metrics.Record(sweep);
            if (sweep.Removed.Count > 0)
            {
                RegistryLog.DeadGatewaysRemoved(logger, sweep.Removed.Count, string.Join(", ", sweep.Removed));
            }
        }
        catch (ChannelStoreException ex)
        {
            RegistryLog.CleanupFailed(logger, ex.Message);
        }
    }
}
