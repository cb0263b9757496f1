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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var tokens = new CanaryTokens(timeProvider, settings.SigningKey!, settings.Channel);
        var lease = new LeaseHolder(
            new RedisLease(redis, LeaseName, settings.Interval * LeaseIntervals, Environment.ProcessId.ToString()),
            acquired: fence => CanaryLog.LeaseAcquired(logger, fence),
            lost: fence => CanaryLog.LeaseLost(logger, fence),
            unavailable: ex => health.Failed($"canary lease unavailable: {ex.Message}"));
        await lease.RunAsync(
            settings.Interval, timeProvider, ct => RunRoundAsync(settings, tokens, ct), whileNot: health.Standby, stoppingToken);
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
