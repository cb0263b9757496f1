using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VibeZ.Worker.Canary;

/// <summary>The canary's span (<c>vibez.canary</c>), round-trip histogram and gap gauge, under one source name.</summary>
internal sealed class CanaryTelemetry
{
    public const string SourceName = "VibeZ.Worker.Canary";

    public const string RoundTripHistogram = "vibez.canary.round_trip";

    public const string GapGauge = "vibez.canary.gap";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    private readonly Histogram<double> _roundTrip;

    public CanaryTelemetry(IMeterFactory meterFactory, CanaryHealth health)
    {
        var meter = meterFactory.Create(SourceName);
        _roundTrip = meter.CreateHistogram<double>(
            RoundTripHistogram, "ms", "Time from a canary publish on one Gateway to its arrival on another.");

        // A gauge rather than a missing histogram point: a failed round records nothing, and the dashboard cannot chart
        // an absence, but it can chart the gap growing during a failover and dropping when a round goes through.
        meter.CreateObservableGauge(
            GapGauge, () => health.Gap.TotalSeconds, "s", "Seconds since the last successful canary round, or since start when none has succeeded.");
    }

    public void Record(TimeSpan roundTrip) => _roundTrip.Record(roundTrip.TotalMilliseconds);
}
