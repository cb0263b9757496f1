namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>What one subscriber received, in arrival order: each message's sequence number and when it was due and when it arrived.</summary>
internal sealed class ArrivalLog
{
    private readonly Lock _lock = new();
    private readonly List<Arrival> _arrivals = [];

    /// <summary>Gets payloads that were not ours (unreadable).</summary>
    public long Stray { get; private set; }

    public void Record(bool readable, in Load.Payload.Fields fields)
    {
        var now = Load.BenchClock.NowMicros;
        lock (_lock)
        {
            if (!readable)
            {
                Stray++;
                return;
            }

            _arrivals.Add(new Arrival(fields.Sequence, fields.IntendedMicros, now));
        }
    }

    public IReadOnlyList<Arrival> Read()
    {
        lock (_lock)
        {
            return [.. _arrivals];
        }
    }

    /// <summary>One delivery: the message's sequence number, when it was due, and when it arrived (<see cref="Load.BenchClock"/>).</summary>
    public readonly record struct Arrival(long Sequence, long DueMicros, long ArrivedMicros);
}
