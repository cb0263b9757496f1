using StackExchange.Redis;

namespace VibeZ.Worker.Leases;

/// <summary>
/// Runs a singleton job (the canary, the registry cleanup) under one <see cref="RedisLease"/>: every tick it renews the
/// lease it holds or tries to take it, does the work only while it holds it, and gives it up on a clean shutdown.
/// </summary>
/// <remarks>
/// The caller says what a change means to it (its own log events, its health), so one job's lease reads as that job's in
/// the logs. Renewing once per tick with a TTL of several ticks survives missed renewals; see <c>docs/leases.md</c>.
/// </remarks>
/// <param name="lease">The lease, with a TTL of a few ticks.</param>
/// <param name="acquired">Called with the fence when this process takes the lease.</param>
/// <param name="lost">Called with the old fence when a renewal finds the lease gone to another holder.</param>
/// <param name="unavailable">Called when Redis did not answer: this tick acts as if the lease were not held.</param>
internal sealed class LeaseHolder(RedisLease lease, Action<long> acquired, Action<long> lost, Action<Exception> unavailable)
{
    private LeaseGrant? _grant;

    /// <summary>Ticks every <paramref name="interval"/>, the first at once, until <paramref name="stoppingToken"/> fires.</summary>
    /// <param name="interval">Time between ticks.</param>
    /// <param name="timeProvider">The clock the ticks follow.</param>
    /// <param name="whileHeld">The job's work, run on each tick this process holds the lease.</param>
    /// <param name="whileNot">Run on each tick another holder has the lease (or Redis did not answer).</param>
    /// <param name="stoppingToken">Stops the ticks and releases the lease.</param>
    public async Task RunAsync(
        TimeSpan interval,
        TimeProvider timeProvider,
        Func<CancellationToken, Task> whileHeld,
        Action? whileNot,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            do
            {
                if (await HoldAsync())
                {
                    await whileHeld(stoppingToken);
                }
                else
                {
                    whileNot?.Invoke();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            // A clean shutdown hands over at once instead of after the TTL.
            await ReleaseQuietlyAsync();
        }
    }

    /// <summary>Renews the lease if held, else tries to take it.</summary>
    /// <returns>Whether this process holds the lease for this tick.</returns>
    public async Task<bool> HoldAsync()
    {
        try
        {
            if (_grant is { } grant && !await lease.RenewAsync(grant))
            {
                lost(grant.Fence);
                _grant = null;
            }

            if (_grant is null && await lease.TryAcquireAsync() is { } taken)
            {
                acquired(taken.Fence);
                _grant = taken;
            }

            return _grant is not null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis away: we cannot know whether we still hold the lease, so do not act as holder this tick.
            unavailable(ex);
            return false;
        }
    }

    private async Task ReleaseQuietlyAsync()
    {
        if (_grant is not { } grant)
        {
            return;
        }

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
