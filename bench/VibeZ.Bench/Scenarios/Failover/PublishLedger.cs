namespace VibeZ.Bench.Scenarios.Failover;

/// <summary>
/// What the publisher sent and what the system confirmed, message by message, on the harness's one clock
/// (<see cref="Load.BenchClock"/>): the first send of every sequence number, every resend, the first ack, and the
/// messages given up on after an error that says sending again will not help.
/// </summary>
internal sealed class PublishLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, long> _firstSent = [];
    private readonly Dictionary<long, long> _acked = [];
    private readonly HashSet<long> _failed = [];
    private readonly Dictionary<string, long> _errors = [];
    private long _resends;
    private long _duplicateAcks;

    /// <summary>Gets the messages sent and neither acked nor given up on.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _firstSent.Count - _acked.Count - _failed.Count;
            }
        }
    }

    public void Sent(long sequence, long atMicros)
    {
        lock (_lock)
        {
            if (!_firstSent.TryAdd(sequence, atMicros))
            {
                _resends++;
            }
        }
    }

    /// <summary>Records an ack; a second ack of the same message (after a resend) is counted, not recorded.</summary>
    public void Acked(long sequence, long atMicros)
    {
        lock (_lock)
        {
            if (!_acked.TryAdd(sequence, atMicros))
            {
                _duplicateAcks++;
            }
        }
    }

    public void Error(string code)
    {
        lock (_lock)
        {
            _errors[code] = _errors.GetValueOrDefault(code) + 1;
        }
    }

    public void Failed(long sequence)
    {
        lock (_lock)
        {
            _failed.Add(sequence);
        }
    }

    public Snapshot Read()
    {
        lock (_lock)
        {
            return new Snapshot(new Dictionary<long, long>(_firstSent), new Dictionary<long, long>(_acked), new HashSet<long>(_failed), new Dictionary<string, long>(_errors), _resends, _duplicateAcks);
        }
    }

    /// <summary>A copy of the ledger, read once the run is over.</summary>
    public sealed record Snapshot(
        IReadOnlyDictionary<long, long> FirstSent, IReadOnlyDictionary<long, long> Acked, IReadOnlySet<long> Failed, IReadOnlyDictionary<string, long> Errors, long Resends, long DuplicateAcks);
}
