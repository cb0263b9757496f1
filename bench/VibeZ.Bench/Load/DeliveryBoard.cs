namespace VibeZ.Bench.Load;

/// <summary>
/// Where every subscriber of a system reports what arrived: the step being measured now, and deliveries that belong to
/// none (a step that already ended, or a payload that is not ours).
/// </summary>
internal sealed class DeliveryBoard
{
    private StepRecorder? _current;
    private long _stray;

    /// <summary>Gets deliveries of an earlier step, or unreadable ones.</summary>
    public long Stray => Interlocked.Read(ref _stray);

    public StepRecorder? Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    /// <summary>Counts one delivery to the subscriber whose last sequence per publisher is <paramref name="lastSequences"/>.</summary>
    public void Deliver(bool readable, in Payload.Fields fields, long[] lastSequences)
    {
        var arrived = BenchClock.NowMicros;
        var step = Current;
        if (!readable || step is null || fields.Step != step.Step || (uint)fields.Publisher >= (uint)lastSequences.Length)
        {
            Interlocked.Increment(ref _stray);
            return;
        }

        // Each subscriber is fed by one receive loop, so its own array needs no lock.
        var inOrder = fields.Sequence > lastSequences[fields.Publisher];
        if (inOrder)
        {
            lastSequences[fields.Publisher] = fields.Sequence;
        }

        step.Record(fields, arrived, inOrder);
    }
}
