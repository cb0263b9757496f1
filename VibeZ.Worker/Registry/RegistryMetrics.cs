using System.Diagnostics.Metrics;
using VibeZ.Channels.Presence;

namespace VibeZ.Worker.Registry;

/// <summary>
/// The Gateway registry as the cleanup sees it (meter <c>VibeZ.Worker.Registry</c>). Only the Worker holding the
/// cleanup lease reports the gauge, so summing it over Workers counts each Gateway once.
/// </summary>
internal sealed class RegistryMetrics
{
    public const string MeterName = "VibeZ.Worker.Registry";

    public const string GatewaysGauge = "vibez.registry.gateways";

    public const string RemovedCounter = "vibez.registry.removed";

    private readonly Counter<long> _removed;
    // Not holding the lease, or nothing counted yet.
    private const long Unknown = -1;

    private long _alive = Unknown;

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge(GatewaysGauge, ObserveAlive, "{gateway}",
            "Gateways whose registry entry had not expired at the last cleanup; reported by the Worker holding the cleanup lease.");
        _removed = meter.CreateCounter<long>(RemovedCounter, "{gateway}", "Dead Gateways removed from the registry's index by this Worker.");
    }

    public void Record(RegistrySweep sweep)
    {
        Interlocked.Exchange(ref _alive, sweep.Alive);
        if (sweep.Removed.Count > 0)
        {
            _removed.Add(sweep.Removed.Count);
        }
    }

    /// <summary>Another Worker holds the lease (or Redis did not answer): stop reporting a count that may be stale.</summary>
    public void Standby() => Interlocked.Exchange(ref _alive, Unknown);

    private IEnumerable<Measurement<long>> ObserveAlive() =>
        Interlocked.Read(ref _alive) is var alive and not Unknown ? [new Measurement<long>(alive)] : [];
}
