using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VibeZ.Worker.Canary;

/// <summary>The canary's span (<c>vibez.canary</c>) and round-trip histogram, under one source name.</summary>
internal sealed class CanaryTelemetry
{
    public const string SourceName = "VibeZ.Worker.Canary";

    public static readonly ActivitySource ActivitySource = new(SourceName);

    private readonly Histogram<double> _roundTrip;

    public CanaryTelemetry(IMeterFactory meterFactory) =>
        _roundTrip = meterFactory.Create(SourceName).CreateHistogram<double>(
            "vibez.canary.round_trip", "ms", "Time from a canary publish on one Gateway to its arrival on another.");

    public void Record(TimeSpan roundTrip) => _roundTrip.Record(roundTrip.TotalMilliseconds);
}
