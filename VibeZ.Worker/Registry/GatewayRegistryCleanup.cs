using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Channels;
using VibeZ.Channels.Presence;
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
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    ILogger<GatewayRegistryCleanup> logger) : BackgroundService
{
    /// <summary>The lease name: one cleanup across all Worker replicas.</summary>
    public const string LeaseName = "gateway-registry";

    /// <summary>Lease TTL in intervals, as the canary's: a dead holder is taken over within 4 intervals.</summary>
    public const int LeaseIntervals = 3;

    private LeaseGrant? _grant;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CleanupInterval;
        var lease = new RedisLease(redis, LeaseName, interval * LeaseIntervals, Environment.ProcessId.ToString());
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            do
            {
                if (await HoldLeaseAsync(lease))
                {
                    await CleanAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            if (_grant is { } grant)
            {
                try
                {
                    await lease.ReleaseAsync(grant);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // The TTL releases it anyway.
                }
            }
        }
    }

    private async Task<bool> HoldLeaseAsync(RedisLease lease)
    {
        try
        {
            if (_grant is { } grant && !await lease.RenewAsync(grant))
            {
                RegistryLog.LeaseLost(logger, grant.Fence);
                _grant = null;
            }

            if (_grant is null && await lease.TryAcquireAsync() is { } taken)
            {
                RegistryLog.LeaseAcquired(logger, taken.Fence);
                _grant = taken;
            }

            return _grant is not null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis away: we cannot know whether we still hold the lease, so do not act as holder this tick.
            RegistryLog.CleanupFailed(logger, ex.Message);
            return false;
        }
    }

    private async Task CleanAsync(CancellationToken stoppingToken)
    {
        try
        {
            var dead = await store.RemoveDeadGatewaysAsync(stoppingToken);
            if (dead.Count > 0)
            {
                RegistryLog.DeadGatewaysRemoved(logger, dead.Count, string.Join(", ", dead));
            }
        }
        catch (ChannelStoreException ex)
        {
            RegistryLog.CleanupFailed(logger, ex.Message);
        }
    }
}
