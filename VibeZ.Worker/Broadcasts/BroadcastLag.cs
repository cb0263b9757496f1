using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using VibeZ.Channels.Broadcasts;

namespace VibeZ.Worker.Broadcasts;

/// <summary>
/// The last broadcast backlog read, as observable gauges and as the <c>broadcasts</c> health check: Degraded when the
/// earliest due broadcast is overdue by more than <see cref="BroadcastOptions.LagDegradedSeconds"/>, or when the backlog
/// could not be read for <see cref="StaleSamples"/> sample intervals.
/// </summary>
/// <remarks>
/// Gauges and /health report the last sample instead of reading Redis themselves, so a busy scraper or prober costs
/// Redis nothing.
/// </remarks>
internal sealed class BroadcastLag : IHealthCheck
{
    public const string MeterName = "VibeZ.Worker.Broadcasts";

    public const string PendingGauge = "vibez.broadcasts.pending";

    public const string OldestDueAgeGauge = "vibez.broadcasts.oldest_due_age";

    public const string DeadGauge = "vibez.broadcasts.dead";

    /// <summary>How often the backlog is read.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    /// <summary>Sample intervals without a reading before /health says the numbers are stale.</summary>
    public const int StaleSamples = 3;

    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _degradedAfter;
    private readonly DateTimeOffset _started;
    private readonly Lock _lock = new();
    private BroadcastBacklog? _last;
    private string? _lastFailure;

    public BroadcastLag(IMeterFactory meterFactory, IOptions<BroadcastOptions> options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _degradedAfter = options.Value.LagDegraded;
        _started = timeProvider.GetUtcNow();
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(PendingGauge, () => Observe(b => b.Pending), "{entry}",
            "Broadcast stream entries handed to a Worker and not yet acknowledged.");
        meter.CreateObservableGauge(OldestDueAgeGauge, () => Observe(b => b.OldestDueAge.TotalSeconds), "s",
            "How overdue the earliest broadcast still waiting in the due index is; 0 when none is due.");
        meter.CreateObservableGauge(DeadGauge, () => Observe(b => b.Dead), "{entry}",
            "Broadcasts in the dead-letter stream.");
    }

    public void Record(BroadcastBacklog backlog)
    {
        lock (_lock)
        {
            (_last, _lastFailure) = (backlog, null);
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
            var since = _last?.SampledAt ?? _started;
            var age = _timeProvider.GetUtcNow() - since;
            var data = new Dictionary<string, object>
            {
                ["sampledAt"] = _last?.SampledAt.ToString("O") ?? "never",
                ["pending"] = _last?.Pending ?? 0,
                ["oldestDueAgeSeconds"] = _last?.OldestDueAge.TotalSeconds ?? 0,
                ["dead"] = _last?.Dead ?? 0,
            };
            if (_lastFailure is not null)
            {
                data["lastError"] = _lastFailure;
            }

            if (age > SampleInterval * StaleSamples)
            {
                return Task.FromResult(HealthCheckResult.Degraded(
                    $"the broadcast backlog has not been read for {age.TotalSeconds:F1} s: {_lastFailure ?? "no reading finished"}", data: data));
            }

            if (_last is { } last && last.OldestDueAge > _degradedAfter)
            {
                return Task.FromResult(HealthCheckResult.Degraded(
                    $"the earliest due broadcast is {last.OldestDueAge.TotalSeconds:F1} s overdue, more than Broadcasts:LagDegradedSeconds ({_degradedAfter.TotalSeconds})",
                    data: data));
            }

            return Task.FromResult(HealthCheckResult.Healthy(_last is null ? "the broadcast backlog is not read yet" : "broadcasts are on time", data));
        }
    }

    private IEnumerable<Measurement<T>> Observe<T>(Func<BroadcastBacklog, T> value)
        where T : struct
    {
        BroadcastBacklog? last;
        lock (_lock)
        {
            last = _last;
        }

        // Nothing read yet: report nothing rather than a zero that looks like an empty backlog.
        return last is null ? [] : [new Measurement<T>(value(last))];
    }
}
