using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VibeZ.Worker.Canary;

/// <summary>
/// What the canary last saw, as a health check: Degraded once no round has completed within three intervals, with the
/// last failure as the reason. Three, so one slow round under load (or a lease changing hands) does not flap /health.
/// </summary>
internal sealed class CanaryHealth(TimeProvider timeProvider, TimeSpan interval) : IHealthCheck
{
    /// <summary>Rounds missed before /health turns Degraded.</summary>
    public const int MissedIntervals = 3;

    private readonly DateTimeOffset _started = timeProvider.GetUtcNow();
    private readonly Lock _lock = new();
    private DateTimeOffset? _lastSuccess;
    private TimeSpan _lastRoundTrip;
    private string? _lastFailure;

    /// <summary>Gets the time since the last successful round, or since start when none has succeeded yet.</summary>
    public TimeSpan Gap
    {
        get
        {
            lock (_lock)
            {
                return timeProvider.GetUtcNow() - (_lastSuccess ?? _started);
            }
        }
    }

    public void Succeeded(TimeSpan roundTrip)
    {
        lock (_lock)
        {
            (_lastSuccess, _lastRoundTrip, _lastFailure) = (timeProvider.GetUtcNow(), roundTrip, null);
        }
    }

    /// <summary>Another Worker holds the canary lease: this one has nothing to report and must not look broken.</summary>
    public void Standby()
    {
        lock (_lock)
        {
            (_lastSuccess, _lastFailure) = (timeProvider.GetUtcNow(), null);
        }
    }

    public void Failed(string reason)
    {
        lock (_lock)
        {
            _lastFailure = reason;
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var since = _lastSuccess ?? _started;
            var gap = timeProvider.GetUtcNow() - since;
            var data = new Dictionary<string, object>
            {
                ["lastSuccess"] = _lastSuccess?.ToString("O") ?? "never",
                ["lastRoundTripMs"] = _lastRoundTrip.TotalMilliseconds,
                ["gapMs"] = gap.TotalMilliseconds,
            };
            if (gap <= interval * MissedIntervals)
            {
                return Task.FromResult(HealthCheckResult.Healthy("canary went round", data));
            }

            var what = _lastSuccess is null ? "no canary has gone round yet" : $"no canary has gone round for {gap.TotalSeconds:F1} s";
            return Task.FromResult(HealthCheckResult.Degraded($"{what}: {_lastFailure ?? "no round finished"}", data: data));
        }
    }
}
