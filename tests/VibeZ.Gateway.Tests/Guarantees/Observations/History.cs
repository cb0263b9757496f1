namespace VibeZ.Gateway.Tests.Guarantees.Observations;

/// <summary>
/// Every observation of every client of one run, in the order they were made. Thread-safe: publishers, subscribers
/// and the fault driver record from their own threads; a connection's frames are recorded on its receive loop, so
/// each connection's observations keep their arrival order.
/// </summary>
public sealed class History(TimeProvider timeProvider)
{
    private readonly long _start = timeProvider.GetTimestamp();
    private readonly List<Observation> _observations = [];

    /// <summary>Gets the time since the run started, for an observation's <see cref="Observation.At"/>.</summary>
    public TimeSpan Now => timeProvider.GetElapsedTime(_start);

    public void Add(Observation observation)
    {
        lock (_observations)
        {
            _observations.Add(observation);
        }
    }

    /// <summary>Records a fault, or one step of it, at this moment; <paramref name="disrupts"/> when it cuts the service.</summary>
    public void Fault(string description, bool disrupts) => Add(new Observation.FaultInjected(Now, description, disrupts));

    /// <summary>Every observation so far, in recording order.</summary>
    public IReadOnlyList<Observation> Snapshot()
    {
        lock (_observations)
        {
            return [.. _observations];
        }
    }
}
