using System.Diagnostics.Metrics;

namespace VibeZ.Redis.Telemetry;

/// <summary>
/// The <c>VibeZ.Redis</c> instruments, made through <see cref="IMeterFactory"/> so each host (and each test) has its own.
/// </summary>
internal sealed class RedisMetrics
{
    public RedisMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(RedisTelemetry.SourceName);
        Reconnects = meter.CreateCounter<long>(RedisTelemetry.ReconnectsCounter, "{attempt}", "Reconnect attempts to a Redis endpoint.");
        Failovers = meter.CreateCounter<long>(RedisTelemetry.FailoversCounter, "{failover}", "Sentinel failovers completed: a new master took writes.");
        FailoverDuration = meter.CreateHistogram<double>(
            RedisTelemetry.FailoverDurationHistogram, "ms", "Time from losing the master to the new master taking writes.");
    }

    public Counter<long> Reconnects { get; }

    public Counter<long> Failovers { get; }

    public Histogram<double> FailoverDuration { get; }
}
