using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VibeZ.Worker.Leases;

namespace VibeZ.Worker.Canary;

/// <summary>Runs a canary round every interval and reports it to telemetry and /health.</summary>
internal sealed class CanaryService(
    IOptions<CanaryOptions> options,
    CanaryProbe probe,
    CanaryHealth health,
    CanaryTelemetry telemetry,
    IConnectionMultiplexer redis,
    TimeProvider timeProvider,
    ILogger<CanaryService> logger) : BackgroundService
{
    /// <summary>The lease name: one canary across all Worker replicas.</summary>
    public const string LeaseName = "canary";

    /// <summary>
    /// Lease TTL in intervals. Renewed every interval, so two missed renewals in a row are survived; a dead holder is
    /// taken over within TTL + one interval (4 intervals, 20 s by default).
    /// </summary>
    public const int LeaseIntervals = 3;

    private LeaseGrant? _grant;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var tokens = new CanaryTokens(timeProvider, settings.SigningKey!, settings.Channel);
        var lease = new RedisLease(redis, LeaseName, settings.Interval * LeaseIntervals, Environment.ProcessId.ToString());
        using var timer = new PeriodicTimer(settings.Interval, timeProvider);
        try
        {
            do
            {
                if (await HoldLeaseAsync(lease))
                {
                    await RunRoundAsync(settings, tokens, stoppingToken);
                }
                else
                {
                    health.Standby();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            // A clean shutdown hands over at once instead of after the TTL.
            if (_grant is { } grant)
            {
                await ReleaseQuietlyAsync(lease, grant);
            }
        }
    }

    private async Task<bool> HoldLeaseAsync(RedisLease lease)
    {
        try
        {
            if (_grant is { } grant && !await lease.RenewAsync(grant))
            {
                CanaryLog.LeaseLost(logger, grant.Fence);
                _grant = null;
            }

            if (_grant is null && await lease.TryAcquireAsync() is { } taken)
            {
                CanaryLog.LeaseAcquired(logger, taken.Fence);
                _grant = taken;
            }

            return _grant is not null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis away: we cannot know whether we still hold the lease, so do not act as holder this tick.
            health.Failed($"canary lease unavailable: {ex.Message}");
            return false;
        }
    }

    private static async Task ReleaseQuietlyAsync(RedisLease lease, LeaseGrant grant)
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

    private async Task RunRoundAsync(CanaryOptions settings, CanaryTokens tokens, CancellationToken stoppingToken)
    {
        using var activity = CanaryTelemetry.ActivitySource.StartActivity("vibez.canary");
        // Both are validated at start (CanaryOptionsValidator) whenever the canary runs.
        var (publishVia, receiveVia) = (settings.PublishVia!, settings.ReceiveVia!);
        activity?.SetTag("vibez.canary.publish_via", publishVia.Authority);
        activity?.SetTag("vibez.canary.receive_via", receiveVia.Authority);

        // A round may take at most one interval, so rounds never pile up behind a hung Gateway.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(settings.Interval);
        try
        {
            var roundTrip = await probe.RunAsync(publishVia, receiveVia, settings.Channel, tokens.Mint(), timeout.Token);
            telemetry.Record(roundTrip);
            health.Succeeded(roundTrip);
            activity?.SetTag("vibez.canary.round_trip_ms", roundTrip.TotalMilliseconds);
            CanaryLog.Round(logger, roundTrip.TotalMilliseconds);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is CanaryFailedException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
        {
            health.Failed(ex.Message);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            CanaryLog.RoundFailed(logger, ex.Message);
        }
    }
}
